#!/usr/bin/env python3
"""notify benchmarks, side by side with curl and apprise.

Started by bench/run.sh (which installs tools and builds build-bench/); it can
also be run on its own once build-bench/ exists:

    python3 bench/bench.py [--runs 30] [--fanout-runs 10] [--big-runs 5] ...

Every figure is a median over repeated runs that are interleaved with the runs
of its baseline (A, B, A, B, ... with the order rotated every round), so drift
on a shared machine hits both sides alike. Servers are local fake services
(tests/support/fake_service) bound to 127.0.0.1; all of them are stopped on
exit, on an exception and on SIGINT/SIGTERM/SIGHUP.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import os
import re
import select
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GIB = 1 << 30
MIB = 1 << 20

MM_HOOK = "/hooks/testhook1234"
# notify's single send may cost at most this much of curl's POST, wall-clock.
SEND_TARGET = 1.05
TG_TOKEN = "123456789:TEST-fake-token"

# --------------------------------------------------------------------------
# process bookkeeping: every server we start is recorded here and in a pid
# file that run.sh's trap also reads, so nothing outlives the run.
# --------------------------------------------------------------------------
SERVERS: list[subprocess.Popen] = []
PIDFILE: Path | None = None


def stop_servers() -> None:
    for p in SERVERS:
        if p.poll() is None:
            try:
                p.terminate()
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + 5
    for p in SERVERS:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    SERVERS.clear()


def _on_signal(signum, _frame):
    stop_servers()
    raise SystemExit(128 + signum)


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def start_server(fake: Path, kind: str, latency_ms: int = 0, port: int = 0) -> int:
    """Starts one fake service on 127.0.0.1 (on `port`, else a free one) and returns its port."""
    p = subprocess.Popen([str(fake), "--kind", kind, "--latency-ms", str(latency_ms)] +
                         (["--port", str(port)] if port else []),
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    SERVERS.append(p)
    if PIDFILE is not None:
        with open(PIDFILE, "a") as f:
            f.write(f"{p.pid}\n")
    ready, _, _ = select.select([p.stdout], [], [], 10)
    if not ready:
        raise RuntimeError(f"fake_service --kind {kind} printed no port within 10 s")
    line = p.stdout.readline().decode().strip()
    if not line.isdigit():
        raise RuntimeError(f"fake_service --kind {kind} printed {line!r} instead of a port")
    return int(line)


def free_port() -> int:
    """A port nothing listens on now (for a server started later on it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------
# running one command: posix_spawn + wait4, so the harness adds as little as
# possible and the child's peak RSS comes for free from the kernel.
# --------------------------------------------------------------------------
class RunError(RuntimeError):
    pass


LAST_CPU = [0.0]


def run_once(argv: list[str], stdin: str | None = None, env: dict | None = None,
             timeout: float = 120.0, errfile: str = "/dev/null") -> tuple[float, int]:
    """Runs argv once with stdout to /dev/null; returns (wall seconds, peak RSS KiB).
    The child's CPU time (user + sys) is left in LAST_CPU[0]."""
    fa = [
        (os.POSIX_SPAWN_OPEN, 0, stdin or "/dev/null", os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, errfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
    ]
    t0 = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, env if env is not None else os.environ, file_actions=fa)
    killer = threading.Timer(timeout, lambda: os.kill(pid, signal.SIGKILL))
    killer.start()
    try:
        _, status, ru = os.wait4(pid, 0)
    finally:
        killer.cancel()
    wall = time.perf_counter() - t0
    LAST_CPU[0] = ru.ru_utime + ru.ru_stime
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RunError(f"exit {code} after {wall:.2f}s: {shlex.join(argv)}")
    return wall, ru.ru_maxrss


class Cmd:
    def __init__(self, label: str, argv: list[str], stdin: str | None = None,
                 shown: str | None = None, timeout: float = 120.0, prepare=None):
        self.label, self.argv, self.stdin, self.timeout = label, argv, stdin, timeout
        self.prepare = prepare  # untimed set-up before each run (a spool to flush)
        self.shown = shown or (shlex.join(argv) + (f" < {stdin}" if stdin else ""))
        self.times: list[float] = []
        self.rss: list[int] = []
        self.cpu: list[float] = []  # user + sys of the child, from wait4

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def interleaved(cmds: list[Cmd], runs: int, env: dict, warmup: int = 1,
                budget_s: float = 300.0, errfile: str = "/dev/null") -> int:
    """A,B,C,A,B,C,... rotated each round; stops early (≥3 rounds) past budget_s."""
    for c in cmds:
        for _ in range(warmup):
            try:
                if c.prepare:
                    c.prepare()
                run_once(c.argv, c.stdin, env, c.timeout, errfile)
            except RunError as e:
                err = Path(errfile).read_text(errors="replace")[-2000:] if errfile != "/dev/null" else ""
                raise RunError(f"{c.label}: {e}\n{err}") from None
    start = time.monotonic()
    done = 0
    for i in range(runs):
        k = i % len(cmds)
        for c in cmds[k:] + cmds[:k]:
            if c.prepare:
                c.prepare()
            w, r = run_once(c.argv, c.stdin, env, c.timeout, errfile)
            c.times.append(w)
            c.rss.append(r)
            c.cpu.append(LAST_CPU[0])
        done += 1
        if done >= 3 and time.monotonic() - start > budget_s:
            log(f"  budget of {budget_s:.0f}s reached after {done} rounds")
            break
    return done


# --------------------------------------------------------------------------
# formatting
# --------------------------------------------------------------------------
def fmt_t(s: float) -> str:
    if s < 0.01:
        return f"{s * 1000:.2f} ms"
    if s < 1:
        return f"{s * 1000:.1f} ms"
    return f"{s:.3f} s"


def sh(cmd: str) -> str:
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception:  # noqa: BLE001 - machine facts are best effort
        return "?"


def machine_facts(notify: Path) -> list[tuple[str, str]]:
    mem_kib = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kib = int(line.split()[1])
    commit = sh(f"git -C {shlex.quote(str(ROOT))} rev-parse --short HEAD")
    dirty = sh(f"git -C {shlex.quote(str(ROOT))} status --porcelain --untracked-files=no -- src CMakeLists.txt cmake")
    cxx = sh(f"grep -m1 '^CMAKE_CXX_COMPILER:' {shlex.quote(str(notify.parent / 'CMakeCache.txt'))} | cut -d= -f2")
    return [
        ("CPU", sh("lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1")),
        ("Cores (nproc)", sh("nproc")),
        ("Memory", f"{mem_kib / MIB:.1f} GiB"),
        ("Kernel", sh("uname -r")),
        ("Debian", sh("cat /etc/debian_version")),
        ("notify commit", commit + (" (with uncommitted changes under src/)" if dirty else "")),
        ("notify build", f"{os.path.relpath(notify, ROOT)} (CMAKE_BUILD_TYPE=Release), {sh(f'{notify} --version')}"),
        ("Compiler", sh(f"{cxx or 'c++'} --version | head -1")),
        ("curl", sh("curl --version | head -1")),
        ("apprise", sh("apprise --version 2>/dev/null | head -1")),
        ("valgrind", sh("valgrind --version")),
        ("Python (harness)", sys.version.split()[0]),
        ("Load average at start", Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()),
    ]


# --------------------------------------------------------------------------
# callgrind
# --------------------------------------------------------------------------
def callgrind(argv: list[str], out: Path, env: dict, stdin: str | None = None, timeout: float = 300) -> int:
    vg = [shutil.which("valgrind") or "valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
    run_once(vg + argv, stdin, env, timeout, errfile=str(out) + ".stderr")
    text = out.read_text(errors="replace")
    m = re.search(r"^summary:\s*(\d+)", text, re.M) or re.search(r"^totals:\s*(\d+)", text, re.M)
    if not m:
        raise RuntimeError(f"no summary line in {out}")
    return int(m.group(1))


def short_name(fn: str) -> str:
    """Makes a callgrind_annotate function column readable: no source-file
    prefix, template arguments folded to <…>, object file as a basename."""
    fn = re.sub(r"^(\?\?\?|\S*\.(?:c|S|h|cc|cpp|hpp|cxx)):", "", fn)
    fn = fn.replace("std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >", "std::string")
    fn = fn.replace("std::basic_string_view<char, std::char_traits<char> >", "std::string_view")
    fn = re.sub(r"nlohmann::json_abi_v[\d_]+::", "nlohmann::", fn)
    fn = fn.replace("[abi:cxx11]", "")
    prev = None
    while prev != fn:
        prev = fn
        fn = re.sub(r"(?<!operator)<[^<>]*>", "\x00", fn)
    fn = fn.replace("\x00", "<…>")
    fn = re.sub(r"\[(/[^\]]*/)?([^/\]]+)\]$", r"[\2]", fn)
    return fn if len(fn) <= 180 else fn[:177] + "..."


def annotate(out: Path, inclusive: bool) -> list[tuple[int, str, str]]:
    """callgrind_annotate rows as (Ir, percent text, function)."""
    ann = shutil.which("callgrind_annotate")
    if not ann:
        return []
    res = subprocess.run([ann, f"--inclusive={'yes' if inclusive else 'no'}", str(out)],
                         capture_output=True, text=True, timeout=120)
    rows = []
    for line in res.stdout.splitlines():
        # rows look like "12,345,678 (12.34%)  file:function [object]"
        m = re.match(r"^\s*([\d,]+) \(\s*([\d.]+)%\)\s+(\S.*)$", line)
        if m and "PROGRAM TOTALS" not in line and float(m.group(2)) <= 100.0:
            rows.append((int(m.group(1).replace(",", "")), m.group(2), m.group(3).rstrip()))
    return rows


def hot_spots(out: Path, inclusive: bool, n: int = 15) -> list[str]:
    rows = annotate(out, inclusive)
    if not rows:
        return ["(callgrind_annotate gave no rows)"]
    return [f"{ir:>14,} ({pct:>5}%)  {short_name(fn)}" for ir, pct, fn in rows[:n]]


def top_words(out: Path, n: int = 4) -> str:
    """The top exclusive rows as one line of prose."""
    rows = annotate(out, False)[:n]
    return ", ".join(f"`{short_name(fn).split('(')[0].strip()}` {pct}%" for _, pct, fn in rows)


def journal_note(state: Path, sends: int) -> str:
    """What the sends left under XDG_STATE_HOME: a delivered message's journal
    must be gone, so anything in the spool is worth a line in RESULTS.md."""
    spool = state / "notify" / "spool"
    if not spool.exists():
        return (f"Each notify run had `XDG_STATE_HOME` in a writable scratch directory; after {sends} "
                f"successful sends there was no `notify/spool` in it (this build writes no journal "
                "for a delivered message, or removes its directory too).")
    # Only messages count: `seq` is the spool's sequence counter.
    left = sorted(p.name for p in spool.rglob("*.msg") if p.is_file())
    return (f"Each notify run had `XDG_STATE_HOME` in a writable scratch directory, so every send "
            f"paid for its spool journal; after {sends} successful sends `notify/spool` held "
            f"{len(left)} message file{'s' if len(left) != 1 else ''}"
            + (f" ({', '.join(left[:5])}{', …' if len(left) > 5 else ''}): journals not removed "
               "after delivery." if left else " (every journal removed after delivery)."))


def extra_libraries(notify: Path, curl: str) -> list[str]:
    """Shared libraries ld.so maps for notify but not for curl."""
    def libs(binary) -> set[str]:
        out = subprocess.run(["ldd", str(binary)], capture_output=True, text=True).stdout
        return {ln.split()[0] for ln in out.splitlines() if ln.strip() and "=>" in ln}
    return sorted(libs(notify) - libs(curl))


def loader_share(out: Path) -> int:
    """Ir spent in the dynamic loader's start-up (`_dl_start`, inclusive)."""
    for ir, _, fn in annotate(out, True):
        if re.search(r":_dl_start \[", fn):
            return ir
    return 0


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------
def main() -> int:
    global PIDFILE
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", default=str(ROOT / "build-bench"))
    ap.add_argument("--runs", type=int, default=30, help="rounds for apprise, startup and the 10 MB split")
    ap.add_argument("--send-runs", type=int, default=150,
                    help="rounds of notify against curl for the single-send target (a 10 ms process: "
                         "30 rounds leave the median a few percent of noise, the size of the target)")
    ap.add_argument("--fanout-runs", type=int, default=10, help="rounds for fan-out (each ≥ 1 s)")
    ap.add_argument("--big-runs", type=int, default=5, help="rounds for the 1 GiB throughput runs")
    ap.add_argument("--big-bytes", type=int, default=GIB, help="size of the throughput input")
    ap.add_argument("--callgrind-runs", type=int, default=3, help="callgrind repetitions per command")
    ap.add_argument("--no-urandom", action="store_true", help="skip the random binary input")
    ap.add_argument("--no-apprise", action="store_true")
    ap.add_argument("--step-budget", type=float, default=300.0,
                    help="seconds after which a step stops repeating (min 3 rounds)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    ap.add_argument("--pidfile", default=None, help="append server pids here (read by run.sh's trap)")
    ap.add_argument("--tmp", default=None, help="scratch directory (default: a new one in $TMPDIR)")
    a = ap.parse_args()

    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, _on_signal)
    atexit.register(stop_servers)
    PIDFILE = Path(a.pidfile) if a.pidfile else None

    build = Path(a.build_dir).resolve()
    notify = build / "notify"
    fake = build / "tests" / "fake_service"
    for b in (notify, fake):
        if not os.access(b, os.X_OK):
            log(f"missing {b}: run bench/run.sh (it builds build-bench/)")
            return 2
    curl = shutil.which("curl")
    apprise = None if a.no_apprise else shutil.which("apprise")
    true_bin = shutil.which("true") if not os.access("/bin/true", os.X_OK) else "/bin/true"
    gnu_time = "/usr/bin/time"

    own_tmp = a.tmp is None
    tmp = Path(a.tmp or tempfile.mkdtemp(prefix="notify-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    if own_tmp:
        atexit.register(lambda: shutil.rmtree(tmp, ignore_errors=True))
    errfile = str(tmp / "last-stderr")

    env = {k: v for k, v in os.environ.items() if not k.startswith("NOTIFY_")}
    # Every notify run gets its own writable state directory, so a send pays
    # for its spool journal (created before the first request, removed after
    # delivery) exactly as on a user's machine, and nothing of ours is touched.
    state = tmp / "state"
    state.mkdir(mode=0o700, exist_ok=True)
    if not os.access(state, os.W_OK):
        log(f"{state} is not writable")
        return 2
    env.update(XDG_STATE_HOME=str(state), XDG_CONFIG_HOME=str(tmp / "xdg-config"), LC_ALL="C.UTF-8")

    started = dt.datetime.now(dt.timezone.utc)
    load_start = float(Path("/proc/loadavg").read_text().split()[0])
    facts = machine_facts(notify)
    results: list[dict] = []     # table rows
    notes: list[str] = []        # findings written under the table
    profiles: list[tuple[str, list[str]]] = []  # (title, callgrind_annotate rows)
    why: dict[str, str] = {}     # bench name of a missed target -> where its instructions go
    sections: list[str] = []     # extra markdown blocks

    # ---- servers ---------------------------------------------------------
    log("starting fake services on 127.0.0.1")
    mm_port = start_server(fake, "mattermost")
    tg_port = start_server(fake, "telegram")
    fan_ports = [start_server(fake, "mattermost", 1000) for _ in range(16)]
    mm_url = f"http://127.0.0.1:{mm_port}{MM_HOOK}"

    cfg = tmp / "profiles.toml"
    lines = [
        "# written by bench/bench.py; every URL is a local fake service",
        "[defaults]", "timeout = 30", "retries = 0", "",
        "[profiles.ops]", 'type = "mattermost"', f'webhook_url = "{mm_url}"', "",
        "[profiles.me]", 'type = "telegram"', f'token = "{TG_TOKEN}"', "chat_id = 123456789",
        f'api_base = "http://127.0.0.1:{tg_port}"', "",
    ]
    for i, p in enumerate(fan_ports, 1):
        lines += [f"[profiles.fan{i:02d}]", 'type = "mattermost"',
                  f'webhook_url = "http://127.0.0.1:{p}{MM_HOOK}"', ""]
    names = [f"fan{i:02d}" for i in range(1, 17)]
    lines += ["[groups]", f"g1 = {names[:1]}".replace("'", '"'), f"g4 = {names[:4]}".replace("'", '"'),
              f"g16 = {names}".replace("'", '"'), ""]
    fd = os.open(cfg, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("\n".join(lines))
    os.chmod(cfg, 0o600)
    C = str(cfg)
    N = str(notify)

    def row(bench, cmd: Cmd, base: Cmd | None, target: str = "", ok: bool | None = None, extra: str = ""):
        results.append(dict(bench=bench, label=cmd.label, median=cmd.median, runs=len(cmd.times),
                            base=base.label if base else "", base_median=base.median if base else None,
                            ratio=(cmd.median / base.median) if base else None, target=target, ok=ok,
                            extra=extra))

    commands: list[tuple[str, str]] = []  # (label, shown command) for the "exact commands" list

    def remember(*cmds: Cmd):
        for c in cmds:
            if (c.label, c.shown) not in commands:
                commands.append((c.label, c.shown))

    # ---- 1. single send, cold process -----------------------------------
    log(f"single send: notify vs curl{' vs apprise' if apprise else ''}, {a.runs} rounds")
    n_send = Cmd("notify send", [N, "-c", C, "ops", "msg"])
    c_send = Cmd("curl POST", [curl, "-sS", "-o", "/dev/null", "-H", "Content-Type: application/json",
                               "-d", '{"text":"msg"}', mm_url])
    sends = [n_send, c_send]
    interleaved(sends, a.send_runs, env, warmup=2, budget_s=a.step_budget, errfile=errfile)
    a_send = None
    if apprise:
        # apprise takes ~40 times as long: fewer rounds, against their own
        # notify and curl runs, so the target's medians stay apprise-free.
        a_send = Cmd("apprise mmost://", [apprise, "-b", "msg", f"mmost://127.0.0.1:{mm_port}/testhook1234"])
        n_send_a = Cmd("notify send", n_send.argv)
        c_send_a = Cmd("curl POST", c_send.argv)
        interleaved([n_send_a, a_send, c_send_a], a.runs, env, warmup=1, budget_s=a.step_budget,
                    errfile=errfile)
        sends.append(a_send)
    remember(*sends)
    if a_send:
        notes.append("apprise's `mmost://HOST:PORT/TOKEN` posts over plain http to `http://HOST:PORT/hooks/TOKEN` "
                     "(`mmosts://` is the https form), so it reaches the fake on its own port; no `json://` "
                     "stand-in was needed. Its body also carries `username` and `icon_url`.")
    r = n_send.median / c_send.median
    row("single send (cold process)", n_send, c_send, f"≤ {SEND_TARGET}", r <= SEND_TARGET)
    notes.append(journal_note(state, len(n_send.times) + 2 + (len(n_send_a.times) + 1 if a_send else 0)))
    n_cpu, c_cpu = statistics.median(n_send.cpu), statistics.median(c_send.cpu)
    notes.append(f"CPU time of a send (user + sys from `wait4`, median of the same runs): notify "
                 f"{fmt_t(n_cpu)}, curl {fmt_t(c_cpu)}, ratio {n_cpu / c_cpu:.2f}. Unlike wall time it "
                 "leaves out time spent waiting for a CPU on a loaded machine and for the fake server: "
                 "a cross-check of the wall-clock ratio, which is the target.")
    if a_send:
        row("single send (cold process)", n_send_a, a_send)
        row("single send (cold process)", a_send, c_send_a)
    row("single send (cold process)", c_send, None, extra="baseline")

    # ---- 1b. keyed sends: the alert state's cost ------------------------
    # A keyed send locks and rewrites one small state file beside the
    # request; a held one (cooldown) does that and sends nothing. Reported
    # beside a plain send, with no target of their own.
    log(f"keyed sends: --key, and --key held by --cooldown, vs a plain send, {a.runs} rounds")
    k_plain = Cmd("notify send", [N, "-c", C, "ops", "msg"])
    k_sent = Cmd("notify --key (sent)", [N, "-c", C, "--key", "bench-sent", "ops", "msg"])
    k_held = Cmd("notify --key --cooldown 1d (held)",
                 [N, "-c", C, "--key", "bench-held", "--cooldown", "1d", "ops", "msg"])
    interleaved([k_plain, k_sent, k_held], a.runs, env, warmup=2, budget_s=a.step_budget, errfile=errfile)
    remember(k_sent, k_held)
    row("keyed send", k_sent, k_plain,
        extra="the key's state written and fsync'd (file, then directory) after the request")
    row("keyed send", k_held, k_plain,
        extra="held back: no request, but the state (its count) written and fsync'd")
    row("keyed send", k_plain, None, extra="baseline")

    # ---- 2. startup ------------------------------------------------------
    log(f"startup, {a.runs} rounds")
    n_ver = Cmd("notify --version", [N, "--version"])
    n_dry = Cmd("notify --dry-run", [N, "-c", C, "--dry-run", "ops", "msg"])
    t_true = Cmd("/bin/true", [true_bin])
    c_ver = Cmd("curl --version", [curl, "--version"])
    interleaved([n_ver, n_dry, t_true, c_ver], a.runs, env, warmup=2, budget_s=a.step_budget, errfile=errfile)
    remember(n_ver, n_dry, t_true, c_ver)
    for c in (n_ver, n_dry):
        row("startup", c, t_true)
        row("startup", c, c_ver)
    row("startup", c_ver, t_true)
    row("startup", t_true, None, extra="baseline (includes the harness's spawn + wait)")

    # ---- 3. fan-out ------------------------------------------------------
    log(f"fan-out 1/4/16 targets, servers answer after 1000 ms, {a.fanout_runs} rounds")
    fans = [Cmd(f"notify g{k} ({k} target{'s' if k > 1 else ''})", [N, "-c", C, f"g{k}", "msg"], timeout=120)
            for k in (1, 4, 16)]
    interleaved(fans, a.fanout_runs, env, warmup=1, budget_s=a.step_budget, errfile=errfile)
    remember(*fans)
    row("fan-out, 1000 ms server latency", fans[0], None, extra="baseline")
    for c in fans[1:]:
        rr = c.median / fans[0].median
        row("fan-out, 1000 ms server latency", c, fans[0], "≤ 1.2", rr <= 1.2)

    # ---- 4. throughput + memory -----------------------------------------
    big = tmp / "big.log"
    log(f"generating {a.big_bytes} bytes of log-like text")
    t0 = time.perf_counter()
    gen = (f"yes 'Nov 25 05:49:01 host backup[1234]: some log line with text 12345 level=INFO took=0.42s' "
           f"| head -c {a.big_bytes} > {shlex.quote(str(big))}")
    # no pipefail: `yes` always dies of SIGPIPE once head has enough
    subprocess.run(["bash", "-c", gen], check=False, timeout=300)
    gen_s = time.perf_counter() - t0
    if big.stat().st_size != a.big_bytes:
        raise RuntimeError("input generation failed")
    size_mb = a.big_bytes / 1e6
    rss_file = tmp / "rss"

    def timed_rss(label, stdin_path):
        return Cmd(label, [gnu_time, "-f", "%M", "-o", str(rss_file), N, "-c", C, "--dry-run", "me"],
                   stdin=stdin_path, timeout=600,
                   shown=f"/usr/bin/time -f %M {N} -c CFG --dry-run me < {stdin_path} > /dev/null")

    log(f"throughput: {a.big_runs} rounds on {a.big_bytes >> 20} MiB")
    # GNU time writes %M of its child into rss_file each run; run_once's wait4
    # RSS is max(time, notify), so read the file right after each notify run.
    n_big = timed_rss("notify --dry-run, log text", str(big))
    wc_big = Cmd("wc -l (read floor)", [shutil.which("wc"), "-l"], stdin=str(big))
    rss_samples: list[int] = []

    def big_rounds(cmd: Cmd, base: Cmd, runs: int) -> list[int]:
        samples = []
        run_once(cmd.argv, cmd.stdin, env, cmd.timeout, errfile)  # warm-up
        start = time.monotonic()
        for i in range(runs):
            order = [cmd, base] if i % 2 == 0 else [base, cmd]
            for c in order:
                w, r_ = run_once(c.argv, c.stdin, env, c.timeout, errfile)
                c.times.append(w)
                c.rss.append(r_)
                if c is cmd:
                    samples.append(int(rss_file.read_text().split()[-1]))
            if i >= 2 and time.monotonic() - start > a.step_budget:
                log("  budget reached")
                break
        return samples

    rss_samples = big_rounds(n_big, wc_big, a.big_runs)
    remember(n_big, wc_big)
    mbps = size_mb / n_big.median
    peak = max(rss_samples)
    row("throughput (log text)", n_big, wc_big, "> 500 MB/s", mbps > 500,
        extra=f"{mbps:.0f} MB/s; wc -l {size_mb / wc_big.median:.0f} MB/s")
    results.append(dict(bench="memory (log text)", label="notify peak RSS (/usr/bin/time %M)",
                        median=None, runs=len(rss_samples), base="", base_median=None, ratio=None,
                        target="< 16 MiB", ok=peak < 16 * 1024,
                        extra=f"max {peak} KiB = {peak / 1024:.1f} MiB (runs: {', '.join(map(str, rss_samples))} KiB)"))
    thr = dict(mbps=mbps, rss=peak)

    rnd = tmp / "random.bin"
    if not a.no_urandom:
        log(f"urandom alone: {a.big_bytes >> 20} MiB to a file")
        t0 = time.perf_counter()
        subprocess.run(["head", "-c", str(a.big_bytes), "/dev/urandom"], stdout=open(rnd, "wb"),
                       check=True, timeout=300)
        ur_s = time.perf_counter() - t0
        ur_mbps = size_mb / ur_s
        log(f"throughput: {a.big_runs} rounds on random bytes")
        n_rnd = timed_rss("notify --dry-run, random bytes", str(rnd))
        wc_rnd = Cmd("wc -l (read floor), random", [shutil.which("wc"), "-l"], stdin=str(rnd))
        rnd_rss = big_rounds(n_rnd, wc_rnd, a.big_runs)
        remember(n_rnd, wc_rnd)
        rmbps = size_mb / n_rnd.median
        rpeak = max(rnd_rss)
        row("throughput (random bytes)", n_rnd, wc_rnd, "> 500 MB/s", rmbps > 500,
            extra=f"{rmbps:.0f} MB/s; /dev/urandom alone {ur_mbps:.0f} MB/s (so a live "
                  f"`head -c 1G /dev/urandom | notify` is capped there)")
        results.append(dict(bench="memory (random bytes)", label="notify peak RSS (/usr/bin/time %M)",
                            median=None, runs=len(rnd_rss), base="", base_median=None, ratio=None,
                            target="< 16 MiB", ok=rpeak < 16 * 1024,
                            extra=f"max {rpeak} KiB = {rpeak / 1024:.1f} MiB"))
        thr.update(rmbps=rmbps, rrss=rpeak)
        commands.append(("urandom alone", f"head -c {a.big_bytes} /dev/urandom > FILE  ({fmt_t(ur_s)})"))
        rnd.unlink()
    commands.append(("input generation", gen.replace(str(big), "big.log") + f"  ({fmt_t(gen_s)})"))

    # ---- 4b. the same input through a pipe ------------------------------
    # How a pipeline feeds notify (`producer | notify`): beside `cat | wc -l`,
    # which only counts what the pipe carries.
    log(f"throughput through a pipe: {a.big_runs} rounds")
    cat = shutil.which("cat")
    n_pipe = Cmd("cat | notify --dry-run, log text",
                 ["/bin/sh", "-c", f'{shlex.quote(cat)} "$1" | "$2" -c "$3" --dry-run me', "sh",
                  str(big), N, C],
                 shown=f"sh -c 'cat big.log | {N} -c CFG --dry-run me' > /dev/null", timeout=600)
    wc_pipe = Cmd("cat | wc -l", ["/bin/sh", "-c", f'{shlex.quote(cat)} "$1" | wc -l', "sh", str(big)],
                  shown="sh -c 'cat big.log | wc -l'")
    interleaved([n_pipe, wc_pipe], a.big_runs, env, warmup=1, budget_s=a.step_budget, errfile=errfile)
    remember(n_pipe, wc_pipe)
    speed = wc_pipe.median / n_pipe.median
    row("throughput through a pipe", n_pipe, wc_pipe, "≥ 0.8x wc -l", speed >= 0.8,
        extra=f"notify runs at {speed:.2f}x `cat | wc -l`; {size_mb / n_pipe.median:.0f} MB/s")
    row("throughput through a pipe", wc_pipe, None, extra="baseline")

    # ---- 4c. a flush of many spooled messages ---------------------------
    # 500 messages kept while their server was down, then flushed with one
    # client: what a flush costs per message, beside one cold send.
    n_kept = 500
    flush_port = free_port()
    flush_url = f"http://127.0.0.1:{flush_port}{MM_HOOK}"
    fcfg = tmp / "flush.toml"
    fd = os.open(fcfg, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(f'[defaults]\ntimeout = 30\nretries = 0\n\n[profiles.kept]\ntype = "mattermost"\n'
                f'webhook_url = "{flush_url}"\n')
    fstate, snapshot = tmp / "flush-state", tmp / "flush-snapshot"
    fenv = dict(env, XDG_STATE_HOME=str(snapshot))
    log(f"flush: spooling {n_kept} messages while their server is down")
    for i in range(n_kept):
        subprocess.run([N, "-c", str(fcfg), "kept", f"kept message {i}"], env=fenv,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    kept_files = list((snapshot / "notify" / "spool").glob("*.msg"))
    if len(kept_files) != n_kept:
        raise RuntimeError(f"flush bench: {len(kept_files)} messages spooled, not {n_kept}")
    start_server(fake, "mattermost", port=flush_port)

    def fresh_spool():
        shutil.rmtree(fstate, ignore_errors=True)
        shutil.copytree(snapshot, fstate, symlinks=True)
        os.chmod(fstate, 0o700)

    n_flush = Cmd(f"notify flush ({n_kept} messages)",
                  ["/usr/bin/env", f"XDG_STATE_HOME={fstate}", N, "-c", str(fcfg), "flush"],
                  shown=f"XDG_STATE_HOME=STATE {N} -c FLUSHCFG flush  # {n_kept} messages in the spool",
                  timeout=300, prepare=fresh_spool)
    n_one = Cmd("notify send (one message)", [N, "-c", str(fcfg), "kept", "one"],
                shown=f"{N} -c FLUSHCFG kept one")
    interleaved([n_flush, n_one], max(3, a.big_runs), env, warmup=1, budget_s=a.step_budget,
                errfile=errfile)
    remember(n_flush, n_one)
    per_message = n_flush.median / n_kept
    share = per_message / n_one.median
    row(f"flush of {n_kept} spooled messages", n_flush, n_one, "per message ≤ 0.05x one send",
        share <= 0.05, extra=f"{per_message * 1000:.2f} ms per message = {share:.3f}x one send "
                             f"({n_one.median * 1000:.2f} ms)")
    row(f"flush of {n_kept} spooled messages", n_one, None, extra="baseline")

    # ---- 5. 10 MB split for Telegram ------------------------------------
    ten = tmp / "10mb.log"
    one = tmp / "1line.log"
    with open(big, "rb") as src, open(ten, "wb") as dst:
        dst.write(src.read(10 * MIB))
    with open(big, "rb") as src:
        one.write_bytes(src.readline())
    big.unlink()
    max_parts = "100000"
    try:
        run_once([N, "-c", C, "--dry-run", "--max-parts", max_parts, "me"], str(one), env, 30, errfile)
    except RunError:
        max_parts = "1000"
        notes.append("`--max-parts 100000` is rejected (`--max-parts: Value 100000 not in range 1 to 1000`), "
                     "so the 10 MB split uses `--max-parts 1000`: the 10 MiB input is read and split in full, "
                     "and the first and last parts are kept, about 4 MB of output in 1000 parts "
                     "(4096 characters each).")
    log(f"10 MB split (--max-parts {max_parts}), {a.runs} rounds")
    n_ten = Cmd("notify --dry-run 10 MiB", [N, "-c", C, "--dry-run", "--max-parts", max_parts, "me"],
                stdin=str(ten), shown=f"{N} -c CFG --dry-run --max-parts {max_parts} me < 10MiB.log > /dev/null")
    n_one = Cmd("notify --dry-run 1 line", [N, "-c", C, "--dry-run", "--max-parts", max_parts, "me"],
                stdin=str(one), shown=f"{N} -c CFG --dry-run --max-parts {max_parts} me < 1line.log > /dev/null")
    interleaved([n_ten, n_one], a.runs, env, warmup=2, budget_s=a.step_budget, errfile=errfile)
    remember(n_ten, n_one)
    parts_out = subprocess.run([N, "-c", C, "--dry-run", "--max-parts", max_parts, "me"], stdin=open(ten, "rb"),
                               capture_output=True, env=env, timeout=60).stdout
    nparts = sum(1 for ln in parts_out.split(b"\n") if ln.startswith(b"--- me (telegram) request "))
    split_ms = (n_ten.median - n_one.median) * 1000
    row("10 MiB split for Telegram", n_one, None, extra="baseline: process start, 1-line input")
    row("10 MiB split for Telegram", n_ten, n_one, "difference < 50 ms", split_ms < 50,
        extra=f"difference of medians {split_ms:.1f} ms; {nparts} requests, {len(parts_out) / 1e6:.1f} MB of "
              f"dry-run output; peak RSS {max(n_ten.rss) / 1024:.1f} MiB")

    # ---- 6. instructions under callgrind --------------------------------
    log("callgrind: instructions per send")
    cg = tmp / "cg"
    cg.mkdir()
    ir: dict[str, list[int]] = {"notify -c CFG ops msg": [], "curl POST (same request)": []}
    for i in range(a.callgrind_runs):
        ir["notify -c CFG ops msg"].append(callgrind([N, "-c", C, "ops", "msg"], cg / f"notify.{i}", env))
        ir["curl POST (same request)"].append(callgrind(c_send.argv, cg / f"curl.{i}", env))
    commands.append(("callgrind", f"valgrind --tool=callgrind --callgrind-out-file=OUT {N} -c CFG ops msg"))
    commands.append(("callgrind", "valgrind --tool=callgrind --callgrind-out-file=OUT " + c_send.shown))
    ir["notify --version"] = [callgrind([N, "--version"], cg / "notify-version", env)]
    ir["curl --version"] = [callgrind(c_ver.argv, cg / "curl-version", env)]
    ir["/bin/true"] = [callgrind([true_bin], cg / "true", env)]
    cg_rows = []
    for k, v in ir.items():
        cg_rows.append((k, statistics.median(v), min(v), max(v), len(v)))
    cg_ratio = cg_rows[0][1] / cg_rows[1][1]
    splits = {"notify -c CFG ops msg": loader_share(cg / "notify.0"),
              "curl POST (same request)": loader_share(cg / "curl.0"),
              "notify --version": loader_share(cg / "notify-version"),
              "curl --version": loader_share(cg / "curl-version"),
              "/bin/true": loader_share(cg / "true")}
    profiles.append(("notify send (`notify -c CFG ops msg`), exclusive Ir", hot_spots(cg / "notify.0", False)))
    profiles.append(("notify send, inclusive Ir", hot_spots(cg / "notify.0", True)))

    # profile the failing data-path targets
    if split_ms >= 50:
        log("callgrind: 10 MiB split (target missed)")
        ir_split = callgrind([N, "-c", C, "--dry-run", "--max-parts", max_parts, "me"], cg / "split",
                             env, stdin=str(ten), timeout=540)
        ir_one = callgrind([N, "-c", C, "--dry-run", "--max-parts", max_parts, "me"], cg / "one",
                           env, stdin=str(one))
        notes.append(f"10 MiB split under callgrind: {ir_split:,} Ir against {ir_one:,} Ir for one line "
                     f"({(ir_split - ir_one) / (10 * MIB):.0f} instructions per input byte).")
        why["10 MiB split for Telegram"] = top_words(cg / "split")
        profiles.append(("10 MiB split (`--dry-run --max-parts "
                         f"{max_parts} me < 10MiB.log`), exclusive Ir", hot_spots(cg / "split", False, 20)))
        profiles.append(("10 MiB split, inclusive Ir", hot_spots(cg / "split", True, 25)))
    if not a.no_urandom and (thr["rmbps"] <= 500 or thr["rrss"] >= 16 * 1024):
        log("callgrind: 8 MiB of random bytes (throughput/memory target missed)")
        small = tmp / "8mb.bin"
        with open("/dev/urandom", "rb") as src, open(small, "wb") as dst:
            dst.write(src.read(8 * MIB))
        ir_small = callgrind([N, "-c", C, "--dry-run", "me"], cg / "rnd", env, stdin=str(small), timeout=540)
        notes.append(f"8 MiB of random bytes under callgrind: {ir_small:,} Ir "
                     f"({ir_small / (8 * MIB):.1f} instructions per input byte).")
        why["throughput (random bytes)"] = top_words(cg / "rnd")
        profiles.append(("random bytes (`--dry-run me < 8MiB.bin`), exclusive Ir", hot_spots(cg / "rnd", False, 20)))
        profiles.append(("random bytes, inclusive Ir", hot_spots(cg / "rnd", True, 25)))
    if thr["mbps"] <= 500 or thr["rss"] >= 16 * 1024:
        log("callgrind: 64 MiB of log text (throughput/memory target missed)")
        small = tmp / "64mb.log"
        with open(ten, "rb") as src:
            chunk = src.read()
        with open(small, "wb") as dst:
            for _ in range(64 * MIB // len(chunk)):
                dst.write(chunk)
        ir_small = callgrind([N, "-c", C, "--dry-run", "me"], cg / "thr", env, stdin=str(small), timeout=540)
        notes.append(f"64 MiB of log text under callgrind: {ir_small:,} Ir "
                     f"({ir_small / (64 * MIB):.1f} instructions per input byte).")
        why["throughput (log text)"] = why["memory (log text)"] = top_words(cg / "thr")
        profiles.append(("throughput (`--dry-run me < 64MiB.log`), exclusive Ir", hot_spots(cg / "thr", False, 20)))

    stop_servers()
    finished = dt.datetime.now(dt.timezone.utc)
    facts.append(("Load average at end", str(Path("/proc/loadavg").read_text().split(" ", 3)[:3])))

    # ---- write RESULTS.md -----------------------------------------------
    out = []
    out.append("# Benchmark results\n")
    out.append(f"Written by `bench/run.sh` on {started:%Y-%m-%d %H:%M} UTC "
               f"(took {(finished - started).total_seconds() / 60:.1f} min). "
               "Every time is the **median** of interleaved runs (A, B, A, B, … with the order rotated "
               "every round, so drift on the machine hits both sides alike); a ratio divides a median by "
               "the median of its baseline from the same run. Times are wall-clock from spawn to exit as "
               "seen by the harness (`posix_spawn` + `wait4` from Python), so each includes the same "
               "~1 ms of spawn cost that `/bin/true` shows. All servers are local fake services "
               "(`build-bench/tests/fake_service`) on 127.0.0.1.\n")
    load = float(Path("/proc/loadavg").read_text().split()[0])
    if max(load_start, load) > 0.75 * (os.cpu_count() or 1):
        out.append(f"**Note:** the machine was not idle (load average {load_start:.2f} at the start, "
                   f"{load:.2f} at the end, on {os.cpu_count()} cores: other processes were using the CPU). "
                   "Interleaving spreads that noise over both sides of each ratio, but absolute times "
                   "are higher and noisier than on an idle machine. The callgrind instruction counts "
                   "are not affected.\n")
    out.append("## Machine\n")
    out.append("| | |\n|---|---|")
    for k, v in facts:
        out.append(f"| {k} | {v} |")
    out.append("")
    out.append("## Results\n")
    out.append("| Benchmark | Command | Median | Runs | Baseline | Baseline median | Ratio | Target | Pass | Notes |")
    out.append("|---|---|---:|---:|---|---:|---:|---|---|---|")
    for r_ in results:
        ok = "" if r_["ok"] is None else ("**pass**" if r_["ok"] else "**FAIL**")
        out.append("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
            r_["bench"], r_["label"], fmt_t(r_["median"]) if r_["median"] is not None else "",
            r_["runs"], r_["base"], fmt_t(r_["base_median"]) if r_["base_median"] is not None else "",
            f"{r_['ratio']:.2f}" if r_["ratio"] is not None else "", r_["target"], ok, r_["extra"]))
    out.append("")
    out.append("### Instructions per send (callgrind, total Ir from the `summary:` line)\n")
    out.append("| Command | Median Ir | Min | Max | Runs | in ld.so start-up (`_dl_start`) | the rest |")
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    for k, med, lo, hi, n_ in cg_rows:
        dl = splits.get(k, 0)
        out.append(f"| {k} | {med:,.0f} | {lo:,} | {hi:,} | {n_} | {dl:,} | {med - dl:,.0f} |")
    extra = extra_libraries(notify, curl)
    out.append(f"\nnotify / curl = **{cg_ratio:.2f}** in instructions per send. The `_dl_start` column is "
               "the dynamic loader mapping and relocating shared libraries before `main` runs ("
               + (f"notify also loads {', '.join(extra)} on top of curl's set" if extra else
                  "notify loads no shared library that curl does not: the C++ runtime and toml++ are "
                  "linked in, see cmake/NotifyStartup.cmake")
               + ").\n")

    failed = [r_ for r_ in results if r_["ok"] is False]
    out.append("## Targets\n")
    if failed:
        out.append("Missed:\n")
        for r_ in failed:
            got = r_["extra"].split(";")[0] if r_["extra"] else f"ratio {r_['ratio']:.2f}"
            out.append(f"- **{r_['bench']}** ({r_['label']}): {got}, target {r_['target']}."
                       + (f" Where the instructions go (callgrind, exclusive): {why[r_['bench']]}."
                          if r_["bench"] in why else ""))
        out.append("")
        passed = [r_ for r_ in results if r_["ok"] is True]
        out.append("Met: " + "; ".join(f"{r_['bench']} ({r_['label']}, target {r_['target']})"
                                       for r_ in passed) + ".\n")
    else:
        out.append("Every target in the table is met.\n")
    for n_ in notes:
        out.append(f"- {n_}")
    out.append("")
    if profiles:
        out.append("Profiles below are `callgrind_annotate` of the Release binary (symbols, no debug info). "
                   "A `[clone .cold]` row is gcc's out-of-line part of the function named, and a `'2` suffix "
                   "is callgrind's recursion level; callgrind counts jumps between a function and its cold "
                   "part as calls, so inclusive figures of such rows (and only those) can exceed the total: "
                   "read the exclusive table for where instructions go.\n")
    for title, rows in profiles:
        out.append(f"### Profile: {title}\n")
        out.append("```")
        out.extend(rows or ["(no rows)"])
        out.append("```\n")
    for s_ in sections:
        out.append(s_)
    out.append("## Exact commands\n")
    out.append(f"CFG is a temporary profile file (mode 0600) written by `bench/bench.py`: profile `ops` "
               f"(Mattermost, `http://127.0.0.1:PORT{MM_HOOK}`), `me` (Telegram, `api_base` a local fake, "
               f"token `{TG_TOKEN}`), `fan01`…`fan16` (Mattermost, one fake server each, "
               f"`--latency-ms 1000`) and groups `g1`, `g4`, `g16`; `[defaults] retries = 0`, `timeout = 30`. "
               "PORT is picked by the fake service. The environment has `XDG_STATE_HOME` and "
               "`XDG_CONFIG_HOME` in the scratch directory and no `NOTIFY_*` variables.\n")
    out.append("```")
    for label, shown in commands:
        shown = shown.replace(C, "CFG").replace(str(tmp) + "/", "").replace(str(ROOT) + "/", "")
        shown = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", shown)
        out.append(f"# {label}\n{shown}")
    out.append("```")
    Path(a.out).write_text("\n".join(out) + "\n")
    log(f"wrote {a.out}")

    # console summary
    print("\n".join(out[out.index("## Results\n"):]).split("## Exact commands")[0])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
