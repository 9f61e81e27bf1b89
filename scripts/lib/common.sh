# SPDX-License-Identifier: MIT
# Shared by scripts/test, scripts/demo and bench/run: packages, build directory.
# Sourced, not run.

ROOST_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Debian packages Roost builds, tests and demos with.
ROOST_PACKAGES=(
    g++ meson ninja-build pkg-config python3 libexpat1-dev
    libsqlite3-dev libsqlitecpp-dev libstrophe-dev libssl-dev libpugixml-dev nlohmann-json3-dev
    libspdlog-dev doctest-dev libcli11-dev libtomlplusplus-dev libsystemd-dev
    prosody ejabberd openssl
    clang libclang-rt-14-dev
    clang-format
    scdoc bash-completion
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

# Configures $1 (once) as the AddressSanitizer + UndefinedBehaviorSanitizer build that
# scripts/test runs the unit and integration tests in. Plugins are dlopen'd by roostd:
# b_lundef=false lets them leave the sanitizer runtime to the executable. GCC's
# -Wmaybe-uninitialized gives false positives under -fsanitize (std::optional<std::string>
# moves with GCC 12): the plain build keeps the warning. -O1 (the level AddressSanitizer's
# documentation suggests) rather than -O2: instrumented code compiles about a quarter
# faster (SqlitePubsubStore.cpp: 22 s of CPU against 29 s).
setup_sanitizer_build() {
    local dir=$1
    [ -f "$dir/build.ninja" ] && return 0
    meson setup "$dir" "$ROOST_ROOT" --werror -Doptimization=1 \
        -Db_sanitize=address,undefined -Db_lundef=false \
        "-Dcpp_args=-fno-sanitize-recover=all -fno-omit-frame-pointer -Wno-maybe-uninitialized" \
        "-Dcpp_link_args=-fno-sanitize-recover=all" >/dev/null
}

# What the sanitizers do when a process of ours trips them: stop it, and write the
# report to $1.<pid>, so that findings in roostd or roost (children of the tests) are
# seen too. LSan ignores only the third-party leaks listed in tests/lsan.supp.
# Sanitized code runs 2 to 6 times slower: the tests' waits and latency bounds
# stretch by ROOST_TEST_TIME_SCALE (tests/support/TimeScale.hpp), as meson's timeouts do.
sanitizer_env() {
    local reports=$1
    export ROOST_TEST_TIME_SCALE=3
    export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:log_path=$reports"
    export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports"
    export LSAN_OPTIONS="suppressions=$ROOST_ROOT/tests/lsan.supp:print_suppressions=0"
}

# Configures $1 (once) as the clang build of the fuzz targets (tests/fuzz): everything
# they link carries libFuzzer's coverage hooks, ASan and UBSan, and any UBSan finding
# stops the run.
setup_fuzz_build() {
    local dir=$1
    [ -f "$dir/build.ninja" ] && return 0
    CXX=clang++ meson setup "$dir" "$ROOST_ROOT" --werror -Dfuzz=true \
        -Db_sanitize=address,undefined -Db_lundef=false \
        "-Dcpp_args=-fsanitize=fuzzer-no-link -fno-sanitize-recover=all" \
        "-Dcpp_link_args=-fno-sanitize-recover=all" >/dev/null
}

# Builds the fuzz targets of the build in $1, and nothing else of it.
build_fuzz_targets() {
    ninja -C "$1" -j2 fuzz-targets >/dev/null
}

# Configures the tree in $1 (once) with the remaining meson options.
configure_roost() {
    local dir=$1
    shift
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" "$ROOST_ROOT" "$@" >/dev/null
    fi
}

# Configures (once) and builds the tree in $1 with the remaining meson options.
build_roost() {
    configure_roost "$@"
    ninja -C "$1" -j2 >/dev/null
}

# Runs a check (the command "$@") as one test of scripts/test's summary: prints its output
# and writes its result to $1/meson-logs/testlog.json as meson would for a test named $2,
# for scripts/lib/summarize_tests.py to count. Never fails itself.
run_check() {
    local dir=$1 name=$2 output result=OK
    shift 2
    output=$("$@" 2>&1) || result=FAIL
    if [ -n "$output" ]; then printf '%s\n' "$output" >&2; fi
    mkdir -p "$dir/meson-logs"
    python3 -c 'import json, sys
print(json.dumps({"name": sys.argv[1], "result": sys.argv[2], "stdout": sys.argv[3]}))' \
        "$name" "$result" "$output" >"$dir/meson-logs/testlog.json"
}
