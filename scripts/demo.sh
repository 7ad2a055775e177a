#!/usr/bin/env bash
# Quick start: install what is missing, build build/notify, and show the main
# job on profiles.example.toml without any account (--dry-run sends nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DNOTIFY_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
chmod 600 profiles.example.toml  # its fake secrets would earn the permission warning
echo "\$ df -h / | build/notify --config profiles.example.toml --dry-run -t 'disk space' all"
df -h / | build/notify --config profiles.example.toml --dry-run -t 'disk space' all
