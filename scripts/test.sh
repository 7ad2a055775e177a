#!/usr/bin/env bash
# Install what is missing, build with -Werror under ASan+UBSan, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
dir=build-ci
# Ninja when present (a tree first configured otherwise keeps its
# generator), ccache when present: a second run recompiles nothing, and
# with paths taken relative to the checkout neither does a fresh clone
# elsewhere. Unity sources (several .cpp files compiled as one) parse the
# heavy test headers once per batch instead of once per file; build-dev
# (scripts/quick.sh) stays one file per object for the short inner loop.
generator=()
[ -f "$dir/CMakeCache.txt" ] || { command -v ninja >/dev/null && generator=(-G Ninja); }
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
fi
cmake -S . -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Debug -DNOTIFY_WERROR=ON \
  -DNOTIFY_SANITIZE=ON -DNOTIFY_TESTS=ON -DCMAKE_UNITY_BUILD=ON "${launcher[@]}" >/dev/null
cmake --build "$dir" -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Two tests per core: most of an end-to-end test's time is spent waiting
# (for a fake service's delayed answer, a Retry-After, a window to end), so
# one per core leaves the cores half idle.
cd "$dir" && ctest --output-on-failure -j"$(( 2 * $(nproc) ))" --timeout 300
