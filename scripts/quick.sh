#!/usr/bin/env bash
# The inner loop: build the in-process tests in build-dev/ (Debug, -Werror,
# ASan+UBSan, as CI) and run them (ctest -L quick), in about a minute after a
# one-file change. ./scripts/test.sh stays what CI runs; run it before a
# commit that changes behaviour.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
dir=build-dev
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
fi
generator=()
[ -f "$dir/CMakeCache.txt" ] || { command -v ninja >/dev/null && generator=(-G Ninja); }
cmake -S . -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Debug -DNOTIFY_WERROR=ON \
  -DNOTIFY_SANITIZE=ON -DNOTIFY_TESTS=ON "${launcher[@]}" >/dev/null
cmake --build "$dir" -j"$(nproc)" --target notify_tests
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd "$dir" && ctest --output-on-failure -L quick -j"$(nproc)" "$@"
