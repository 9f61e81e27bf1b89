# SPDX-License-Identifier: MIT
# Bash completion for roost, roost-migrate and roostd: commands, options, profile names
# from roost.toml, node and stream names from the daemon. Installed once per program name
# (completion/meson.build). tests/integration/test_bash_completion.cpp checks that
# the tables below offer exactly what each command's --help lists.

# Subcommands and options (besides --help) of each command, by program and path.
declare -gA _roost_commands=(
    ["roost"]="status plugins stop profile pubsub roster blog stream"
    ["roost profile"]="list connect disconnect"
    ["roost pubsub"]="get publish retract subscribe unsubscribe subscriptions node cache"
    ["roost pubsub node"]="create delete purge config"
    ["roost pubsub cache"]="get sync purge reset search stats"
    ["roost roster"]="list add rename groups remove subscribe approve deny cancel"
    ["roost blog"]="post edit delete get comments follow unfollow following"
    ["roost blog comments"]="get post delete"
    ["roost stream"]="define list show get follow delete"
    ["roost-migrate"]="status upgrade downgrade history new check schema"
)
declare -gA _roost_options=(
    ["roost"]="--socket --json --version"
    ["roost pubsub get"]="--profile --service --node --item --max --max-items --before --after --index --no-cache --xml"
    ["roost pubsub publish"]="--profile --service --node --item --option"
    ["roost pubsub retract"]="--profile --service --node --item"
    ["roost pubsub subscribe"]="--profile --service --node"
    ["roost pubsub unsubscribe"]="--profile --service --node"
    ["roost pubsub subscriptions"]="--profile --service --node"
    ["roost pubsub node create"]="--profile --service --node --config"
    ["roost pubsub node delete"]="--profile --service --node"
    ["roost pubsub node purge"]="--profile --service --node"
    ["roost pubsub node config"]="--profile --service --node --set"
    ["roost pubsub cache get"]="--profile --service --node --item --max --max-items --before --after --index --order-by --xml"
    ["roost pubsub cache sync"]="--profile --service --node"
    ["roost pubsub cache purge"]="--profile --all-profiles --service --node --type --older-than"
    ["roost pubsub cache reset"]="--profile --all-profiles"
    ["roost pubsub cache search"]="--profile --all-profiles --limit --offset"
    ["roost pubsub cache stats"]="--profile --all-profiles"
    ["roost roster list"]="--profile"
    ["roost roster add"]="--profile --name --group"
    ["roost roster rename"]="--profile"
    ["roost roster groups"]="--profile"
    ["roost roster remove"]="--profile"
    ["roost roster subscribe"]="--profile --message"
    ["roost roster approve"]="--profile"
    ["roost roster deny"]="--profile"
    ["roost roster cancel"]="--profile"
    ["roost blog post"]="--profile --title --xhtml --tag --lang --id --access --group"
    ["roost blog edit"]="--profile --title --xhtml --tag --lang --id --access --group"
    ["roost blog delete"]="--profile --id --keep-comments"
    ["roost blog get"]="--profile --jid --max --before --after"
    ["roost blog comments get"]="--profile --service --node --item --jid --max --before --after"
    ["roost blog comments post"]="--profile --service --node --item --jid --title --xhtml"
    ["roost blog comments delete"]="--profile --service --node --item --jid --id"
    ["roost blog follow"]="--profile"
    ["roost blog unfollow"]="--profile"
    ["roost blog following"]="--profile"
    ["roost stream define"]="--profile --node --blog --group --contacts --type --query --rule"
    ["roost stream list"]="--profile"
    ["roost stream show"]="--profile"
    ["roost stream get"]="--profile --limit --after"
    ["roost stream follow"]="--profile"
    ["roost stream delete"]="--profile"
    ["roost-migrate"]="--db --migrations-dir --dry-run --version"
    ["roost-migrate upgrade"]="--to"
    ["roost-migrate downgrade"]="--to"
    ["roost-migrate check"]="--schema"
    ["roostd"]="--config --log-level --version"
)
# The options that take a value, by program.
declare -gA _roost_value_options=(
    ["roost"]="--access --after --before --blog --config --group --id --index --item --jid --lang --limit --max --max-items --message --name --node --offset --older-than --option --order-by --profile --query --rule --service --set --socket --tag --title --type --xhtml"
    ["roost-migrate"]="--db --migrations-dir --schema --to"
    ["roostd"]="--config --log-level"
)

# The profile names of roost.toml (doc/config.md): its [profiles.NAME] tables.
_roost_profiles() {
    local config=${XDG_CONFIG_HOME:-$HOME/.config}/roost/roost.toml
    [[ -r $config ]] || return 0
    sed -n 's/^[[:space:]]*\[[[:space:]]*profiles\.\([A-Za-z0-9_-]*\)[[:space:]]*\].*/\1/p' "$config"
}

# The JSON answers of `roost $2 --json` ($2: the command's words), for the --profile
# given, else for each configured profile; nothing when the daemon is not running. $1 is
# the roost to run, the rest are its --socket and --profile from the command line.
_roost_ask() {
    local roost=$1 command=$2 profile
    shift 2
    # Where roost would look for the daemon (doc/roostd.md): no socket, no daemon.
    local socket=${XDG_RUNTIME_DIR:-/tmp/roost-$(id -u)}/roost/roostd.sock
    [[ $1 == --socket ]] && socket=$2
    [[ -S $socket ]] && type -P "$roost" >/dev/null || return 0
    local scopes=("")
    [[ " $* " != *" --profile "* ]] && scopes=($(_roost_profiles))
    for profile in "${scopes[@]:-}"; do
        timeout 2 "$roost" $command --json "$@" ${profile:+--profile "$profile"} \
            2>/dev/null </dev/null
    done
}

