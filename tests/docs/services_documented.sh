#!/usr/bin/env bash
# Test: the services of the registry, as `notify help services` prints them,
# are exactly those of the man page (its Services list and one "type = ..."
# section each, naming every key the service declares) and of the three
# completion files' --type lists.
# usage: services_documented.sh NOTIFY_BINARY SOURCE_DIR
set -u
. "$(dirname "$0")/lib.sh"

bin=${1:?usage: services_documented.sh NOTIFY_BINARY SOURCE_DIR}
src=${2:?usage: services_documented.sh NOTIFY_BINARY SOURCE_DIR}
[[ -x $bin ]] || fail "$bin is not executable"
make_tmpdir
export NOTIFY_CONFIG=$tmp/none.toml XDG_CONFIG_HOME=$tmp HOME=$tmp

help=$("$bin" help services 2>&1) || fail "notify help services exited non-zero: $help"
mapfile -t types < <(grep -v '^usage:' <<<"$help" | grep -oE '^[a-z][a-z0-9_-]*:' | tr -d :)
((${#types[@]} >= 4)) || fail "notify help services lists only ${#types[@]} services: ${types[*]}"
want=$(printf '%s\n' "${types[@]}" | sort | tr '\n' ' ')

same() {  # same WHAT LIST...: LIST (any order) must equal the registry's types
    local what=$1
    shift
    local got
    got=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
    [[ $got == "$want" ]] || fail "$what lists '$got', the registry '$want'"
}

man=$src/man/notify.1
# The Services list: the .B line after each .TP up to the next section.
mapfile -t listed < <(awk '/^\.SS Services$/{on=1;next} on&&/^\.S[SH] /{exit}
                           on&&prev==".TP"&&/^\.B /{print $2} {prev=$0}' "$man")
same "man page Services list" "${listed[@]}"
mapfile -t sections < <(sed -n 's/^\.SS "type = \\(dq\([a-z0-9_-]*\)\\(dq"$/\1/p' "$man")
same "man page 'type = ...' sections" "${sections[@]}"

# Every key of every service in its own man page section.
for t in "${types[@]}"; do
    keys=$(awk -v t="$t" '$0==t": "substr($0,length(t)+3) {on=1;next} on&&/^$/{exit}
                          on&&/^  [a-z_]+ /&&$1!="parts:"&&$1!="files:"&&$1!="can:"{print $1}' <<<"$help")
    [[ -n $keys ]] || fail "notify help services shows no keys for $t"
    section=$(awk -v h=".SS \"type = \\\\(dq$t\\\\(dq\"" '$0==h{on=1;next} on&&/^\.S[SH] /{exit} on' "$man")
    [[ -n $section ]] || fail "no man page section for type $t"
    for k in $keys; do
        grep -qE "^\.BR? $k( |\$)" <<<"$section" ||
            fail "man page section 'type = \"$t\"' does not document its key '$k'"
    done
done

bash_list=$(sed -n 's/^_notify_services="\(.*\)"$/\1/p' "$src/completions/notify.bash")
# shellcheck disable=SC2086
same "completions/notify.bash _notify_services" $bash_list
zsh_list=$(sed -n "s/.*'--type=\[service\]:service:(\([^)]*\))'.*/\1/p" "$src/completions/_notify")
# shellcheck disable=SC2086
same "completions/_notify --type" $zsh_list
fish_list=$(sed -n "s/.*-l type -x -a '\([^']*\)'.*/\1/p" "$src/completions/notify.fish")
# shellcheck disable=SC2086
same "completions/notify.fish --type" $fish_list
note "ok: ${#types[@]} services documented alike: ${types[*]}"
