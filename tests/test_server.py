"""The HTTP API through FastAPI's TestClient: real app, real analyze, no mocks."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="needs the server extra: pip install 'spamscalpel[server]'")
pytest.importorskip("httpx", reason="TestClient needs httpx")

from fastapi.testclient import TestClient  # noqa: E402

from spamscalpel.server import ServerSettings, create_app  # noqa: E402

SPAMMY = "Our clinic is open daily. Buy cheap viagra online with no prescription today."
CLEAN = "The weather in Lisbon was mild this spring, and the trams ran on time."


@pytest.fixture(scope="module")
def client():
    app = create_app(ServerSettings(max_body_bytes=50_000, max_batch=5, timeout_s=10.0, pool_threads=2))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _check_report(r: dict) -> None:
    assert set(r) >= {"id", "verdict", "score", "spans"}
    assert 0.0 <= r["score"] <= 1.0
    for s in r["spans"]:
        assert set(s) >= {"start", "end", "text", "category", "score", "evidence"}


def test_scan_spammy_text_finds_spans_with_exact_offsets(client):
    res = client.post("/v1/scan", json={"id": "a1", "text": SPAMMY})
    assert res.status_code == 200
    r = res.json()
    _check_report(r)
    assert r["id"] == "a1"
    assert r["verdict"] in ("injected", "spam_page")
    assert r["spans"]
    for s in r["spans"]:
        assert SPAMMY[s["start"] : s["end"]] == s["text"]
    assert any("viagra" in s["text"].lower() for s in r["spans"])


def test_scan_clean_text_is_clean(client):
    r = client.post("/v1/scan", json={"text": CLEAN}).json()
    _check_report(r)
    assert r["verdict"] == "clean"
    assert r["spans"] == []
    assert "error" not in r and "meta" not in r  # extension keys absent, never null


def test_scan_html_offsets_index_the_raw_html(client):
    html = "<html><body><p>Good article.</p><p>payday loans fast</p></body></html>"
    r = client.post("/v1/scan", json={"html": html}).json()
    _check_report(r)
    for s in r["spans"]:
        assert html[s["start"] : s["end"]] == s["text"]


def test_threshold_option_is_validated(client):
    res = client.post("/v1/scan", json={"text": SPAMMY, "options": {"threshold": 7}})
    assert res.status_code == 422
    assert "threshold" in res.json()["message"]


def test_clean_returns_report_cleaned_text_and_removed_pieces(client):
    res = client.post("/v1/clean", json={"text": SPAMMY, "options": {"policy": "span"}})
    assert res.status_code == 200, res.text
    body = res.json()
    _check_report(body["report"])
    assert body["policy"] == "span"
    assert "viagra" not in body["cleaned"].lower()
    assert "clinic" in body["cleaned"]
    assert body["removed"]
    for piece in body["removed"]:
        assert SPAMMY[piece["start"] : piece["end"]] == piece["text"]


def test_clean_leaves_clean_text_alone(client):
    body = client.post("/v1/clean", json={"text": CLEAN}).json()
    assert body["cleaned"] == CLEAN
    assert body["removed"] == []


def test_batch_accounts_for_every_document_and_isolates_bad_ones(client):
    docs = [
        {"id": "spam", "text": SPAMMY},
        {"id": "bad-field", "txt": "typo"},
        {"id": "both", "text": "a", "html": "<p>b</p>"},
        {"id": "clean", "text": CLEAN},
        {"id": "wrong-type", "text": 42},
    ]
    res = client.post("/v1/scan/batch", json={"documents": docs})
    assert res.status_code == 200
    body = res.json()
    assert body["count"] == len(docs) == len(body["results"])
    assert [r["id"] for r in body["results"]] == [d["id"] for d in docs]
    assert body["errors"] == 3
    by_id = {r["id"]: r for r in body["results"]}
    assert by_id["spam"]["verdict"] in ("injected", "spam_page")
    assert by_id["clean"]["verdict"] == "clean"
    assert by_id["bad-field"]["verdict"] == "error"
    assert "txt" in by_id["bad-field"]["error"] and "bad-field" in by_id["bad-field"]["error"]
    assert "exactly one" in by_id["both"]["error"]


def test_batch_size_is_bounded(client):
    res = client.post("/v1/scan/batch", json={"documents": [{"text": "x"}] * 6})
    assert res.status_code == 422
    assert "documents" in res.json()["message"] and "at most 5" in res.json()["message"]


def test_health(client):
    res = client.get("/v1/health")
    assert res.status_code == 200
    assert res.json()["status"] == "ok"


def test_oversized_body_gets_413_with_readable_json(client):
    res = client.post("/v1/scan", json={"text": "word " * 20_000})
    assert res.status_code == 413
    body = res.json()
    assert body["error"] == "body_too_large"
    assert "50,000 bytes" in body["message"]


def test_oversized_chunked_body_gets_413_without_content_length(client):
    def chunks():
        yield b'{"text": "'
        for _ in range(100):
            yield b"x" * 1000
        yield b'"}'

    res = client.post("/v1/scan", content=chunks(), headers={"content-type": "application/json"})
    assert res.status_code == 413


def test_malformed_json_gets_422_with_readable_message(client):
    res = client.post(
        "/v1/scan", content=b'{"text": "unterminated', headers={"content-type": "application/json"}
    )
    assert res.status_code == 422
    body = res.json()
    assert body["error"] == "invalid_request"
    assert "malformed JSON" in body["message"]


@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        ({"txt": "typo"}, "txt: unknown field"),
        ({}, 'exactly one of "text" or "html"'),
        ({"text": "a", "html": "b"}, 'exactly one of "text" or "html"'),
        ({"text": 5}, "text:"),
        ({"text": None}, "text:"),
        ([1, 2], "body"),
    ],
)
def test_wrong_fields_get_422_naming_the_field(client, payload, needle):
    res = client.post("/v1/scan", json=payload)
    assert res.status_code == 422
    assert needle in res.json()["message"]


def test_unknown_route_is_404_and_server_stays_up_after_errors(client):
    assert (
        client.post("/v1/scan", content=b"\xff\xfe", headers={"content-type": "application/json"}).status_code
        == 422
    )
    assert client.get("/no/such/thing").status_code == 404
    assert client.post("/v1/scan", json={"text": "x" * 60_000}).status_code == 413
    res = client.post("/v1/scan", json={"text": SPAMMY})
    assert res.status_code == 200 and res.json()["spans"]
    assert client.get("/v1/health").status_code == 200


def test_metrics_in_prometheus_text_format(client):
    client.post("/v1/scan", json={"text": SPAMMY})
    client.post("/v1/scan", content=b"{", headers={"content-type": "application/json"})
    res = client.get("/metrics")
    assert res.status_code == 200
    assert res.headers["content-type"].startswith("text/plain")
    text = res.text
    assert "# TYPE spamscalpel_http_requests_total counter" in text
    # prometheus-client writes labels in name order.
    assert 'spamscalpel_http_requests_total{method="POST",route="/v1/scan",status="200"}' in text
    assert 'spamscalpel_http_requests_total{method="POST",route="/v1/scan",status="422"}' in text
    assert 'spamscalpel_http_request_duration_seconds_bucket{le="+Inf",route="/v1/scan"}' in text
    scanned = next(
        line for line in text.splitlines() if line.startswith("spamscalpel_documents_scanned_total ")
    )
    assert float(scanned.split()[1]) >= 1
    pharma = next(line for line in text.splitlines() if 'spans_found_total{category="pharma"}' in line)
    assert float(pharma.split()[1]) >= 1
    # Every sample line is "name{labels} value" with a numeric value.
    for line in text.splitlines():
        if line and not line.startswith("#"):
            float(line.rsplit(" ", 1)[1])


def test_web_page_and_assets_are_served(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert 'id="input"' in page.text and "/static/app.js" in page.text
    assert "http://" not in page.text and "https://" not in page.text  # works offline
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/style.css").status_code == 200


def test_openapi_documents_every_route(client):
    spec = client.get("/openapi.json").json()
    for path in ("/v1/scan", "/v1/clean", "/v1/scan/batch", "/v1/health", "/metrics"):
        assert path in spec["paths"]
    assert client.get("/docs").status_code == 200


def test_docs_work_offline_with_local_swagger_ui(client):
    pytest.importorskip("swagger_ui_bundle", reason="offline /docs needs swagger-ui-bundle (server extra)")
    page = client.get("/docs").text
    assert "/docs-assets/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200


def heavy_batch(n: int = 100, copies: int = 6) -> dict:
    """A batch that takes seconds to analyse on any machine (100 varied pages of ~15 KB each)."""
    from importlib.resources import files

    page = (files("spamscalpel") / "examples" / "allotment.html").read_text(encoding="utf-8") * copies
    docs = [{"id": f"p{i}", "html": page.replace("allotment", f"allotment {i}")} for i in range(n)]
    return {"documents": docs}


def _wait_for_pool(c, size: int) -> dict:
    import time

    for _ in range(600):  # a replaced process needs a moment to start; bounded, not timed
        health = c.get("/v1/health").json()
        if len(health["pool_pids"]) == size:
            return health
        time.sleep(0.05)
    raise AssertionError(f"the pool never got back to {size} processes: {health}")


def test_timeout_gives_504_json_and_only_the_stuck_process_is_replaced():
    app = create_app(ServerSettings(timeout_s=0.25, pool_threads=2, max_body_bytes=3_000_000))
    with TestClient(app, raise_server_exceptions=False) as c:
        before = _wait_for_pool(c, 2)["pool_pids"]
        res = c.post("/v1/scan/batch", json=heavy_batch())
        assert res.status_code == 504
        assert res.json()["error"] == "timeout"
        assert c.get("/v1/health").status_code == 200
        after = _wait_for_pool(c, 2)
        assert after["pool_restarts"] == 1
        assert len(set(before) & set(after["pool_pids"])) == 1  # the idle process was left alone
        assert c.post("/v1/scan", json={"text": SPAMMY}).status_code == 200


def test_busy_pool_gives_503_json():
    app = create_app(ServerSettings(max_pending=0))
    with TestClient(app, raise_server_exceptions=False) as c:
        res = c.post("/v1/scan", json={"text": SPAMMY})
        assert res.status_code == 503
        assert res.json()["error"] == "busy"
