#!/usr/bin/env bash
# Test: the completion files parse in their shells (bash -n, zsh -n, fish -n).
# zsh and fish are installed with apt-get when missing; if that is impossible
# the test fails rather than skipping.
# usage: shell_syntax.sh SOURCE_DIR
set -u
. "$(dirname "$0")/lib.sh"

src=${1:?usage: shell_syntax.sh SOURCE_DIR}
require_tool zsh zsh
require_tool fish fish

bash -n "$src/completions/notify.bash" || fail "bash -n completions/notify.bash"
zsh -n "$src/completions/_notify" || fail "zsh -n completions/_notify"
fish -n "$src/completions/notify.fish" || fail "fish -n completions/notify.fish"

# The zsh file must be autoloadable by compinit.
head -n 1 "$src/completions/_notify" | grep -q '^#compdef notify' ||
    fail "completions/_notify does not start with #compdef notify"

# Sourcing must define things and print nothing.
out=$(bash -c '. "$1"; complete -p notify' _ "$src/completions/notify.bash" 2>&1) ||
    fail "sourcing notify.bash failed: $out"
[[ $out == *"-F _notify"*notify ]] || fail "notify.bash does not register _notify: $out"
out=$(fish -c 'source $argv[1]; complete -c notify | count' "$src/completions/notify.fish" 2>&1) ||
    fail "sourcing notify.fish failed: $out"
[[ $out =~ ^[0-9]+$ && $out -gt 10 ]] || fail "notify.fish defines too few completions: $out"
echo "completion syntax: ok"
