#!/usr/bin/env bash
# Installs the Debian 12 packages notify needs, skipping those already
# present. Usage: scripts/deps.sh build|test
set -euo pipefail

build_pkgs=(g++ cmake make pkg-config libcli11-dev libcurl4-openssl-dev
            nlohmann-json3-dev libtomlplusplus-dev libcmark-gfm-dev
            libcmark-gfm-extensions-dev ca-certificates)
test_pkgs=(ninja-build libgtest-dev libgmock-dev libcpp-httplib-dev libssl-dev
           mandoc groff-base zsh fish bash-completion curl)

want=("${build_pkgs[@]}")
[ "${1:-build}" = test ] && want+=("${test_pkgs[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "notify: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
