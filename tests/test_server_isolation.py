"""A real ``spamscalpel serve`` (uvicorn, two workers): requests that overrun, slow clients.

Issue 15 item 2: eight heavy requests used to hold the GIL in both workers until uvicorn's
supervisor killed them, dropping every request in flight; no 504 was ever sent.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("uvicorn", reason="needs the server extra: pip install 'spamscalpel[server]'")

from test_server import SPAMMY, heavy_batch  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> set[int]:
    try:
        return {int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:
        pytest.skip("needs /proc to list the server's worker processes")


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.load(r)


def _post(url: str, payload: dict) -> tuple[int, dict]:
    req = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"content-type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT / "src"),
        SPAMSCALPEL_HEADER_TIMEOUT="1",
        SPAMSCALPEL_BODY_TIMEOUT="1",
    )
    cmd = [sys.executable, "-m", "spamscalpel", "serve", "--port", str(port), "--workers", "2",
           "--threads", "2", "--timeout", "0.25", "--max-body", "3000000", "--log-level", "error"]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            if proc.poll() is not None:
                pytest.fail(f"server exited: {proc.stderr.read().decode(errors='replace')}")
            try:
                _get(f"{base}/v1/health")
                break
            except OSError:
                time.sleep(0.1)
        yield proc, base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_overrunning_requests_get_504_and_no_server_worker_dies(server):
    proc, base = server
    workers = _children(proc.pid)
    assert len(workers) >= 2
    batch = heavy_batch()
    with ThreadPoolExecutor(8) as ex:
        answers = list(ex.map(lambda _: _post(f"{base}/v1/scan/batch", batch), range(8)))
    assert [status for status, _ in answers] == [504] * 8
    assert all(body["error"] == "timeout" for _, body in answers)
    assert _children(proc.pid) == workers, "a server worker process was restarted"
    # The 39 KB regex bomb (C code holding the GIL for minutes before the fix): answered
    # either way, 504 while it is a bomb, a report once the regex is fixed, and no worker dies.
    bomb = {"text": "qq." * 13_000 + " .com"}
    with ThreadPoolExecutor(8) as ex:
        answers = list(ex.map(lambda _: _post(f"{base}/v1/scan", bomb), range(8)))
    assert {status for status, _ in answers} <= {200, 504}
    assert _children(proc.pid) == workers, "a server worker process was restarted"
    latest: dict[int, dict] = {}
    for _ in range(1000):  # until both workers say their pools are whole again (bounded)
        h = _get(f"{base}/v1/health")
        latest[h["pid"]] = h
        if len(latest) == 2 and all(len(x["pool_pids"]) == 2 for x in latest.values()):
            break
        time.sleep(0.02)
    assert len(latest) == 2 and set(latest) <= workers  # both uvicorn workers, the same processes
    assert sum(x["pool_restarts"] for x in latest.values()) >= 1  # requests that only queued kill nothing
    status, report = _post(f"{base}/v1/scan", {"text": SPAMMY})
    assert status == 200 and report["spans"]
    assert _children(proc.pid) == workers


def _port_of(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


def test_a_request_head_that_trickles_in_is_cut_off(server):
    _proc, base = server
    with socket.create_connection(("127.0.0.1", _port_of(base)), timeout=0.3) as sock:
        sock.sendall(b"POST /v1/scan HTTP/1.1\r\nHost: localhost\r\n")
        got = b""
        for _ in range(100):  # one header byte every 0.3 s: never a complete head
            try:
                sock.sendall(b"X")
            except OSError:
                break
            try:
                chunk = sock.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                break
            if not chunk:
                break
            got += chunk
        assert got.startswith(b"HTTP/1.1 408"), got


def test_a_body_that_never_arrives_gets_408(server):
    _proc, base = server
    with socket.create_connection(("127.0.0.1", _port_of(base)), timeout=30) as sock:
        sock.sendall(
            b"POST /v1/scan HTTP/1.1\r\nHost: localhost\r\ncontent-type: application/json\r\n"
            b"content-length: 1000\r\n\r\n" + b'{"text": "only the start'
        )
        got = b""
        while b"\r\n\r\n" not in got or b"}" not in got.split(b"\r\n\r\n", 1)[1]:
            chunk = sock.recv(4096)
            if not chunk:
                break
            got += chunk
    assert got.startswith(b"HTTP/1.1 408"), got
    assert b"body_timeout" in got
