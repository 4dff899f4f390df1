#!/usr/bin/env python3
"""The LessLLM benchmark: the gateway against direct-to-mock and nginx, measured interleaved (bench/README.md).

Run it through `bench/run`, which installs wrk and nginx-light and builds the binaries first. This file only uses
the Python standard library.

Every scenario runs rounds that alternate direct -> nginx -> gateway against the same mock upstream
(lessllm-bench-upstream), so the three see the same machine noise; every figure is reported as a delta or a ratio
against direct and nginx (medians of the per-round values). CPU is each process's own utime+stime from
/proc/<pid>/stat (nginx: master + workers). Peak RSS is VmHWM from /proc/<pid>/status, reset through clear_refs
before each round. `--smoke` runs every scenario tiny, validates every response and stream, and asserts no time.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
TICK = os.sysconf("SC_CLK_TCK")
PROXY_ENV = {"http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"}
TARGETS = ("direct", "nginx", "gateway")

# (route name, client dialect, model prefix the gateway routes on, kind)
ROUTES = [
    ("openai->openai", "openai", "to-openai", "passthrough"),
    ("anthropic->anthropic", "anthropic", "to-anthropic", "passthrough"),
    ("openai->anthropic", "openai", "to-anthropic", "cross"),
    ("anthropic->openai", "anthropic", "to-openai", "cross"),
]

PROFILES = {
    "full": {
        "rounds": 5, "wrk_seconds": 3, "nonstream_c": (1, 64), "wrk_routes": "all",
        "validate_requests": 16,
        "paced_model": "bench-paced-50-64-5", "paced_c": (1, 32), "paced_streams_per_conn": {1: 8, 32: 8},
        "s500": {"streams": 500, "model": "bench-paced-50-64-20", "ramp_ms": 500, "rounds": 3},
        "s10k": {"streams": 10000, "model": "bench-paced-50-16-400", "ramp_ms": 3000, "rounds": 3},
        "settle_s": 0.3,
    },
    "smoke": {
        "rounds": 1, "wrk_seconds": 1, "nonstream_c": (1, 64), "wrk_routes": "passthrough-c64",
        "validate_requests": 4,
        "paced_model": "bench-paced-5-8-1", "paced_c": (1, 32), "paced_streams_per_conn": {1: 2, 32: 1},
        "s500": {"streams": 500, "model": "bench-paced-5-4-5", "ramp_ms": 100, "rounds": 1},
        "s10k": {"streams": 1000, "model": "bench-paced-5-4-10", "ramp_ms": 200, "rounds": 1},
        "settle_s": 0.05,
    },
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def child_env() -> dict:
    return {k: v for k, v in os.environ.items() if k not in PROXY_ENV}


# ---- /proc -----------------------------------------------------------------------------------------------------------

def proc_cpu(pid: int) -> float:
    """utime + stime of a process (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def proc_cpu_precise(pid: int) -> float:
    """The process's CPU time in seconds with nanosecond resolution: the sum of its threads' run time
    (/proc/<pid>/task/*/schedstat, first field). Threads that exit take their time with them, so callers compare it
    with `proc_cpu` (10 ms ticks) and fall back to that when they disagree."""
    total = 0
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                    total += int(f.read().split()[0])
            except (OSError, ValueError, IndexError):
                pass
    except OSError:
        return proc_cpu(pid)
    return total / 1e9


def proc_status_kib(pid: int, key: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def reset_peak_rss(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def proc_pss_kib(pid: int) -> int:
    """Proportional set size (shared pages split between the processes sharing them)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class PeakSampler:
    """Samples the summed PSS of some processes every 50 ms while a run goes on; keeps the peak."""

    def __init__(self, pids: list[int]):
        import threading
        self.pids, self.peak, self._stop = pids, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(proc_pss_kib(pid) for pid in self.pids))
            self._stop.wait(0.05)

    def __enter__(self):
        if self.pids:
            self._thread.start()
        return self

    def __exit__(self, *_):
        self._stop.set()
        if self.pids:
            self._thread.join()


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry))
    return sorted(found)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_fd_limit(want: int = 65536) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(want, soft), max(want, hard)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# ---- processes -------------------------------------------------------------------------------------------------------

RUNNING: list["Server"] = []


class Server:
    """A process the harness started and must stop; announces its port on stdout (or has a fixed one)."""

    def __init__(self, name: str, argv: list[str], run_dir: Path, ready: str | None, port: int | None = None,
                 cwd: Path | None = None):
        self.name, self.argv, self.run_dir, self.ready, self.port = name, argv, run_dir, ready, port
        self.cwd = cwd or run_dir
        self.stdout = run_dir / f"{name}.stdout"
        self.stderr = run_dir / f"{name}.stderr"
        self.proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        return self.proc.pid

    def start(self, timeout: float = 30.0) -> "Server":
        with open(self.stdout, "wb") as out, open(self.stderr, "wb") as err:
            self.proc = subprocess.Popen(self.argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                         env=child_env(), cwd=self.cwd, start_new_session=True)
        RUNNING.append(self)
        deadline = time.monotonic() + timeout
        while True:
            if self.ready is None:
                if self._port_open():
                    return self
            else:
                match = re.search(self.ready, self.stdout.read_text(errors="replace"))
                if match:
                    self.port = int(match.group(1))
                    return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode} before it was ready:\n"
                                   + self.stderr.read_text(errors="replace")[-3000:])
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"{self.name} was not ready within {timeout}s")
            time.sleep(0.02)

    def _port_open(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True
        except OSError:
            return False

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 120.0) -> int:
        """SIGTERM and wait (a graceful stop); kills after `timeout`. Returns the exit code."""
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        if self in RUNNING:
            RUNNING.remove(self)
        return self.proc.returncode

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
            self.proc.wait()
        if self in RUNNING:
            RUNNING.remove(self)


def stop_everything() -> None:
    for server in list(RUNNING):
        try:
            server.stop(timeout=20)
        except Exception:  # noqa: BLE001 - best effort at exit
            server.kill()


class Nginx(Server):
    def __init__(self, run_dir: Path, upstream_port: int):
        port = free_port()
        tmp = run_dir / "nginx-tmp"
        tmp.mkdir(exist_ok=True)
        os.chmod(tmp, 0o777)
        conf = (BENCH / "nginx.conf").read_text().replace("@RUN_DIR@", str(run_dir)) \
            .replace("@PORT@", str(port)).replace("@UPSTREAM_PORT@", str(upstream_port))
        (run_dir / "nginx.conf").write_text(conf)
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        super().__init__("nginx", [nginx, "-p", str(run_dir), "-c", str(run_dir / "nginx.conf"),
                                   "-e", str(run_dir / "nginx-error.log")], run_dir, None, port)
        self.workers: list[int] = []

    def start(self, timeout: float = 30.0) -> "Nginx":
        super().start(timeout)
        deadline = time.monotonic() + 10
        while len(self.workers) < 2 and time.monotonic() < deadline:
            self.workers = children_of(self.pid)
            time.sleep(0.05)
        return self

    def pids(self) -> list[int]:
        return [self.pid] + self.workers


# ---- load tools ------------------------------------------------------------------------------------------------------

class Tools:
    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.streams = bin_dir / "lessllm-bench-streams"
        self.upstream = bin_dir / "lessllm-bench-upstream"
        self.lessllm = bin_dir / "lessllm"

    def wrk(self, port: int, dialect: str, model: str, connections: int, seconds: int) -> dict:
        argv = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
                "-s", str(BENCH / "wrk" / "chat.lua"), f"http://127.0.0.1:{port}", "--", dialect, model]
        out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60, env=child_env())
        for line in out.stdout.splitlines():
            if line.startswith("WRKJSON "):
                return json.loads(line[len("WRKJSON "):])
        raise RuntimeError(f"wrk printed no result (exit {out.returncode}):\n{out.stdout}\n{out.stderr}")

    def stream_load(self, port: int, dialect: str, model: str, connections: int, per_connection: int = 1,
                    ramp_ms: int = 0, stream: bool = True, timeout_s: float = 120, label: str = "") -> dict:
        argv = [str(self.streams), "--url", f"http://127.0.0.1:{port}", "--dialect", dialect, "--model", model,
                "--connections", str(connections), "--streams-per-connection", str(per_connection),
                "--ramp-ms", str(ramp_ms), "--timeout-s", str(timeout_s), "--label", label]
        if not stream:
            argv.append("--no-stream")
        out = subprocess.run(argv, capture_output=True, text=True, timeout=timeout_s + ramp_ms / 1000 + 60,
                             env=child_env())
        lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
        if not lines:
            raise RuntimeError(f"lessllm-bench-streams printed no result (exit {out.returncode}):\n{out.stderr}")
        return json.loads(lines[-1])


# ---- the benchmark ---------------------------------------------------------------------------------------------------

def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ms(us):
    return None if us is None else us / 1000.0


class Bench:
    def __init__(self, args, profile: dict, tools: Tools, run_dir: Path, jsonl_path: Path):
        self.args, self.p, self.tools, self.run_dir = args, profile, tools, run_dir
        self.jsonl = open(jsonl_path, "w")
        self.mock: Server | None = None
        self.nginx: Nginx | None = None
        self.gateway: Server | None = None
        self.gateway_count = 0
        self.problems: list[str] = []   # validation failures (smoke fails on any)
        self.cases: list[dict] = []     # aggregated rows for the report
        self.records: list[dict] = []   # record checks per gateway instance
        self.sent_to_gateway = 0        # requests/streams completed through the current gateway instance

    def emit(self, row: dict) -> None:
        self.jsonl.write(json.dumps(row, sort_keys=True) + "\n")
        self.jsonl.flush()

    def problem(self, message: str) -> None:
        log("PROBLEM: " + message)
        self.problems.append(message)

    # -- servers --

    def start_mock(self) -> None:
        # One loopback address per client of the mock (direct, nginx, gateway): each gets its own ephemeral-port
        # space, so 10,000 connections in TIME_WAIT from one target never starve the next target's connects.
        self.mock = Server("mock", [str(self.tools.upstream), "--host", "127.0.0.1,127.0.0.2,127.0.0.3", "--port",
                                    "0", "--threads", "2"], self.run_dir,
                           r"listening on http://127\.0\.0\.1:(\d+)").start()

    def start_nginx(self) -> None:
        self.nginx = Nginx(self.run_dir, self.mock.port).start()

    def start_gateway(self) -> None:
        self.gateway_count += 1
        name = f"gateway{self.gateway_count}"
        db = self.run_dir / f"{name}.db"
        so = [str(self.tools.bin_dir / f"lib{n}.so")
              for n in ("OpenAIProvider", "ClaudeProvider", "DialectConverter", "SQLiteSink")]
        mock = f"http://127.0.0.3:{self.mock.port}"
        config = {
            "listen": {"proxy": "127.0.0.1:0", "admin": "off", "shutdown_grace": "30s"},
            "plugins": {"files": so},
            "providers": {
                "mock-openai": {"plugin": "dev.lessllm.provider.openai", "base_url": mock + "/v1",
                                "api_key": "bench-upstream-key"},
                "mock-anthropic": {"plugin": "dev.lessllm.provider.anthropic", "base_url": mock,
                                   "api_key": "bench-upstream-key"},
            },
            "converters": {"dialects": {"plugin": "dev.lessllm.converter.dialects"}},
            "routes": [{"model": "to-openai/*", "provider": "mock-openai"},
                       {"model": "to-anthropic/*", "provider": "mock-anthropic"}],
            "sinks": {"sqlite": {"plugin": "dev.lessllm.sink.sqlite", "options": {"path": str(db)}}},
        }
        if getattr(self.args, "no_recording", False):
            del config["sinks"]
        path = self.run_dir / f"{name}.yaml"
        path.write_text(json.dumps(config, indent=2))  # JSON is YAML
        self.gateway = Server(name, [str(self.tools.lessllm), "server", "--config", str(path)], self.run_dir,
                              r"LessLLM proxy listening on http://127\.0\.0\.1:(\d+)").start()
        self.gateway.db = db
        self.sent_to_gateway = 0
        self.gateway_idle_rss_kib = proc_status_kib(self.gateway.pid, "VmRSS")

    def stop_gateway(self, exact: int | None, ok_streams: int | None, label: str) -> dict:
        """Stops the gateway gracefully and counts its records (exact: the number it must hold)."""
        gateway = self.gateway
        crashed = not gateway.alive()
        started = time.monotonic()
        code = gateway.stop(timeout=180)
        stop_s = time.monotonic() - started
        log_text = gateway.stderr.read_text(errors="replace")
        if crashed or code != 0:
            self.problem(f"{gateway.name} exited with {code} (crashed during the run: {crashed}):\n{log_text[-2000:]}")
        for marker in ("Fatal error", " critical ", "Sanitizer"):
            if marker in log_text:
                self.problem(f"{gateway.name} logged {marker.strip()!r}")
        if getattr(self.args, "no_recording", False):
            self.gateway = None
            return {"type": "records", "scenario": label, "instance": gateway.name, "ok": True, "rows": None,
                    "lost": None, "outcomes": {}, "stop_seconds": round(time.monotonic() - started, 3)}
        rows, outcomes = 0, {}
        try:
            with sqlite3.connect(f"file:{gateway.db}?mode=ro", uri=True) as db:
                rows = db.execute("SELECT count(*) FROM exchanges").fetchone()[0]
                outcomes = dict(db.execute("SELECT outcome, count(*) FROM exchanges GROUP BY outcome").fetchall())
        except sqlite3.Error as error:
            self.problem(f"{gateway.name}: cannot read {gateway.db}: {error}")
        journal = self.run_dir / "lessllm.journal"
        check = {"type": "records", "scenario": label, "instance": gateway.name, "rows": rows, "outcomes": outcomes,
                 "requests_completed": self.sent_to_gateway, "exact_expected": exact, "ok_streams": ok_streams,
                 "stop_seconds": round(stop_s, 3), "exit_code": code,
                 "journal_left": journal.exists() and journal.stat().st_size > 0,
                 "log_lines": log_text.count("\n")}
        if exact is not None:
            check["lost"] = exact - rows
            check["ok"] = rows == exact and (ok_streams is None or outcomes.get("ok", 0) == ok_streams)
            if not check["ok"]:
                self.problem(f"{gateway.name}: {rows} records for {exact} exchanges "
                             f"({outcomes}; {ok_streams} streams were valid)")
        else:
            check["ok"] = rows >= self.sent_to_gateway
            if not check["ok"]:
                self.problem(f"{gateway.name}: {rows} records, fewer than the {self.sent_to_gateway} completed")
        self.emit(check)
        self.records.append(check)
        self.gateway = None
        return check

    def port_of(self, target: str) -> int:
        return {"direct": lambda: self.mock, "nginx": lambda: self.nginx, "gateway": lambda: self.gateway}[target]().port

    def pids_of(self, target: str) -> list[int]:
        # Only the target's own server is asked (a tool may run without nginx).
        if target == "nginx":
            return self.nginx.pids()
        return [self.gateway.pid] if target == "gateway" else []

    def cpu_of(self, target: str) -> tuple[float, float]:
        """(precise, ticks) CPU seconds of the target's processes so far."""
        pids = self.pids_of(target)
        return sum(proc_cpu_precise(pid) for pid in pids), sum(proc_cpu(pid) for pid in pids)

    def measured(self, target: str, run):
        """Runs `run()` against `target`, returning its result with the proxy's and the mock's CPU seconds.

        CPU is the processes' own time: the threads' schedstat run time (ns) when it agrees with utime+stime
        from /proc/<pid>/stat (10 ms ticks) within 20 ms + 10 %, else utime+stime."""
        (cpu0, ticks0), mock0 = self.cpu_of(target), proc_cpu_precise(self.mock.pid)
        wall0 = time.monotonic()
        result = run()
        wall = time.monotonic() - wall0
        time.sleep(self.p["settle_s"])
        self.wait_until_idle(target)  # the work a run leaves behind (records still on their way) is its cost too
        (cpu1, ticks1), mock1 = self.cpu_of(target), proc_cpu_precise(self.mock.pid)
        cpu, ticks, mock_cpu = cpu1 - cpu0, ticks1 - ticks0, mock1 - mock0
        if abs(cpu - ticks) > 0.02 + 0.1 * ticks:
            log(f"note: {target} schedstat CPU {cpu:.3f} s vs utime+stime {ticks:.3f} s; using utime+stime")
            cpu = ticks
        for server in (self.mock, self.nginx, self.gateway):
            if server is not None and not server.alive():
                raise RuntimeError(f"{server.name} died:\n" + server.stderr.read_text(errors="replace")[-3000:])
        return result, cpu, mock_cpu, wall

    def wait_until_idle(self, target: str, window_s: float = 0.1, limit_s: float = 120.0) -> float:
        """Waits until the target's processes spend under 2 % of a core for `window_s`; returns the seconds waited.

        Under load the gateway's recorder (background priority) falls behind the relay and stores the backlog after
        the load ends; that CPU time belongs to the requests that caused it, so CPU is read only once it is done."""
        start = time.monotonic()
        last = self.cpu_of(target)[0]
        while time.monotonic() - start < limit_s:
            time.sleep(window_s)
            now = self.cpu_of(target)[0]
            if now - last < 0.02 * window_s:
                break
            last = now
        waited = time.monotonic() - start
        if target == "gateway" and waited > 2 * window_s:
            log(f"gateway busy for {waited:.2f} s after the load (records being stored)")
        return waited

    def peak_rss_reset(self, target: str) -> None:
        if target == "gateway":
            reset_peak_rss(self.gateway.pid)
        elif target == "nginx":
            for pid in self.nginx.pids():
                reset_peak_rss(pid)

    def peak_rss_kib(self, target: str):
        if target == "gateway":
            return proc_status_kib(self.gateway.pid, "VmHWM")
        if target == "nginx":
            return sum(proc_status_kib(pid, "VmHWM") for pid in self.nginx.pids())
        return None

    # -- scenarios --

    def validate(self, route, dialect, model, connections, stream: bool, per_connection: int, label: str):
        """Validates every response of a small run against each target (also warms the connection pools)."""
        for target in TARGETS:
            result = self.tools.stream_load(self.port_of(target), dialect, model, connections, per_connection,
                                            stream=stream, timeout_s=60, label=label)
            if target == "gateway":
                self.sent_to_gateway += result["streams"]
            self.emit({"type": "validation", "scenario": label, "route": route, "target": target,
                       "streams": result["streams"], "ok": result["ok"], "failed": result["failed"],
                       "failures": result["failures"]})
            if result["failed"]:
                self.problem(f"{label} {route} via {target}: {result['failed']} of {result['streams']} invalid: "
                             f"{result['failures']}")

    def nonstream(self) -> None:
        p = self.p
        for route, dialect, prefix, kind in ROUTES:
            model = f"{prefix}/bench-fast"
            for c in p["nonstream_c"]:
                label = "nonstream"
                self.validate(route, dialect, model, min(c, 8), False, p["validate_requests"], label)
                use_wrk = p["wrk_routes"] == "all" or (kind == "passthrough" and c == 64)
                if not use_wrk:
                    continue  # smoke: the validation above is this case's run
                rounds = []
                for r in range(p["rounds"]):
                    row = {}
                    for target in TARGETS:
                        result, cpu, mock_cpu, _ = self.measured(
                            target, lambda: self.tools.wrk(self.port_of(target), dialect, model, c, p["wrk_seconds"]))
                        n = result["requests"]
                        errors = sum(result["errors"].values())
                        if target == "gateway":
                            self.sent_to_gateway += n
                        lat = result["latency_us"]
                        entry = {"type": "round", "scenario": "nonstream", "route": route, "kind": kind, "c": c,
                                 "target": target, "round": r, "requests": n, "errors": result["errors"],
                                 "rps": n / (result["duration_us"] / 1e6),
                                 "p50_ms": ms(lat["p50"]), "p90_ms": ms(lat["p90"]), "p99_ms": ms(lat["p99"]),
                                 "max_ms": ms(lat["max"]), "mean_ms": ms(lat["mean"]),
                                 "cpu_s": cpu, "cpu_us_per_req": cpu / n * 1e6 if n else None,
                                 "mock_cpu_us_per_req": mock_cpu / n * 1e6 if n else None}
                        self.emit(entry)
                        row[target] = entry
                        if errors:
                            self.problem(f"nonstream {route} c={c} via {target}: {result['errors']}")
                    rounds.append(row)
                    log(f"nonstream {route} c={c} round {r + 1}: " + "  ".join(
                        f"{t} p50 {row[t]['p50_ms']:.3f} ms {row[t]['rps']:.0f}/s cpu "
                        f"{row[t]['cpu_us_per_req'] or 0:.1f} us" for t in TARGETS))
                self.add_case(self.aggregate("nonstream", route, kind, c, rounds, "p50_ms", "p99_ms",
                                             "cpu_us_per_req", "rps"))

    def paced(self) -> None:
        p = self.p
        for route, dialect, prefix, kind in ROUTES:
            model = f"{prefix}/{p['paced_model']}"
            for c in p["paced_c"]:
                per = p["paced_streams_per_conn"][c]
                rounds = []
                for r in range(p["rounds"]):
                    row = {}
                    for target in TARGETS:
                        result, cpu, mock_cpu, wall = self.measured(
                            target, lambda: self.tools.stream_load(self.port_of(target), dialect, model, c, per,
                                                                    label=f"paced {route} c={c}"))
                        row[target] = self.stream_entry("paced", route, kind, c, target, r, result, cpu, mock_cpu)
                    rounds.append(row)
                    log(f"paced {route} c={c} round {r + 1}: " + "  ".join(
                        f"{t} ttft p50 {row[t]['ttft_p50_ms'] or 0:.2f} ms cpu {row[t]['cpu_us_per_stream'] or 0:.0f} us"
                        for t in TARGETS))
                self.add_case(self.aggregate("paced", route, kind, c, rounds, "ttft_p50_ms", "ttft_p99_ms",
                                             "cpu_us_per_stream", None))

    def stream_entry(self, scenario, route, kind, c, target, r, result, cpu, mock_cpu, extra=None) -> dict:
        ttft = result.get("ttft_ms") or {}
        streams, ok = result["streams"], result["ok"]
        if target == "gateway":
            self.sent_to_gateway += streams
        entry = {"type": "round", "scenario": scenario, "route": route, "kind": kind, "c": c, "target": target,
                 "round": r, "streams": streams, "ok": ok, "failed": result["failed"],
                 "failures": result["failures"], "peak_in_flight": result["peak_in_flight"],
                 "duration_s": result["duration_s"],
                 "ttft_p50_ms": ttft.get("p50"), "ttft_p90_ms": ttft.get("p90"), "ttft_p99_ms": ttft.get("p99"),
                 "ttft_max_ms": ttft.get("max"), "total_p50_ms": (result.get("total_ms") or {}).get("p50"),
                 "ttft_p50_ms_by_tenth": result.get("ttft_p50_ms_by_tenth"),
                 "cpu_s": cpu, "cpu_us_per_stream": cpu / streams * 1e6 if streams else None,
                 "mock_cpu_us_per_stream": mock_cpu / streams * 1e6 if streams else None}
        entry.update(extra or {})
        self.emit(entry)
        if result["failed"]:
            self.problem(f"{scenario} {route} c={c} via {target}: {result['failed']} of {streams} streams invalid: "
                         f"{result['failures']}")
        return entry

    def concurrent(self, key: str, scenario: str) -> None:
        """N concurrent streams (each connection one stream, started over a ramp), on a fresh gateway."""
        spec = self.p[key]
        route, dialect, prefix, kind = ROUTES[0]
        model = f"{prefix}/{spec['model']}"
        n = spec["streams"]
        self.start_gateway()
        idle_rss = self.gateway_idle_rss_kib
        rounds, ok_streams = [], 0
        for r in range(spec["rounds"]):
            row = {}
            for target in TARGETS:
                self.peak_rss_reset(target)
                with PeakSampler(self.pids_of(target)) as pss:
                    result, cpu, mock_cpu, _ = self.measured(
                        target, lambda: self.tools.stream_load(self.port_of(target), dialect, model, n, 1,
                                                                ramp_ms=spec["ramp_ms"], timeout_s=120,
                                                                label=f"{scenario}"))
                peak = self.peak_rss_kib(target)
                row[target] = self.stream_entry(scenario, route, kind, n, target, r, result, cpu, mock_cpu,
                                                {"peak_rss_kib": peak, "peak_pss_kib": pss.peak or None,
                                                 "ramp_ms": spec["ramp_ms"], "model": spec["model"]})
                if target == "gateway":
                    ok_streams += result["ok"]
                if result["peak_in_flight"] < n and not self.args.smoke:
                    log(f"note: {scenario} via {target}: only {result['peak_in_flight']} of {n} streams overlapped")
            rounds.append(row)
            log(f"{scenario} round {r + 1}: " + "  ".join(
                f"{t} ok {row[t]['ok']}/{n} ttft p50 {row[t]['ttft_p50_ms'] or 0:.1f} ms peak-in-flight "
                f"{row[t]['peak_in_flight']} rss {(row[t]['peak_rss_kib'] or 0) / 1024:.1f} MiB" for t in TARGETS))
        case = self.aggregate(scenario, route, kind, n, rounds, "ttft_p50_ms", "ttft_p99_ms", "cpu_us_per_stream",
                              None)
        case["streams"] = n
        case["model"] = spec["model"]
        case["ramp_ms"] = spec["ramp_ms"]
        case["gateway_idle_rss_mib"] = idle_rss / 1024
        case["peak_rss_mib"] = {t: max((row[t]["peak_rss_kib"] or 0) for row in rounds) / 1024 for t in
                                ("nginx", "gateway")}
        case["peak_pss_mib"] = {t: max((row[t]["peak_pss_kib"] or 0) for row in rounds) / 1024 for t in
                                ("nginx", "gateway")}
        case["ttft_p50_ms_by_tenth"] = {  # the median over the rounds of each tenth's p50
            t: [median([row[t]["ttft_p50_ms_by_tenth"][i] for row in rounds if row[t].get("ttft_p50_ms_by_tenth")])
                for i in range(10)] if all(row[t].get("ttft_p50_ms_by_tenth") for row in rounds) else None
            for t in TARGETS}
        case["all_ok"] = {t: all(row[t]["failed"] == 0 for row in rounds) for t in TARGETS}
        case["peak_in_flight"] = {t: min(row[t]["peak_in_flight"] for row in rounds) for t in TARGETS}
        total = n * spec["rounds"]
        check = self.stop_gateway(exact=total, ok_streams=ok_streams, label=scenario)
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < 2 * n + 64:
            case["fd_note"] = (f"RLIMIT_NOFILE here is {soft} (hard {hard}) and cannot be raised: one proxy process needs "
                               f"2 descriptors per stream (client + upstream) plus its own (~25), i.e. {2 * n + 25} "
                               f"for {n} streams, so about {(soft - 25) // 2} fit in one process at once (nginx spreads "
                               f"them over 2 workers; the gateway's last upstream connects wait for descriptors "
                               f"released by the first streams to end)")
        case["records"] = {"rows": check["rows"], "expected": total, "lost": check.get("lost"),
                           "outcomes": check["outcomes"], "stop_seconds": check["stop_seconds"]}
        self.add_case(case)

    def aggregate(self, scenario, route, kind, c, rounds, lat50, lat99, cpu_key, rps_key) -> dict:
        def med(target, key):
            return median([row[target].get(key) for row in rounds])

        def med_delta(key, a, b):
            return median([row[a][key] - row[b][key] for row in rounds
                           if row[a].get(key) is not None and row[b].get(key) is not None])

        def med_ratio(key, a, b):
            return median([row[a][key] / row[b][key] for row in rounds
                           if row[a].get(key) and row[b].get(key)])

        case = {"type": "case", "scenario": scenario, "route": route, "kind": kind, "c": c, "rounds": len(rounds),
                "p50_ms": {t: med(t, lat50) for t in TARGETS}, "p99_ms": {t: med(t, lat99) for t in TARGETS},
                "added_p50_vs_direct_ms": med_delta(lat50, "gateway", "direct"),
                "added_p99_vs_direct_ms": med_delta(lat99, "gateway", "direct"),
                "p50_vs_nginx_ms": med_delta(lat50, "gateway", "nginx"),
                "p99_vs_nginx_ms": med_delta(lat99, "gateway", "nginx"),
                "nginx_added_p50_ms": med_delta(lat50, "nginx", "direct"),
                "nginx_added_p99_ms": med_delta(lat99, "nginx", "direct"),
                "cpu_us": {t: med(t, cpu_key) for t in ("nginx", "gateway")},
                "mock_cpu_us": med("direct", "mock_cpu_us_per_req" if rps_key else "mock_cpu_us_per_stream"),
                "cpu_ratio_vs_nginx": med_ratio(cpu_key, "gateway", "nginx")}
        if rps_key:
            case["rps"] = {t: med(t, rps_key) for t in TARGETS}
        else:
            case["ok"] = {t: sum(row[t]["ok"] for row in rounds) for t in TARGETS}
            case["failed"] = {t: sum(row[t]["failed"] for row in rounds) for t in TARGETS}
        return case

    def add_case(self, case: dict) -> None:
        self.cases.append(case)
        self.emit(case)

    def warm_up(self) -> None:
        """A short untimed pass through every target and route (pools, caches, page faults)."""
        for route, dialect, prefix, _ in ROUTES:
            for target in TARGETS:
                result = self.tools.stream_load(self.port_of(target), dialect, f"{prefix}/bench-fast", 8,
                                                4 if self.args.smoke else 50, stream=False, timeout_s=60,
                                                label="warm-up")
                if target == "gateway":
                    self.sent_to_gateway += result["streams"]
                if result["failed"]:
                    self.problem(f"warm-up {route} via {target}: {result['failures']}")


# ---- the report ------------------------------------------------------------------------------------------------------

def first_line(argv: list[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        text = (out.stdout + out.stderr).strip()
        return text.splitlines()[0] if text else "?"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def machine_info(tools: Tools, build: str) -> dict:
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kib = proc_meminfo("MemTotal")
    return {"cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(),
            "memory_gib": round(mem_kib / 1024 / 1024, 1), "os": os_release(),
            "loadavg_start": os.getloadavg(),
            "swift": first_line(["swift", "--version"]), "nginx": first_line(["nginx", "-v"]),
            "wrk": first_line(["wrk", "--version"]).split(" Copyright")[0],
            "lessllm": first_line([str(tools.lessllm), "--version"]), "build": build,
            "commit": first_line(["git", "-C", str(REPO), "describe", "--always", "--dirty", "--abbrev=12"]),
            "bin_dir": str(tools.bin_dir)}


def proc_meminfo(key: str) -> int:
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def os_release() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.platform()


def f(value, digits=2, unit=""):
    if value is None:
        return "–"
    return f"{value:.{digits}f}{unit}"


def signed(value, digits=3):
    if value is None:
        return "–"
    return f"{value:+.{digits}f}"


def evaluate_targets(cases: list[dict], records: list[dict]) -> list[dict]:
    """Issue 7 point 2, target by target (passthrough routes for the latency and CPU targets)."""
    targets = []

    def add(name, case_label, measured, limit, unit, lower_is_better=True, note=""):
        if measured is None:
            targets.append({"target": name, "case": case_label, "measured": None, "limit": limit, "unit": unit,
                            "met": False, "margin": None, "note": note or "not measured"})
            return
        met = measured <= limit if lower_is_better else measured >= limit
        targets.append({"target": name, "case": case_label, "measured": measured, "limit": limit, "unit": unit,
                        "met": met, "margin": limit - measured if lower_is_better else measured - limit,
                        "note": note})

    def find(scenario, route, c):
        for case in cases:
            if case["scenario"] == scenario and case["route"] == route and case["c"] == c:
                return case
        return None

    passthrough = [r for r in ROUTES if r[3] == "passthrough"]
    for route, *_ in passthrough:
        case = find("nonstream", route, 1)
        if case:
            add("added latency c=1, p50 ≤ 0.2 ms", f"non-stream {route}", case["added_p50_vs_direct_ms"], 0.2, "ms")
            add("p99 at c=1 ≤ nginx p99 + 0.5 ms", f"non-stream {route}", case["p99_vs_nginx_ms"], 0.5, "ms")
    for route, *_ in passthrough:
        for c in (64, 1):
            case = find("nonstream", route, c)
            if case:
                add("CPU per non-stream passthrough request ≤ 3× nginx", f"non-stream {route} c={c}",
                    case["cpu_ratio_vs_nginx"], 3.0, "×")
    for route, *_ in passthrough:
        case = find("paced", route, 32)
        if case:
            add("streamed TTFT added at c=32 ≤ 1 ms (p50)", f"paced {route} c=32", case["added_p50_vs_direct_ms"],
                1.0, "ms", note=f"p99 added {signed(case['added_p99_vs_direct_ms'])} ms")
            add("CPU per paced stream ≤ 2× nginx", f"paced {route} c=32", case["cpu_ratio_vs_nginx"], 2.0, "×")
    for scenario, c_list in (("nonstream", (64, 1)), ("paced", (32, 1))):
        for route, dialect, _, kind in ROUTES:
            if kind != "cross":
                continue
            same = next(r[0] for r in ROUTES if r[1] == dialect and r[3] == "passthrough")
            for c in c_list:
                cross_case, pass_case = find(scenario, route, c), find(scenario, same, c)
                if cross_case and pass_case and cross_case["cpu_us"]["gateway"] and pass_case["cpu_us"]["gateway"]:
                    add("cross-format CPU ≤ 1.5× passthrough", f"{scenario} {route} c={c} vs {same}",
                        cross_case["cpu_us"]["gateway"] / pass_case["cpu_us"]["gateway"], 1.5, "×")
    s500 = next((c for c in cases if c["scenario"] == "streams500"), None)
    if s500:
        add("peak RSS with 500 concurrent streams ≤ 64 MiB", f"{s500['streams']} streams",
            s500["peak_rss_mib"]["gateway"], 64.0, "MiB",
            note=f"VmHWM; gateway idle RSS {f(s500['gateway_idle_rss_mib'], 1)} MiB, sampled peak PSS "
                 f"{f(s500['peak_pss_mib']['gateway'], 1)} MiB; nginx (master + workers) peak PSS "
                 f"{f(s500['peak_pss_mib']['nginx'], 1)} MiB, summed VmHWM {f(s500['peak_rss_mib']['nginx'], 1)} MiB")
    s10k = next((c for c in cases if c["scenario"] == "streams10k"), None)
    if s10k:
        n = s10k["streams"]
        failed = s10k["failed"]["gateway"]
        add(f"{n} concurrent streams all complete", f"{n} streams × {s10k['rounds']} rounds", failed, 0, "failed",
            note=f"peak in flight {s10k['peak_in_flight']['gateway']}")
        add(f"{n} streams: TTFT added ≤ 20 ms (p50)", f"{n} streams", s10k["added_p50_vs_direct_ms"], 20.0, "ms",
            note=f"p99 added {signed(s10k['added_p99_vs_direct_ms'], 1)} ms; nginx p50 added "
                 f"{signed(s10k['nginx_added_p50_ms'], 1)} ms")
        add(f"{n} streams: no record lost", "rows after a graceful stop", s10k["records"]["lost"], 0, "lost",
            note=f"{s10k['records']['rows']} rows for {s10k['records']['expected']} streams")
    return targets


def markdown(meta: dict, cases: list[dict], targets: list[dict], records: list[dict], problems: list[str]) -> str:
    m = meta["machine"]
    out = [f"# LessLLM benchmark — {meta['started']}", ""]
    out.append(f"- **Command:** `{meta['command']}` ({meta['mode']} mode, {meta['build']} build, "
               f"{meta['rounds']} interleaved rounds direct → nginx → gateway per case)")
    out.append(f"- **Machine:** {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Linux {m['kernel']} "
               f"({m['os']}); load average at start {', '.join(f'{x:.2f}' for x in m['loadavg_start'])}; "
               "mock, load generator, nginx and gateway share these cores")
    out.append(f"- **Versions:** {m['swift']}; {m['nginx']}; {m['wrk']}; {m['lessllm']} at `{m.get('commit', '?')}`")
    out.append(f"- **Duration:** {meta['duration_s']:.0f} s. Figures are medians over rounds; deltas and ratios are "
               "medians of the per-round values. CPU = the process's own CPU time (nginx: master + 2 workers) per "
               "request or stream: its threads' run time from /proc/<pid>/task/*/schedstat (ns), checked against "
               "utime+stime from /proc/<pid>/stat. "
               + ("**Recording is off** (`--no-recording`: no sinks)." if meta.get("no_recording")
                  else "Recording to SQLite is on in every gateway run."))
    out.append("")

    ns = [c for c in cases if c["scenario"] == "nonstream"]
    if ns:
        out += ["## Non-stream requests (wrk, `bench-fast`: 16 tokens, no delay)", "",
                "| route | c | p50 ms direct / nginx / gateway | added p50 vs direct (nginx) | p99 ms direct / nginx / gateway "
                "| gateway p99 − nginx p99 | req/s direct / nginx / gateway | CPU µs/req nginx / gateway | gateway ÷ nginx |",
                "|---|--:|---|---|---|---|---|---|--:|"]
        for c in ns:
            out.append(
                f"| {c['route']} | {c['c']} | {f(c['p50_ms']['direct'], 3)} / {f(c['p50_ms']['nginx'], 3)} / "
                f"{f(c['p50_ms']['gateway'], 3)} | {signed(c['added_p50_vs_direct_ms'])} "
                f"({signed(c['nginx_added_p50_ms'])}) | {f(c['p99_ms']['direct'], 3)} / {f(c['p99_ms']['nginx'], 3)} / "
                f"{f(c['p99_ms']['gateway'], 3)} | {signed(c['p99_vs_nginx_ms'])} | {f(c['rps']['direct'], 0)} / "
                f"{f(c['rps']['nginx'], 0)} / {f(c['rps']['gateway'], 0)} | {f(c['cpu_us']['nginx'], 1)} / "
                f"{f(c['cpu_us']['gateway'], 1)} | {f(c['cpu_ratio_vs_nginx'], 2)}× |")
        out.append("")
    pc = [c for c in cases if c["scenario"] == "paced"]
    if pc:
        ttft, tokens, gap = meta["paced_model"].split("-")[2:5]
        out += [f"## Paced streams (`{meta['paced_model']}`: first token after {ttft} ms, {tokens} tokens {gap} ms apart)",
                "",
                "| route | c | TTFT p50 ms direct / nginx / gateway | TTFT added p50 / p99 vs direct | gateway − nginx p50 "
                "| CPU µs/stream nginx / gateway | gateway ÷ nginx | valid streams direct / nginx / gateway |",
                "|---|--:|---|---|---|---|--:|---|"]
        for c in pc:
            out.append(
                f"| {c['route']} | {c['c']} | {f(c['p50_ms']['direct'])} / {f(c['p50_ms']['nginx'])} / "
                f"{f(c['p50_ms']['gateway'])} | {signed(c['added_p50_vs_direct_ms'])} / "
                f"{signed(c['added_p99_vs_direct_ms'])} | {signed(c['p50_vs_nginx_ms'])} | "
                f"{f(c['cpu_us']['nginx'], 0)} / {f(c['cpu_us']['gateway'], 0)} | {f(c['cpu_ratio_vs_nginx'], 2)}× | "
                + " / ".join(f"{c['ok'][t]}/{c['ok'][t] + c['failed'][t]}" for t in TARGETS) + " |")
        out.append("")
    cc = [c for c in cases if c["scenario"] in ("streams500", "streams10k")]
    if cc:
        out += ["## Concurrent streams (openai→openai, one stream per connection, connections opened over a ramp)", "",
                "| streams | model, ramp | valid direct / nginx / gateway | peak in flight (gateway) "
                "| TTFT p50 ms direct / nginx / gateway | TTFT added p50 / p99 vs direct | nginx added p50 "
                "| peak memory MiB: nginx PSS / gateway VmHWM (idle RSS) | CPU µs/stream nginx / gateway | records |",
                "|--:|---|---|--:|---|---|---|---|---|---|"]
        for c in cc:
            rec = c["records"]
            out.append(
                f"| {c['streams']} | `{c['model']}`, {c['ramp_ms']} ms | "
                + " / ".join(f"{c['ok'][t]}/{c['ok'][t] + c['failed'][t]}" for t in TARGETS)
                + f" | {c['peak_in_flight']['gateway']} | {f(c['p50_ms']['direct'], 1)} / {f(c['p50_ms']['nginx'], 1)} / "
                f"{f(c['p50_ms']['gateway'], 1)} | {signed(c['added_p50_vs_direct_ms'], 1)} / "
                f"{signed(c['added_p99_vs_direct_ms'], 1)} | {signed(c['nginx_added_p50_ms'], 1)} | "
                f"{f(c['peak_pss_mib']['nginx'], 1)} / {f(c['peak_rss_mib']['gateway'], 1)} "
                f"({f(c['gateway_idle_rss_mib'], 1)}) | {f(c['cpu_us']['nginx'], 0)} / {f(c['cpu_us']['gateway'], 0)} | "
                + ("off |" if rec["rows"] is None else f"{rec['rows']}/{rec['expected']} |"))
        for c in cc:
            tenths = c.get("ttft_p50_ms_by_tenth") or {}
            if all(tenths.get(t) for t in TARGETS):
                out.append(f"- {c['streams']} streams: TTFT p50 (ms) of each tenth of the connections, in the order they "
                           f"were opened — " + "; ".join(
                               f"{t} " + " ".join("–" if v is None else f"{v:.0f}" for v in tenths[t]) for t in TARGETS))
        out += [f"- {c['streams']} streams: {c['fd_note']}" for c in cc if c.get("fd_note")]
        out.append("")
    if targets:
        out += ["## Targets (issue 7, point 2)", "", "| target | case | measured | limit | met | margin | note |",
                "|---|---|--:|--:|:-:|--:|---|"]
        for t in targets:
            digits = 0 if t["unit"] in ("failed", "lost") else 2 if t["unit"] in ("×", "MiB") else 3
            out.append(f"| {t['target']} | {t['case']} | {f(t['measured'], digits)} {t['unit']} | "
                       f"{f(t['limit'], digits)} {t['unit']} | {'yes' if t['met'] else '**no**'} | "
                       f"{signed(t['margin'], digits) if t['margin'] is not None else '–'} | {t['note']} |")
        out.append("")
    if records:
        out += ["## Records (SQLite sink, counted after a graceful stop)", "",
                "| gateway run | rows | outcomes | completed through it | expected exactly | stop took |",
                "|---|--:|---|--:|--:|--:|"]
        for r in records:
            out.append(f"| {r['scenario']} | {r['rows']} | {', '.join(f'{k}: {v}' for k, v in sorted(r['outcomes'].items()))} "
                       f"| {r['requests_completed']} | {r['exact_expected'] if r['exact_expected'] is not None else '≥ completed'} "
                       f"| {r['stop_seconds']:.1f} s |")
        out.append("")
    out.append("## Validation")
    out.append("")
    if problems:
        out += [f"- {p}" for p in problems]
    else:
        out.append("Every response and stream through every target was valid (tokens, usage, terminal event, "
                   "dialect)" + (" (recording off)." if meta.get("no_recording") else ", and no record was lost."))
    out.append("")
    return "\n".join(out)


# ---- main ------------------------------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="every scenario tiny; validate, assert no time")
    parser.add_argument("--bin-dir", type=Path, required=True, help="where lessllm, the plugins and the bench tools are")
    parser.add_argument("--build", default="?", help="debug or release (for the report)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds per case")
    parser.add_argument("--wrk-seconds", type=int, help="seconds per wrk run")
    parser.add_argument("--only", default="nonstream,paced,streams500,streams10k",
                        help="comma-separated scenarios: nonstream, paced, streams500, streams10k")
    parser.add_argument("--out", type=Path, default=BENCH / "results")
    parser.add_argument("--command", default=" ".join(sys.argv), help="the command to print in the report")
    parser.add_argument("--keep", action="store_true", help="keep the run folder (configs, logs, databases)")
    parser.add_argument("--no-recording", action="store_true",
                        help="run the gateway without sinks (to measure what recording costs); no record checks")
    args = parser.parse_args()

    profile = dict(PROFILES["smoke" if args.smoke else "full"])
    if args.rounds:
        profile["rounds"] = args.rounds
        for key in ("s500", "s10k"):
            profile[key] = dict(profile[key], rounds=min(profile[key]["rounds"], args.rounds))
    if args.wrk_seconds:
        profile["wrk_seconds"] = args.wrk_seconds
    scenarios = [s.strip() for s in args.only.split(",") if s.strip()]
    tools = Tools(args.bin_dir.resolve())
    for binary in (tools.lessllm, tools.upstream, tools.streams):
        if not binary.exists():
            print(f"bench: {binary} is missing (build it first, or pass --bin-dir)", file=sys.stderr)
            return 2
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            print(f"bench: {tool} is not installed (bench/run installs it)", file=sys.stderr)
            return 2
    os.environ["PATH"] = os.environ.get("PATH", "") + ":/usr/sbin"

    fd_limit = raise_fd_limit()
    if "streams10k" in scenarios and fd_limit < 2 * profile["s10k"]["streams"] + 1000:
        log(f"warning: RLIMIT_NOFILE is {fd_limit}; {profile['s10k']['streams']} streams need about "
            f"{2 * profile['s10k']['streams'] + 1000} descriptors in the gateway")

    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + ("-smoke" if args.smoke else "")
    args.out.mkdir(parents=True, exist_ok=True)
    jsonl_path, md_path = args.out / f"{stamp}.jsonl", args.out / f"{stamp}.md"
    run_dir = Path(tempfile.mkdtemp(prefix="lessllm-bench-"))
    os.chmod(run_dir, 0o755)

    def on_signal(signum, _frame):
        stop_everything()
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    bench = Bench(args, profile, tools, run_dir, jsonl_path)
    started = time.monotonic()
    meta = {"type": "meta", "started": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "command": args.command, "mode": "smoke" if args.smoke else "full", "build": args.build,
            "no_recording": args.no_recording,
            "rounds": profile["rounds"], "profile": profile, "paced_model": profile["paced_model"],
            "machine": machine_info(tools, args.build), "fd_limit": fd_limit}
    bench.emit(meta)
    log(f"{meta['mode']} run, {args.build} binaries from {tools.bin_dir}; results in {jsonl_path}")
    status = 0
    try:
        bench.start_mock()
        bench.start_nginx()
        log(f"mock on {bench.mock.port}, nginx on {bench.nginx.port}")
        if "nonstream" in scenarios or "paced" in scenarios:
            bench.start_gateway()
            log(f"gateway on {bench.gateway.port}")
            bench.warm_up()
            if "nonstream" in scenarios:
                bench.nonstream()
            if "paced" in scenarios:
                bench.paced()
            bench.stop_gateway(exact=None, ok_streams=None, label="nonstream+paced")
        if "streams500" in scenarios:
            bench.concurrent("s500", "streams500")
        if "streams10k" in scenarios:
            bench.concurrent("s10k", "streams10k")
    except Exception as error:  # noqa: BLE001 - report what ran, then fail
        bench.problem(f"the run stopped: {error}")
        status = 1
    finally:
        stop_everything()
    meta["duration_s"] = time.monotonic() - started
    meta["machine"]["loadavg_end"] = os.getloadavg()
    targets = [] if args.smoke else evaluate_targets(bench.cases, bench.records)
    for t in targets:
        bench.emit({"type": "target", **t})
    report = markdown(meta, bench.cases, targets, bench.records, bench.problems)
    bench.emit({"type": "end", "duration_s": meta["duration_s"], "problems": bench.problems})
    bench.jsonl.close()
    md_path.write_text(report)
    print(report)
    log(f"wrote {md_path} and {jsonl_path}")
    if args.keep:
        log(f"run folder kept: {run_dir}")
    else:
        shutil.rmtree(run_dir, ignore_errors=True)
    if bench.problems:
        log(f"{len(bench.problems)} problem(s); see the Validation section")
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
