#!/usr/bin/env bash
# Test: `cmake --install` puts every file where distributions expect it.
# usage: install_tree.sh CMAKE_COMMAND BUILD_DIR
set -u
. "$(dirname "$0")/lib.sh"

cmake=${1:?usage: install_tree.sh CMAKE_COMMAND BUILD_DIR}
build=${2:?usage: install_tree.sh CMAKE_COMMAND BUILD_DIR}
make_tmpdir

"$cmake" --install "$build" --prefix "$tmp/root" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; fail "cmake --install failed"; }

expect=(
    bin/notify
    share/man/man1/notify.1
    share/bash-completion/completions/notify
    share/zsh/vendor-completions/_notify
    share/fish/vendor_completions.d/notify.fish
    share/doc/notify/profiles.example.toml
)
for f in "${expect[@]}"; do
    [[ -f $tmp/root/$f ]] || fail "not installed: $f"
done
[[ -x $tmp/root/bin/notify ]] || fail "bin/notify is not executable"
"$tmp/root/bin/notify" --version >/dev/null 2>&1 || fail "installed notify --version failed"
echo "install tree: ok"
