"""/metrics under ``serve --workers 2`` adds up every worker (prometheus-client multiprocess mode)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("uvicorn", reason="needs the server extra: pip install 'spamscalpel[server]'")
pytest.importorskip("prometheus_client", reason="needs the server extra: pip install 'spamscalpel[server]'")

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    # A fresh connection each time, so the kernel may hand it to either worker.
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read().decode()


def _scanned(text: str) -> float:
    line = next(x for x in text.splitlines() if x.startswith("spamscalpel_documents_scanned_total "))
    return float(line.split()[1])


def test_every_scrape_sees_every_workers_counts():
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "spamscalpel", "serve", "--port", str(port), "--workers", "2", "-q"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90  # start-up wait, not a timing assertion
        while True:
            assert proc.poll() is None, proc.stdout.read().decode(errors="replace")
            try:
                _get(url + "/v1/health")
                break
            except OSError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.3)
        n = 12
        for i in range(n):
            body = json.dumps({"id": f"d{i}", "text": "Our tomatoes love sun. buy cheap viagra online now."})
            req = urllib.request.Request(
                url + "/v1/scan", data=body.encode(), headers={"content-type": "application/json"}
            )
            with urllib.request.urlopen(req, timeout=30) as r:
                assert r.status == 200
        scrapes = [_get(url + "/metrics") for _ in range(10)]
        assert [_scanned(t) for t in scrapes] == [float(n)] * 10
        assert all('spamscalpel_spans_found_total{category="pharma"}' in t for t in scrapes)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
