#!/usr/bin/env bash
# Test: man/notify.1 is clean under `mandoc -Tlint` and `groff -ww`.
# usage: man_lint.sh SOURCE_DIR
set -u
. "$(dirname "$0")/lib.sh"

src=${1:?usage: man_lint.sh SOURCE_DIR}
page=$src/man/notify.1
[[ -f $page ]] || fail "$page does not exist"

require_tool mandoc mandoc
require_tool groff groff-base

out=$(mandoc -Tlint "$page" 2>&1)
rc=$?
if [[ -n $out || $rc -ne 0 ]]; then
    printf '%s\n' "$out" >&2
    fail "mandoc -Tlint reported problems (exit $rc)"
fi

out=$(groff -ww -man -Tutf8 "$page" 2>&1 >/dev/null)
rc=$?
if [[ -n $out || $rc -ne 0 ]]; then
    printf '%s\n' "$out" >&2
    fail "groff -ww reported warnings (exit $rc)"
fi

# Every section the page promises.
for section in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "PROFILE FILE" DELIVERY \
    "EXIT STATUS" ENVIRONMENT FILES SECURITY EXAMPLES "SEE ALSO"; do
    grep -Eq "^\.SH \"?$section\"?\$" "$page" || fail "section $section missing"
done
echo "man page lint: ok"
