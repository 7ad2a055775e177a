#!/usr/bin/env bash
# notify benchmarks side by side with curl and apprise, in one run.
#
#   bench/run.sh [OPTIONS]        options go to bench/bench.py, e.g.
#   bench/run.sh --runs 10 --fanout-runs 5 --big-runs 3 --no-urandom
#   bench/run.sh --help
#
# 1. installs what is missing from Debian (curl, valgrind, apprise, GNU time;
#    hyperfine if the archive has it, though nothing here needs it) plus the
#    build and test-support packages (scripts/deps.sh test);
# 2. builds the Release binary and the fake services into build-bench/;
# 3. runs bench/bench.py, which starts fake services on 127.0.0.1, times
#    notify against its baselines and writes bench/RESULTS.md.
#
# Every fake service started is stopped on exit, error or signal (here and in
# bench.py). Exit status: 0 every target met, 1 a target missed, 2 set-up error.
set -euo pipefail
cd "$(dirname "$0")/.."

for arg in "$@"; do
  if [ "$arg" = -h ] || [ "$arg" = --help ]; then exec python3 bench/bench.py --help; fi
done

build=build-bench
scratch=$(mktemp -d "${TMPDIR:-/tmp}/notify-bench.XXXXXX")
pidfile=$scratch/servers.pid
child=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  # bench.py stops its servers itself; this is the safety net for a crash.
  if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
    kill -TERM "$child" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$child" 2>/dev/null || true
  fi
  if [ -f "$pidfile" ]; then
    while read -r pid; do
      # only our own fake services, never a reused pid of something else
      if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = fake_service ]; then
        kill -TERM "$pid" 2>/dev/null || true
      fi
    done <"$pidfile"
  fi
  rm -rf "$scratch"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# --- 1. tools ------------------------------------------------------------------
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
if [ -x scripts/deps.sh ]; then
  scripts/deps.sh test
fi
missing=()
command -v curl >/dev/null || missing+=(curl)
command -v valgrind >/dev/null || missing+=(valgrind)
command -v apprise >/dev/null || missing+=(apprise)
[ -x /usr/bin/time ] || missing+=(time)
command -v python3 >/dev/null || missing+=(python3)
command -v cmake >/dev/null || missing+=(cmake)
if [ ${#missing[@]} -gt 0 ] || ! command -v hyperfine >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  if [ ${#missing[@]} -gt 0 ]; then
    echo "bench: installing ${missing[*]}" >&2
    $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  # optional: handy for ad-hoc comparisons, not used by bench.py
  $sudo apt-get install -y -qq hyperfine >/dev/null 2>&1 || echo "bench: hyperfine not available (optional)" >&2
fi

# --- 2. build ------------------------------------------------------------------
echo "bench: building $build (Release)" >&2
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DNOTIFY_TESTS=ON -DNOTIFY_BENCH=ON >/dev/null
cmake --build "$build" -j2 --target notify fake_service notify_split_bench >/dev/null

# --- 3. measure ----------------------------------------------------------------
# In the background + wait, so a signal reaches the trap at once.
python3 bench/bench.py --build-dir "$build" --pidfile "$pidfile" --tmp "$scratch/work" "$@" &
child=$!
set +e
wait "$child"
rc=$?
set -e
child=""
# --- 4. the splitter alone -------------------------------------------------------
{
  echo
  echo "## Splitter alone (bench/split_bench.cpp, medians of 15 in-process runs)"
  echo
  echo "The 10 MiB row above times a whole process: read, sanitise, split, JSON-encode"
  echo "and print 1000 requests. This is the split by itself, the figure the"
  echo "< 50 ms target names."
  echo
  echo '```'
  "$build/notify_split_bench"
  echo '```'
} >> bench/RESULTS.md
exit "$rc"
