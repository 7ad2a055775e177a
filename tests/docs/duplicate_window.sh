#!/usr/bin/env bash
# Test: the services README.md and the man page say can get a message twice
# (the sentence "... have no such key") are exactly the registry's services
# whose `notify help services` line does not say "never twice", and each
# service that says it is named in the same paragraph, not in that sentence.
# A service given an idempotency key later (Matrix, Google Chat) moves from
# one list to the other in the registry and then in both documents.
# usage: duplicate_window.sh NOTIFY_BINARY SOURCE_DIR
set -u
. "$(dirname "$0")/lib.sh"

bin=${1:?usage: duplicate_window.sh NOTIFY_BINARY SOURCE_DIR}
src=${2:?usage: duplicate_window.sh NOTIFY_BINARY SOURCE_DIR}
[[ -x $bin ]] || fail "$bin is not executable"
make_tmpdir
export NOTIFY_CONFIG=$tmp/none.toml XDG_CONFIG_HOME=$tmp HOME=$tmp

help=$("$bin" help services 2>&1) || fail "notify help services exited non-zero: $help"
never=() possible=()
type=
while IFS= read -r line; do
    if [[ $line =~ ^([a-z][a-z0-9_-]*): ]]; then
        type=${BASH_REMATCH[1]}
        possible+=("$type")
    elif [[ -n $type && $line =~ ^\ +can:.*never\ twice ]]; then
        unset 'possible[${#possible[@]}-1]'
        never+=("$type")
    fi
done < <(grep -v '^usage:' <<<"$help")
((${#never[@]} >= 1)) || fail "no service says 'never twice' in notify help services"
((${#possible[@]} >= 4)) || fail "only ${#possible[@]} services without a key: ${possible[*]}"

# How the documents spell a type.
spelled() {
    case $1 in
        email) echo 'e-mail' ;;
        uptime_kuma) echo 'Uptime Kuma' ;;
        *) echo "$1" ;;
    esac
}

# check WHAT PARAGRAPH: PARAGRAPH (one line) names the possible ones before
# "have no such key" and the never ones elsewhere.
check() {
    local what=$1 text=$2 clause t
    [[ $text == *'have no such key'* ]] || fail "$what: no sentence '... have no such key'"
    clause=${text%%have no such key*}
    clause=${clause##*.}  # the sentence only
    for t in "${possible[@]}"; do
        grep -qiF -- "$(spelled "$t")" <<<"$clause" ||
            fail "$what: '$t' has no idempotency key but is not named in:$clause"
    done
    for t in "${never[@]}"; do
        ! grep -qiF -- "$(spelled "$t")" <<<"$clause" ||
            fail "$what: '$t' never gets a message twice but is named in:$clause"
        grep -qiF -- "$(spelled "$t")" <<<"$text" || fail "$what: '$t' and its key are not named"
    done
}

readme=$(awk '/^- \*\*Duplicates/{on=1} on&&/^- \*\*/&&!/Duplicates/{exit} on' "$src/README.md" | tr '\n' ' ')
[[ -n $readme ]] || fail "README.md has no '- **Duplicates...' bullet"
check README.md "$readme"

man=$(awk '/^\.SS "Durable delivery"/{on=1;next} on&&/^\.S[SH] /{exit} on' "$src/man/notify.1" |
      sed 's/\\-/-/g; s/\\(em/-/g; s/^\.[A-Z]* //' | tr '\n' ' ')
[[ -n $man ]] || fail "man page has no 'Durable delivery' section"
check "man page Durable delivery" "$man"
note "ok: twice possible for ${possible[*]}; never for ${never[*]}"
