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
version=$("$tmp/root/bin/notify" --version 2>&1) || fail "installed notify --version failed"
# One version everywhere: the binary's, the installed man page's, CMake's.
version=${version#notify }
grep -q "^\.TH NOTIFY 1 [0-9-]* \"notify $version\"" "$tmp/root/share/man/man1/notify.1" ||
    fail "the installed man page does not say notify $version: $(grep '^\.TH' "$tmp/root/share/man/man1/notify.1")"
grep -q "^project(notify VERSION $version " "$(dirname "$0")/../../CMakeLists.txt" ||
    fail "CMakeLists.txt's project version is not $version"
grep -q "^## $version " "$(dirname "$0")/../../CHANGELOG.md" || fail "CHANGELOG.md has no entry for $version"
echo "install tree: ok"
