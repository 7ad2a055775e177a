#!/usr/bin/env bash
# Test: `cpack -G DEB` builds notify_<version>_<arch>.deb with the right name,
# maintainer, runtime dependencies and the same files as the install tree.
# Note: CPack first builds every target of BUILD_DIR (its "preinstall"
# step), so on a partly built tree this test takes as long as the build.
# usage: deb_package.sh CPACK_COMMAND BUILD_DIR
set -u
. "$(dirname "$0")/lib.sh"

cpack=${1:?usage: deb_package.sh CPACK_COMMAND BUILD_DIR}
build=${2:?usage: deb_package.sh CPACK_COMMAND BUILD_DIR}
make_tmpdir
[[ -f $build/CPackConfig.cmake ]] || fail "$build/CPackConfig.cmake missing (cmake/NotifyInstall.cmake not included?)"
require_tool dpkg-deb dpkg

(cd "$tmp" && "$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/pkg") \
    >"$tmp/cpack.log" 2>&1 || { cat "$tmp/cpack.log"; fail "cpack -G DEB failed"; }
deb=$(find "$tmp/pkg" -maxdepth 1 -name 'notify_*.deb' | head -n 1)
[[ -n $deb ]] || { cat "$tmp/cpack.log"; fail "cpack made no notify_*.deb"; }

info=$(dpkg-deb -f "$deb" Package Maintainer Depends)
grep -qx 'Package: notify' <<<"$info" || fail "bad package name: $info"
grep -qx 'Maintainer: notify developers' <<<"$info" || fail "bad maintainer: $info"
grep -q 'libcurl4' <<<"$info" || fail "Depends lacks libcurl4: $info"
# toml++ is compiled into the binary: the package must not pull its library.
grep -q 'libtomlplusplus' <<<"$info" && fail "Depends lists libtomlplusplus, which notify no longer loads: $info"

contents=$(dpkg-deb -c "$deb")
for f in bin/notify share/man/man1/notify.1 share/bash-completion/completions/notify \
    share/zsh/vendor-completions/_notify share/fish/vendor_completions.d/notify.fish \
    share/doc/notify/profiles.example.toml; do
    grep -q -- "\./usr/$f\$" <<<"$contents" || fail "package lacks /usr/$f"
done
echo "debian package: ok ($(basename "$deb"))"
printf '%s\n' "$info"
