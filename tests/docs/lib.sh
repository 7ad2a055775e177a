# Shared helpers for the documentation tests; sourced, not run.
# shellcheck shell=bash

fail() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}

note() {
    printf '%s\n' "$*" >&2
}

# require_tool COMMAND PACKAGE: make COMMAND available, installing PACKAGE
# with apt-get when it is missing.  A tool that cannot be installed is a
# test failure, never a silent skip.
require_tool() {
    local cmd=$1 pkg=$2 apt=()
    command -v "$cmd" >/dev/null 2>&1 && return 0
    if [[ $(id -u) -eq 0 ]]; then
        apt=(apt-get)
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        apt=(sudo -n apt-get)
    else
        fail "$cmd is missing and apt-get cannot be run as root to install $pkg"
    fi
    command -v apt-get >/dev/null 2>&1 || fail "$cmd is missing and there is no apt-get to install $pkg"
    note "installing $pkg for $cmd"
    if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q "$pkg" >&2; then
        DEBIAN_FRONTEND=noninteractive "${apt[@]}" update -q >&2 || true
        DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q "$pkg" >&2 ||
            fail "could not install $pkg (needed for $cmd)"
    fi
    command -v "$cmd" >/dev/null 2>&1 || fail "$pkg installed but $cmd still not found"
}

# make_tmpdir: set $tmp to a fresh temporary directory removed at exit.
# (Not used as $(make_tmpdir): the trap must live in the calling shell.)
make_tmpdir() {
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/notify-docs.XXXXXX") || fail "mktemp failed"
    # shellcheck disable=SC2064
    trap "rm -rf '$tmp'" EXIT
}
