#!/usr/bin/env bash
# Quick start: install what is missing, build build/notify, and show the main
# job on profiles.example.toml without any account (--dry-run sends nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
# The build talks only when it fails: its output goes to a log that is shown
# on error, so a newcomer's first screen is the demo itself.
mkdir -p build
log=build/demo-build.log
echo "demo: building build/notify (Release; the first build takes a few minutes)" >&2
if ! { cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DNOTIFY_TESTS=OFF &&
       cmake --build build -j"$(nproc)"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "demo: the build failed (output above, also in $log)" >&2
  exit 1
fi
if grep -q 'warning:' "$log"; then
  echo "demo: the build gave compiler warnings, see $log" >&2
fi
chmod 600 profiles.example.toml  # its fake secrets would earn the permission warning
echo "\$ df -h / | build/notify --config profiles.example.toml --dry-run -t 'disk space' all"
df -h / | build/notify --config profiles.example.toml --dry-run -t 'disk space' all
