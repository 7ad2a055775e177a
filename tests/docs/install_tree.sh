#!/usr/bin/env bash
# Test: `cmake --install` puts every file where distributions expect it, and
# the CPack DEB package carries the same files and the runtime dependencies.
# usage: install_tree.sh CMAKE_COMMAND BUILD_DIR [CPACK_COMMAND]
set -u
. "$(dirname "$0")/lib.sh"

cmake=${1:?usage: install_tree.sh CMAKE_COMMAND BUILD_DIR [CPACK_COMMAND]}
build=${2:?usage: install_tree.sh CMAKE_COMMAND BUILD_DIR [CPACK_COMMAND]}
cpack=${3:-}
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

# The Debian package, when the tools are at hand.
if [[ -z $cpack || ! -f $build/CPackConfig.cmake ]]; then
    echo "no CPack configuration; package check not run"
    exit 0
fi
command -v dpkg-deb >/dev/null 2>&1 || fail "dpkg-deb missing (Debian tools expected)"
(cd "$tmp" && "$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/pkg") \
    >"$tmp/cpack.log" 2>&1 || { cat "$tmp/cpack.log"; fail "cpack -G DEB failed"; }
deb=$(find "$tmp/pkg" -maxdepth 1 -name 'notify_*.deb' | head -n 1)
[[ -n $deb ]] || { cat "$tmp/cpack.log"; fail "cpack made no notify_*.deb"; }
info=$(dpkg-deb -f "$deb" Package Maintainer Depends)
grep -qx 'Package: notify' <<<"$info" || fail "bad package name: $info"
grep -qx 'Maintainer: notify developers' <<<"$info" || fail "bad maintainer: $info"
grep -q 'libcurl4' <<<"$info" || fail "Depends lacks libcurl4: $info"
grep -q 'libtomlplusplus3' <<<"$info" || fail "Depends lacks libtomlplusplus3: $info"
contents=$(dpkg-deb -c "$deb")
for f in "${expect[@]}"; do
    grep -q -- "\./usr/$f\$" <<<"$contents" || fail "package lacks /usr/$f"
done
echo "debian package: ok ($(basename "$deb"))"
