#!/usr/bin/env bash
# Install what is missing, build with -Werror under ASan+UBSan, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
dir=build-ci
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DNOTIFY_WERROR=ON \
  -DNOTIFY_SANITIZE=ON -DNOTIFY_TESTS=ON >/dev/null
cmake --build "$dir" -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd "$dir" && ctest --output-on-failure -j"$(nproc)" --timeout 300
