# Shared by scripts/test, scripts/demo and bench/run: packages, build directory.
# Sourced, not run.

ROOST_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Debian packages Roost builds, tests and demos with.
ROOST_PACKAGES=(
    g++ meson ninja-build pkg-config python3
    libsqlite3-dev libsqlitecpp-dev libstrophe-dev libpugixml-dev nlohmann-json3-dev
    libspdlog-dev doctest-dev libcli11-dev libtomlplusplus-dev libsystemd-dev
    prosody ejabberd
)

# Installs whichever of the given packages are missing (apt-get as root).
ensure_packages() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing packages: ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}" >&2
        return 1
    fi
    echo "installing: ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Configures (once) and builds the tree in $1 with the remaining meson options.
build_roost() {
    local dir=$1
    shift
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" "$ROOST_ROOT" "$@" >/dev/null
    fi
    ninja -C "$dir" -j2 >/dev/null
}