# The node names in the daemon's cache (arguments as for _roost_ask, without $2).
_roost_nodes() {
    _roost_ask "$1" "pubsub cache stats" "${@:2}" |
        sed -n 's/^[[:space:]]*"node":[[:space:]]*"\(.*\)",\{0,1\}[[:space:]]*$/\1/p' | sort -u
}

# The names of the streams defined (arguments as for _roost_ask, without $2): each
# stream's "name", at its depth in `roost stream list --json`.
_roost_streams() {
    _roost_ask "$1" "stream list" "${@:2}" |
        sed -n 's/^      "name":[[:space:]]*"\(.*\)",\{0,1\}[[:space:]]*$/\1/p' | sort -u
}

# Sets COMPREPLY to the words of $1 (separated by blanks) that start with $2. In bash
# itself: a completion runs on every TAB, and compgen would cost a subshell.
_roost_reply() {
    local - word
    set -f
    COMPREPLY=()
    for word in $1; do
        [[ $word == "$2"* ]] && COMPREPLY+=("$word")
    done
}

# Sets COMPREPLY to the files (or with -d, the directories) whose names start with $2.
_roost_reply_files() {
    mapfile -t COMPREPLY < <(compgen "$1" -- "$2")
}

_roost_complete() {
    local program=${COMP_WORDS[0]##*/}
    local cur=${COMP_WORDS[COMP_CWORD]} prev=""
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    # --option=value: bash splits it into --option, =, value.
    if [[ $cur == "=" ]]; then
        prev=${COMP_WORDS[COMP_CWORD - 1]} cur=""
    elif [[ $prev == "=" ]] && ((COMP_CWORD > 1)); then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    fi
    local values=" ${_roost_value_options[$program]} "
    # The command the words so far name, the options that go with the daemon, and the
    # positionals given.
    local path=$program word i passthrough=() positionals=0
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        if [[ $word == -* ]]; then
            if [[ $values == *" $word "* ]] && ((i + 1 < COMP_CWORD)); then
                [[ $word == --socket ]] && passthrough=("$word" "${COMP_WORDS[i + 1]}" "${passthrough[@]}")
                [[ $word == --profile ]] && passthrough+=("$word" "${COMP_WORDS[i + 1]}")
                ((i++))
                # `roost stream define --node SERVICE NODE`: two values.
                [[ $word == --node && $path == "roost stream define" ]] && ((i + 1 < COMP_CWORD)) &&
                    ((i++))
            fi
        elif [[ $word == "=" ]]; then
            ((i++))
        elif [[ " ${_roost_commands[$path]} " == *" $word "* ]]; then
            path+=" $word"
        else
            ((positionals++))
        fi
    done

    if [[ $path == "roost stream define" ]]; then
        # --node SERVICE NODE: no JIDs to offer for SERVICE; the cache's nodes for NODE.
        if [[ $prev == --node ]]; then
            COMPREPLY=()
            return 0
        elif ((COMP_CWORD > 1)) && [[ ${COMP_WORDS[COMP_CWORD - 2]} == --node ]]; then
            _roost_reply "$(_roost_nodes "${COMP_WORDS[0]}" "${passthrough[@]}")" "$cur"
            return 0
        fi
    fi
    if [[ $values == *" $prev "* ]]; then
        case $prev in
        --profile) _roost_reply "$(_roost_profiles)" "$cur" ;;
        --node) _roost_reply "$(_roost_nodes "${COMP_WORDS[0]}" "${passthrough[@]}")" "$cur" ;;
        --socket | --db | --schema) _roost_reply_files -f "$cur" ;;
        --config) [[ $program == roostd ]] && _roost_reply_files -f "$cur" ;;
        --migrations-dir) _roost_reply_files -d "$cur" ;;
        --log-level) _roost_reply "trace debug info warn error" "$cur" ;;
        --access) _roost_reply "open presence roster whitelist" "$cur" ;;
        --order-by) _roost_reply "creation modification" "$cur" ;;
        *) COMPREPLY=() ;;
        esac
        return 0
    fi
    if [[ $cur == -* ]]; then
        local options="--help ${_roost_options[$path]}"
        # roost takes its own options after any command too (doc/cli.md).
        [[ $program == roost && $path != roost ]] && options+=" --socket --json"
        _roost_reply "$options" "$cur"
    elif [[ -n ${_roost_commands[$path]} ]]; then
        _roost_reply "${_roost_commands[$path]}" "$cur"
    elif [[ ($path == "roost profile connect" || $path == "roost profile disconnect") &&
        $positionals == 0 ]]; then
        _roost_reply "$(_roost_profiles)" "$cur"
    elif [[ $path == "roost stream "* && $path != "roost stream list" ]] && ((positionals == 0)); then
        _roost_reply "$(_roost_streams "${COMP_WORDS[0]}" "${passthrough[@]}")" "$cur"
    else
        COMPREPLY=()
    fi
    return 0
}

complete -F _roost_complete roost roost-migrate roostd
