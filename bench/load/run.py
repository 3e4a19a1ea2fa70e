"""Bounded load run against a local spamscalpel server: req/s, p50/p99 latency, errors.

Starts ``spamscalpel serve`` on a free 127.0.0.1 port, drives POST /v1/scan with wrk (Debian
package ``wrk``) or, where wrk is absent, a small asyncio+httpx generator, then writes a JSON
result to bench/out/ and prints it. Usage:

    .venv/bin/python bench/load/run.py [--connections 50] [--duration 30] [--workers 2]
    .venv/bin/python bench/load/run.py --bombs 4 --timeout 2   # issue 15: bombs among normal traffic

With ``--bombs N``, N more connections send hostile documents (the issue's time bombs) in a loop
alongside the normal traffic; the result reports normal latency apart from the bombs' answers,
and how many server worker processes were restarted (compare p99 with a run without bombs).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
OUT = REPO / "bench" / "out"

# A page-sized document (about 2 KB): ordinary prose with one injected sentence.
PAYLOAD_TEXT = (
    "Our bakery has served the neighbourhood since 1962. Every morning we bake sourdough, rye and "
    "seeded loaves, and on Saturdays the queue reaches the corner. Buy cheap viagra online no "
    "prescription. The ovens were rebuilt last winter by a local mason who also restored the chimney. "
    "Customers often ask about our starter: it is older than most of our staff and is fed twice a day "
    "with stone-ground flour from a mill upriver. We close on Mondays so the team can rest, and in "
    "August for two weeks of holiday. "
) * 4


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Hostile documents (issue 15): each was seconds to minutes of analysis at 10-40 KB.
BOMBS = (
    "qq." * 13_000 + " .com",
    "viagra, " * 5000,
    "buy cheap viagra online " * 1600,
    "<script>" + "a" * 40_000 + "</script>",
)


def _children(pid: int) -> set[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as fh:
            return {int(x) for x in fh.read().split()}
    except OSError:
        return set()


def start_server(port: int, workers: int, threads: int, timeout: float = 20.0) -> subprocess.Popen:
    """Start ``spamscalpel serve`` and wait until /v1/health answers."""
    env = dict(os.environ, PYTHONPATH=str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    cmd = [sys.executable, "-m", "spamscalpel", "serve", "--port", str(port), "--workers", str(workers),
           "--threads", str(threads), "--timeout", str(timeout), "--log-level", "error"]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(
                f"server exited with {proc.returncode}: {proc.stderr.read().decode(errors='replace')}"
            )
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("server did not answer /v1/health within 90 s")


def _ms(value: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value.strip())
    if not m:
        return float("nan")
    n, unit = float(m.group(1)), m.group(2)
    return n * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(url: str, body_file: str, connections: int, duration: int, threads: int) -> dict:
    """Drive the server with wrk and parse its summary."""
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s",
           "-s", str(HERE / "post.lua"), url]  # fmt: skip
    res = subprocess.run(
        cmd, capture_output=True, text=True, env=dict(os.environ, SPAMSCALPEL_BODY_FILE=body_file)
    )
    out = res.stdout
    if res.returncode != 0:
        raise SystemExit(f"wrk failed ({res.returncode}): {res.stderr}")
    lat = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    socket_errors = sum(int(x) for x in sock.groups()) if sock else 0
    return {
        "tool": "wrk",
        "requests": total,
        "req_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _ms(lat.get("50", "nan")),
        "p90_ms": _ms(lat.get("90", "nan")),
        "p99_ms": _ms(lat.get("99", "nan")),
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": socket_errors,
        "errors": (int(non2xx.group(1)) if non2xx else 0) + socket_errors,
        "raw": out,
    }


async def _python_load(url: str, body: bytes, connections: int, duration: int, bombs: int = 0) -> dict:
    import httpx

    latencies: list[float] = []
    statuses: dict[int, int] = {}
    bomb_statuses: dict[str, int] = {}
    failures = 0
    stop = time.monotonic() + duration
    total = connections + bombs
    limits = httpx.Limits(max_connections=total, max_keepalive_connections=total)
    bomb_bodies = [json.dumps({"id": f"bomb{i}", "text": b}).encode() for i, b in enumerate(BOMBS)]
    async with httpx.AsyncClient(limits=limits, timeout=60.0) as client:

        async def bomber(k: int) -> None:
            i = k
            while time.monotonic() < stop:
                i += 1
                try:
                    r = await client.post(
                        url,
                        content=bomb_bodies[i % len(bomb_bodies)],
                        headers={"content-type": "application/json"},
                    )
                    key = str(r.status_code)
                except httpx.HTTPError as exc:
                    key = type(exc).__name__
                bomb_statuses[key] = bomb_statuses.get(key, 0) + 1

        async def worker() -> None:
            nonlocal failures
            while time.monotonic() < stop:
                t0 = time.perf_counter()
                try:
                    r = await client.post(url, content=body, headers={"content-type": "application/json"})
                    statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
                    latencies.append((time.perf_counter() - t0) * 1000)
                except httpx.HTTPError:
                    failures += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)), *(bomber(k) for k in range(bombs)))
        elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else float("nan")

    non2xx = sum(n for s, n in statuses.items() if s >= 300)
    return {
        "tool": "python-httpx",
        "requests": len(latencies),
        "req_per_s": round(len(latencies) / elapsed, 2),
        "p50_ms": round(pct(0.50), 2),
        "p90_ms": round(pct(0.90), 2),
        "p99_ms": round(pct(0.99), 2),
        "non_2xx": non2xx,
        "socket_errors": failures,
        "errors": non2xx + failures,
        "statuses": statuses,
        "bomb_connections": bombs,
        "bomb_answers": bomb_statuses,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--duration", type=int, default=30, help="seconds (bounded: at most 120)")
    ap.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    ap.add_argument("--threads", type=int, default=4, help="analysis threads per worker")
    ap.add_argument("--path", default="/v1/scan", help="endpoint to load (POST)")
    ap.add_argument("--tool", choices=("auto", "wrk", "python"), default="auto")
    ap.add_argument("--bombs", type=int, default=0, help="extra connections sending time bombs (python tool)")
    ap.add_argument(
        "--timeout", type=float, default=20.0, help="server per-request deadline (serve --timeout)"
    )
    args = ap.parse_args()
    duration = max(1, min(args.duration, 120))

    body = json.dumps({"id": "load", "text": PAYLOAD_TEXT}).encode()
    port = _free_port()
    url = f"http://127.0.0.1:{port}{args.path}"
    server = start_server(port, args.workers, args.threads, args.timeout)
    workers_before = _children(server.pid)
    try:
        # One request first: it must succeed, or the run would only measure errors.
        req = urllib.request.Request(url, data=body, headers={"content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            sample = json.load(r)
        use_wrk = not args.bombs and (args.tool == "wrk" or (args.tool == "auto" and shutil.which("wrk")))
        if use_wrk:
            with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as fh:
                fh.write(body)
            try:
                result = run_wrk(url, fh.name, args.connections, duration, threads=2)
            finally:
                os.unlink(fh.name)
        else:
            result = asyncio.run(_python_load(url, body, args.connections, duration, args.bombs))
        workers_after = _children(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()

    result.update(
        {
            "endpoint": args.path,
            "connections": args.connections,
            "duration_s": duration,
            "server_workers": args.workers,
            "threads_per_worker": args.threads,
            "server_timeout_s": args.timeout,
            "worker_restarts": len(workers_before - workers_after),
            "payload_chars": len(PAYLOAD_TEXT),
            "sample_verdict": sample.get("verdict"),
            "sample_spans": len(sample.get("spans", [])),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    )
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = OUT / f"load-{stamp}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(
        f"{result['tool']}: {args.connections} connections, {duration} s, POST {args.path} "
        f"({len(PAYLOAD_TEXT)} chars), {args.workers} worker(s)\n"
        f"  requests {result['requests']}  req/s {result['req_per_s']}\n"
        f"  p50 {result['p50_ms']} ms  p90 {result['p90_ms']} ms  p99 {result['p99_ms']} ms\n"
        f"  errors {result['errors']} (non-2xx {result['non_2xx']}, socket {result['socket_errors']})\n"
        f"  bombs: {args.bombs} connection(s), answers {result.get('bomb_answers', {})}; "
        f"server worker restarts {result['worker_restarts']}\n"
        f"  written to {path.relative_to(REPO)}"
    )
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
