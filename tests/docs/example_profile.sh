#!/usr/bin/env bash
# Test: profiles.example.toml is accepted by the real loader, works with
# --dry-run without any account, and no secret value from it is printed.
# usage: example_profile.sh NOTIFY_BINARY SOURCE_DIR
set -u
. "$(dirname "$0")/lib.sh"

bin=${1:?usage: example_profile.sh NOTIFY_BINARY SOURCE_DIR}
src=${2:?usage: example_profile.sh NOTIFY_BINARY SOURCE_DIR}
example=$src/profiles.example.toml
[[ -x $bin ]] || fail "$bin is not executable"
[[ -f $example ]] || fail "$example does not exist"
make_tmpdir
# Nothing from the real environment may leak in (spool, config).
export HOME=$tmp XDG_CONFIG_HOME=$tmp/config XDG_STATE_HOME=$tmp/state
unset NOTIFY_CONFIG

# Secret values of the example: tokens whole and after the bot id, webhook
# URLs by their last path segment (the part a mask must hide).
mapfile -t secrets < <(
    sed -nE 's/^[[:space:]]*(token|webhook_url|password)[[:space:]]*=[[:space:]]*"([^"]*)".*/\2/p' "$example" |
        while IFS= read -r v; do
            case $v in
                http*://*) printf '%s\n' "${v##*/}" ;;
                *:*) printf '%s\n%s\n' "$v" "${v#*:}" ;;
                *) printf '%s\n' "$v" ;;
            esac
        done
)
((${#secrets[@]} >= 4)) || fail "expected at least 4 secrets in $example, found ${#secrets[@]}"

no_secrets() {  # no_secrets WHAT FILE
    local s
    for s in "${secrets[@]}"; do
        if grep -qF -- "$s" "$2"; then
            fail "$1 printed the secret value '$s'"
        fi
    done
}

"$bin" check --config "$example" >"$tmp/check.out" 2>&1
rc=$?
cat "$tmp/check.out"
((rc == 0)) || fail "notify check --config profiles.example.toml exited $rc"
no_secrets "notify check" "$tmp/check.out"

"$bin" --config "$example" list >"$tmp/list.out" 2>&1
rc=$?
((rc == 0)) || { cat "$tmp/list.out"; fail "notify list exited $rc"; }
no_secrets "notify list" "$tmp/list.out"
for n in ops me family dev team phone mail all; do
    grep -qw -- "$n" "$tmp/list.out" || fail "notify list does not show $n"
done

"$bin" --config "$example" --dry-run all "disk almost full on db1" \
    >"$tmp/dry.out" 2>"$tmp/dry.err" </dev/null
rc=$?
cat "$tmp/dry.out" "$tmp/dry.err"
((rc == 0)) || fail "notify --dry-run all exited $rc"
no_secrets "notify --dry-run (stdout)" "$tmp/dry.out"
no_secrets "notify --dry-run (stderr)" "$tmp/dry.err"
grep -q "disk almost full on db1" "$tmp/dry.out" || fail "--dry-run did not show the message"
# One request per service of the group.
for host in chat.example.com api.telegram.org api.line.me discord.com hooks.slack.com \
    ntfy.sh mail.example.com; do
    grep -q -- "$host" "$tmp/dry.out" || fail "--dry-run shows no request to $host"
done
[[ ! -e $tmp/state/notify/spool ]] || [[ -z $(ls -A "$tmp/state/notify/spool") ]] ||
    fail "--dry-run spooled something"
echo "example profile: ok"
