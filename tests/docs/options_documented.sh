#!/usr/bin/env bash
# Test: every long option printed by `notify --help` and by each command's
# --help appears in man/notify.1 and in each of the three completion files
# (the docs-sync idea of curl's test1139).
# usage: options_documented.sh NOTIFY_BINARY SOURCE_DIR
set -u
. "$(dirname "$0")/lib.sh"

bin=${1:?usage: options_documented.sh NOTIFY_BINARY SOURCE_DIR}
src=${2:?usage: options_documented.sh NOTIFY_BINARY SOURCE_DIR}
[[ -x $bin ]] || fail "$bin is not executable"
make_tmpdir

# Help must not depend on a config file.
export NOTIFY_CONFIG=$tmp/none.toml XDG_CONFIG_HOME=$tmp HOME=$tmp

help=$("$bin" --help 2>&1) || fail "notify --help exited non-zero: $help"
[[ -n $help ]] || fail "notify --help printed nothing"
all=$help

# Commands: those the product defines, plus any the help itself lists.
commands="list check test flush setup run telegram"
for c in $commands; do
    args=("$c")
    [[ $c == telegram ]] && args=(telegram discover)
    out=$("$bin" "${args[@]}" --help 2>&1 </dev/null) && all+=$'\n'$out
done

mapfile -t options < <(grep -oE -- '--[a-z][a-z0-9-]*' <<<"$all" | sort -u)
((${#options[@]} >= 10)) || fail "found only ${#options[@]} long options in --help: ${options[*]}"

# The man page with roff escapes removed: \- -> -, font changes dropped.
man_text=$(sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\&//g' "$src/man/notify.1")

missing=0
has_option() {  # has_option TEXT OPTION: OPTION present as a whole word
    grep -qE -- "(^|[^a-z0-9-])$2([^a-z0-9-]|\$)" <<<"$1"
}
for opt in "${options[@]}"; do
    if ! has_option "$man_text" "$opt"; then
        note "man/notify.1 does not document $opt"
        missing=$((missing + 1))
    fi
    for f in notify.bash _notify; do
        if ! has_option "$(<"$src/completions/$f")" "$opt"; then
            note "completions/$f does not complete $opt"
            missing=$((missing + 1))
        fi
    done
    # fish spells long options as `-l name`.
    if ! grep -qE -- "(-l|--long-option) ${opt#--}( |\$)" "$src/completions/notify.fish"; then
        note "completions/notify.fish does not complete $opt"
        missing=$((missing + 1))
    fi
done
((missing == 0)) || fail "$missing option/file pair(s) undocumented"
echo "options documented (${#options[@]}): ${options[*]}"
