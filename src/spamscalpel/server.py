"""HTTP API and web page: a thin shell over ``analyze`` and ``clean``.

``create_app()`` builds a FastAPI app. Every endpoint answers with ``Report.to_dict()`` (the one
schema the CLI prints). Analysis runs in a pool of worker processes (``workpool.ProcessPool``),
so the event loop stays free to accept requests, answer health checks and enforce limits, and a
request that passes its deadline is answered 504 while only its process is killed and replaced.
Slow clients are cut off too: request heads must arrive within ``header_timeout_s``
(``GuardedH11Protocol``, which ``spamscalpel serve`` runs) and bodies within ``body_timeout_s``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import __version__
from .analyze import Config, analyze
from .types import CATEGORIES, Document, Report
from .workpool import PoolBusy, ProcessPool

WEB_DIR = Path(__file__).resolve().parent / "web"


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """Limits and pool size of one server process; ``from_env`` reads ``SPAMSCALPEL_*`` variables."""

    max_body_bytes: int = 2_000_000
    max_batch: int = 100
    timeout_s: float = 20.0  # hard deadline per request: then 504, and its analysis process is replaced
    pool_threads: int = 4  # analysis processes per server process (the name predates processes)
    max_pending: int = 512  # requests waiting for the pool beyond this get 503 instead of queueing
    header_timeout_s: float = 10.0  # a request head (line and headers) must arrive within this
    body_timeout_s: float = 30.0  # the whole request body must arrive within this, else 408

    @classmethod
    def from_env(cls) -> ServerSettings:
        """Settings from the environment (how ``serve --workers N`` passes them to each worker)."""
        s = cls()
        env = os.environ
        return replace(
            s,
            max_body_bytes=int(env.get("SPAMSCALPEL_MAX_BODY", s.max_body_bytes)),
            max_batch=int(env.get("SPAMSCALPEL_MAX_BATCH", s.max_batch)),
            timeout_s=float(env.get("SPAMSCALPEL_TIMEOUT", s.timeout_s)),
            pool_threads=int(env.get("SPAMSCALPEL_POOL_THREADS", s.pool_threads)),
            max_pending=int(env.get("SPAMSCALPEL_MAX_PENDING", s.max_pending)),
            header_timeout_s=float(env.get("SPAMSCALPEL_HEADER_TIMEOUT", s.header_timeout_s)),
            body_timeout_s=float(env.get("SPAMSCALPEL_BODY_TIMEOUT", s.body_timeout_s)),
        )


# --------------------------------------------------------------------------------------------
# Request and response models. The response models only document the schema (OpenAPI, /docs);
# handlers return Report.to_dict() as-is so optional extension keys stay absent, not null.
# --------------------------------------------------------------------------------------------

_EXACTLY_ONE_INPUT = {"oneOf": [{"required": ["text"]}, {"required": ["html"]}]}


class ScanOptions(BaseModel):
    """Analysis options a caller may set."""

    model_config = ConfigDict(extra="forbid", strict=True)
    threshold: float = Field(0.5, ge=0.0, le=1.0, description="Report candidates scoring at least this.")


class CleanOptions(ScanOptions):
    """Analysis options plus how to cut the spans out."""

    policy: Literal["span", "sentence", "mask"] = Field("span", description="What to remove around a span.")
    min_score: float = Field(0.0, ge=0.0, le=1.0, description="Only remove spans scoring at least this.")


# Fields typed ``str`` with a None default: absent is allowed, an explicit null is not, which
# keeps the schema (oneOf text/html) and the validator in agreement.
class ScanRequest(BaseModel):
    """One document: exactly one of ``text`` (plain text) or ``html`` (raw HTML)."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=_EXACTLY_ONE_INPUT)
    id: str = Field("-", max_length=1000, description="Your id for the document, echoed back.")
    text: str = Field(None, description="Plain text to scan.")  # type: ignore[assignment]
    html: str = Field(None, description="Raw HTML to scan; span offsets index this string.")  # type: ignore[assignment]
    options: ScanOptions = Field(default_factory=ScanOptions)

    @model_validator(mode="after")
    def _exactly_one_input(self) -> ScanRequest:
        if (self.text is None) == (self.html is None):
            raise ValueError('give exactly one of "text" or "html"')
        return self


class CleanRequest(ScanRequest):
    """One document to scan and clean."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=_EXACTLY_ONE_INPUT)
    options: CleanOptions = Field(default_factory=CleanOptions)


class BatchRequest(BaseModel):
    """Up to ``max_batch`` documents; each is checked on its own so one bad one gives an error entry."""

    model_config = ConfigDict(extra="forbid", strict=True)
    documents: list[dict[str, Any]] = Field(
        ..., description='Each like a /v1/scan body: {"id"?, "text" | "html"}; "options" come from the batch.'
    )
    options: ScanOptions = Field(default_factory=ScanOptions)


class EvidenceOut(BaseModel):
    kind: str
    detail: str
    weight: float


class SpanOut(BaseModel):
    start: int
    end: int
    text: str
    category: Literal[CATEGORIES]  # type: ignore[valid-type]
    score: float
    evidence: list[EvidenceOut]
    source: str | None = None
    selector: str | None = None


class ReportOut(BaseModel):
    id: str
    verdict: Literal["clean", "injected", "spam_page", "error"]
    score: float
    spans: list[SpanOut]
    evidence: list[EvidenceOut] | None = None
    error: str | None = None
    meta: dict[str, Any] | None = None


class RemovedOut(BaseModel):
    start: int
    end: int
    text: str


class CleanOut(BaseModel):
    report: ReportOut
    cleaned: str
    removed: list[RemovedOut]
    policy: str


class BatchOut(BaseModel):
    results: list[ReportOut]
    count: int
    errors: int


class HealthOut(BaseModel):
    status: str
    version: str
    uptime_s: float
    pool_threads: int
    pid: int = Field(description="Process id of the server process that answered.")
    pool_pids: list[int] = Field(description="Process ids of its live analysis processes.")
    pool_restarts: int = Field(description="Analysis processes replaced after overrunning the deadline.")


class ErrorOut(BaseModel):
    error: str
    message: str


_ERRORS = {
    408: {"model": ErrorOut, "description": "Request body not received in time"},
    413: {"model": ErrorOut, "description": "Request body too large"},
    503: {"model": ErrorOut, "description": "Server busy"},
    504: {"model": ErrorOut, "description": "Analysis took longer than the time limit"},
}


# --------------------------------------------------------------------------------------------
# Metrics through prometheus-client. Under ``serve --workers N`` every worker writes its samples
# to PROMETHEUS_MULTIPROC_DIR (set by the serve command) and any worker's /metrics sums them all,
# so a scrape sees the whole server whichever worker answers it.
# --------------------------------------------------------------------------------------------

_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def multiprocess_dir() -> str | None:
    """The folder worker processes share their samples through, when one is set."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


class Metrics:
    """Request and analysis metrics of the server, rendered by ``render`` for GET /metrics."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics

        disable_created_metrics()  # no *_created series: they double the scrape and say little
        self.registry = CollectorRegistry(auto_describe=True)
        reg = self.registry
        self._requests = Counter(
            "spamscalpel_http_requests", "HTTP requests by route, method and status.",
            ["route", "method", "status"], registry=reg,
        )  # fmt: skip
        self._latency = Histogram(
            "spamscalpel_http_request_duration_seconds", "Time from request start to response end.",
            ["route"], buckets=_BUCKETS, registry=reg,
        )  # fmt: skip
        self._documents = Counter("spamscalpel_documents_scanned", "Documents analysed.", registry=reg)
        self._doc_errors = Counter(
            "spamscalpel_document_errors", "Documents that could not be analysed.", registry=reg
        )
        self._verdicts = Counter("spamscalpel_verdicts", "Documents by verdict.", ["verdict"], registry=reg)
        self._spans = Counter(
            "spamscalpel_spans_found", "Injected spans reported, by category.", ["category"], registry=reg
        )
        for cat in CATEGORIES:
            self._spans.labels(category=cat)  # every category shows, at zero until seen
        self._in_flight_gauge = Gauge(
            "spamscalpel_requests_in_flight", "Requests being handled now.",
            multiprocess_mode="livesum", registry=reg,
        )  # fmt: skip
        self._in_flight = 0

    @property
    def in_flight(self) -> int:
        """Requests this process is handling now (the gauge sums every worker's)."""
        return self._in_flight

    @in_flight.setter
    def in_flight(self, value: int) -> None:
        self._in_flight_gauge.inc(value - self._in_flight)
        self._in_flight = value

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        self._requests.labels(route=route, method=method, status=str(status)).inc()
        self._latency.labels(route=route).observe(seconds)

    def observe_report(self, report: Report) -> None:
        self._documents.inc()
        self._verdicts.labels(verdict=report.verdict).inc()
        if report.error is not None:
            self._doc_errors.inc()
        for span in report.spans:
            self._spans.labels(category=span.category).inc()

    def render(self) -> str:
        """The Prometheus text exposition: of every worker in multiprocess mode, else of this one."""
        from prometheus_client import CollectorRegistry, generate_latest

        if multiprocess_dir():
            from prometheus_client import multiprocess

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry).decode("utf-8")
        return generate_latest(self.registry).decode("utf-8")


# --------------------------------------------------------------------------------------------
# ASGI guard: body size limit (checked while reading, never buffering past the limit) + metrics.
# --------------------------------------------------------------------------------------------


async def _send_json(send: Callable, status: int, payload: dict[str, Any]) -> None:
    body = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    # The client may still be sending; closing tells it we stopped reading.
    headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """Wraps the app: rejects oversized bodies with 413 and records request metrics."""

    def __init__(self, app: Any, settings: ServerSettings, metrics: Metrics) -> None:
        self.app = app
        self.settings = settings
        self.metrics = metrics
        self.known_paths = {getattr(r, "path", "") for r in getattr(app, "routes", ())}

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.settings.max_body_bytes
        started = time.perf_counter()
        status_box = [500]
        self.metrics.in_flight += 1

        async def send_wrapper(message: dict) -> None:
            if message["type"] == "http.response.start":
                status_box[0] = message["status"]
            await send(message)

        def route_label() -> str:
            route = getattr(scope.get("route"), "path", None)
            if route:
                return route
            path = scope.get("path", "")
            # Requests refused before routing (413) still get their route; unknown paths share
            # one label so scanners probing random URLs cannot blow up the label set.
            if path in self.known_paths:
                return path
            return "/static" if path.startswith("/static/") else "other"

        slow_body = {
            "error": "body_timeout",
            "message": f"the request body did not arrive within {self.settings.body_timeout_s:g} s",
        }
        too_large = {
            "error": "body_too_large",
            "message": f"request body is larger than the limit of {limit:,} bytes; send less text "
            "or split it across requests",
        }
        try:
            declared = dict(scope.get("headers") or []).get(b"content-length")
            if declared is not None and declared.isdigit() and int(declared) > limit:
                await _send_json(send_wrapper, 413, too_large)
                return
            # Read the body here, stopping as soon as it passes the limit (chunked uploads carry
            # no length), then replay it to the app: at most ``limit`` bytes are ever buffered.
            chunks: list[bytes] = []
            received = 0
            more = scope.get("method") in ("POST", "PUT", "PATCH")
            body_deadline = started + self.settings.body_timeout_s
            while more:
                try:
                    message = await asyncio.wait_for(receive(), timeout=body_deadline - time.perf_counter())
                except TimeoutError:  # a slow-loris body: stop waiting for it
                    await _send_json(send_wrapper, 408, slow_body)
                    return
                if message["type"] != "http.request":
                    return  # client went away before sending the whole body
                chunk = message.get("body", b"")
                received += len(chunk)
                if received > limit:
                    await _send_json(send_wrapper, 413, too_large)
                    return
                chunks.append(chunk)
                more = message.get("more_body", False)
            replayed = False

            async def replay() -> dict:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
                return await receive()

            await self.app(scope, replay, send_wrapper)
        finally:
            self.metrics.in_flight -= 1
            self.metrics.observe_request(
                route_label(), scope.get("method", "?"), status_box[0], time.perf_counter() - started
            )


def _guarded_protocol() -> type:
    """uvicorn's h11 protocol with a deadline on each request head (request line and headers).

    uvicorn only times out idle keep-alive connections: a client that sends its headers one byte
    at a time holds a connection, and the memory behind it, for as long as it likes.
    """
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class GuardedH11Protocol(H11Protocol):
        header_timeout_s: float | None = None

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            cls = type(self)
            if cls.header_timeout_s is None:
                cls.header_timeout_s = ServerSettings.from_env().header_timeout_s
            self._head_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.conn.their_state is h11.IDLE:
                self._arm()  # a head has begun (or the next one on a kept-alive connection)
            else:
                self._disarm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            if self._head_timer is None and self.header_timeout_s:
                self._head_timer = self.loop.call_later(self.header_timeout_s, self._head_too_slow)

        def _disarm(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_too_slow(self) -> None:
            self._head_timer = None
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                body = b'{"error":"header_timeout","message":"request head not received in time"}'
                self.transport.write(
                    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
                    b"connection: close\r\ncontent-length: " + str(len(body)).encode() + b"\r\n\r\n" + body
                )
                self.transport.close()

    return GuardedH11Protocol


def __getattr__(name: str) -> Any:
    # Built on first access so that importing this module does not import uvicorn.
    if name == "GuardedH11Protocol":
        cls = _guarded_protocol()
        globals()[name] = cls
        return cls
    raise AttributeError(name)


# --------------------------------------------------------------------------------------------
# The app.
# --------------------------------------------------------------------------------------------


_Busy = PoolBusy  # raised when too many requests wait for the pool; answered 503


# Tasks run in the analysis processes: module-level, so they pickle; each returns the response
# payload and the reports, which the server process counts in its metrics.
log = logging.getLogger("spamscalpel.server")


def _warm_prefilter() -> None:
    """Compile the prefilter database in the background (a first start on a machine takes about a second):
    the server answers at once, on the Python prefilter until the analysis processes find it."""
    try:
        from .detect.compiled import warm_in_background
        from .lexicon import load_lexicon

        warm_in_background(load_lexicon().version)
    except Exception as exc:  # noqa: BLE001 - the Python prefilter gives the same answers
        log.warning("prefilter warm-up failed: %s: %s", type(exc).__name__, exc)


def _warmup() -> None:
    analyze(Document(id="warmup", text="warm up"))


def _scan_task(doc: Document, cfg: Config) -> tuple[dict[str, Any], list[Report]]:
    report = analyze(doc, cfg)
    return report.to_dict(), [report]


def _clean_task(doc: Document, threshold: float, policy: str, min_score: float) -> tuple[dict, list[Report]]:
    from .clean import clean

    report = analyze(doc, Config(threshold=threshold))
    result = clean(doc.text, report, policy=policy, min_score=min_score)
    payload = {
        "report": report.to_dict(),
        "cleaned": result.text,
        "removed": [_removed_to_dict(p) for p in result.removed],
        "policy": policy,
    }
    return payload, [report]


def _batch_task(raw_docs: list[dict[str, Any]], cfg: Config) -> tuple[list[dict[str, Any]], list[Report]]:
    from pydantic import ValidationError

    reports = []
    for i, raw in enumerate(raw_docs):
        doc_id = str(raw.get("id", f"#{i}")) if isinstance(raw, dict) else f"#{i}"
        try:
            if isinstance(raw, dict) and "options" in raw:
                raise ValueError('"options" belong to the batch, not to a document')
            req = ScanRequest.model_validate(raw)
            report = analyze(_document(req), cfg)
        except ValidationError as exc:
            report = Report.for_error(doc_id, f"document {i} ({doc_id}): {_readable_errors(exc.errors())}")
        except Exception as exc:  # one bad document must not fail the batch
            report = Report.for_error(doc_id, f"document {i} ({doc_id}): {type(exc).__name__}: {exc}")
        reports.append(report)
    return [r.to_dict() for r in reports], reports


def _removed_to_dict(piece: Any) -> dict[str, Any]:
    if isinstance(piece, dict):
        return {"start": int(piece["start"]), "end": int(piece["end"]), "text": str(piece["text"])}
    return {"start": int(piece.start), "end": int(piece.end), "text": str(piece.text)}


def _document(req: ScanRequest) -> Document:
    if req.html is not None:
        return Document(id=req.id, text=req.html, format="html")
    return Document(id=req.id, text=req.text)


def _local_swagger_ui() -> str | None:
    """Directory of a locally installed Swagger UI (swagger-ui-bundle package), if any."""
    try:
        import swagger_ui_bundle
    except ImportError:
        return None
    path = Path(swagger_ui_bundle.swagger_ui_path)
    return str(path) if (path / "swagger-ui-bundle.js").exists() else None


def _readable_errors(errors: list[dict[str, Any]]) -> str:
    parts = []
    for e in errors:
        loc = [str(p) for p in e.get("loc", ()) if p != "body"]
        where = ".".join(loc) or "body"
        msg = str(e.get("msg", "invalid"))
        if e.get("type") == "json_invalid":
            ctx = e.get("ctx") or {}
            msg = f"malformed JSON: {ctx.get('error', msg)}"
            where = f"body (character {loc[0]})" if loc else "body"
        elif e.get("type") == "extra_forbidden":
            msg = "unknown field"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        parts.append(f"{where}: {msg}")
    return "; ".join(parts)


def create_app(settings: ServerSettings | None = None) -> Any:
    """Build the ASGI app (FastAPI routes wrapped in the body-size and metrics guard)."""
    from contextlib import asynccontextmanager

    settings = settings or ServerSettings.from_env()
    metrics = Metrics()
    started_at = time.time()
    pool_lock = asyncio.Lock()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Start the analysis processes (each loads lexicons/models once) before the first request.
        pool = await _pool()
        yield
        # A fresh pool is made if the app is started again (test harnesses run lifespan per test).
        app.state.pool = None
        await pool.close()

    docs_dir = _local_swagger_ui()
    app = FastAPI(
        # With the swagger-ui-bundle package, /docs is served from local files (works offline);
        # without it, FastAPI's default page loads Swagger UI from a CDN.
        docs_url=None if docs_dir else "/docs",
        redoc_url=None if docs_dir else "/redoc",
        title="spamscalpel",
        version=__version__,
        description="Find, explain and cut out injected SEO spam. Every response carries the same report "
        "schema as `spamscalpel scan`.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.pool = None

    async def _pool() -> ProcessPool:
        # Made on first use too, so the app also works where no lifespan events are sent.
        async with pool_lock:
            if app.state.pool is None:
                _warm_prefilter()
                pool = ProcessPool(settings.pool_threads, settings.max_pending, warmup=_warmup)
                await pool.start()
                app.state.pool = pool
        return app.state.pool

    async def run_in_pool(fn: Callable[..., Any], *args: Any) -> Any:
        deadline = time.monotonic() + settings.timeout_s
        pool = app.state.pool or await _pool()
        # On timeout the pool kills the process still working on it: 504 here, nothing left behind.
        payload, reports = await pool.run(fn, *args, deadline=deadline)
        for report in reports:
            metrics.observe_report(report)
        return payload

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        detail = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type", "")}
            for e in errors
        ]
        return JSONResponse(
            status_code=422,
            content={"error": "invalid_request", "message": _readable_errors(errors), "detail": detail},
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # FastAPI says 400 for a body it cannot decode (not UTF-8); to callers that is the
            # same mistake as malformed JSON, so it gets the same 422.
            return JSONResponse(
                status_code=422,
                content={
                    "error": "invalid_request",
                    "message": "malformed JSON: the body is not valid UTF-8 JSON",
                    "detail": [],
                },
            )
        return JSONResponse(
            status_code=exc.status_code,
            content={"error": f"http_{exc.status_code}", "message": str(exc.detail)},
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(_Busy)
    async def _busy(request: Request, exc: _Busy) -> JSONResponse:
        return JSONResponse(
            status_code=503,
            content={"error": "busy", "message": "too many requests are waiting for analysis; retry shortly"},
            headers={"retry-after": "1"},
        )

    @app.exception_handler(asyncio.TimeoutError)
    async def _timeout(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(
            status_code=504,
            content={"error": "timeout", "message": f"analysis took longer than {settings.timeout_s:g} s"},
        )

    @app.exception_handler(ValueError)
    async def _bad_value(request: Request, exc: ValueError) -> JSONResponse:
        # analyze() raises ValueError for input it refuses (too long, bad format).
        return JSONResponse(
            status_code=422, content={"error": "invalid_document", "message": str(exc), "detail": []}
        )

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(
            status_code=500, content={"error": "internal", "message": f"{type(exc).__name__}: {exc}"}
        )

    @app.post("/v1/scan", response_model=ReportOut, responses=_ERRORS, tags=["analysis"])
    async def scan(req: ScanRequest) -> JSONResponse:
        """Scan one document and return its report."""
        result = await run_in_pool(_scan_task, _document(req), Config(threshold=req.options.threshold))
        return JSONResponse(result)

    @app.post("/v1/clean", response_model=CleanOut, responses=_ERRORS, tags=["analysis"])
    async def clean_endpoint(req: CleanRequest) -> JSONResponse:
        """Scan one document, cut the spans out, and return the report, the cleaned text and what was removed."""
        opts = req.options
        result = await run_in_pool(_clean_task, _document(req), opts.threshold, opts.policy, opts.min_score)
        return JSONResponse(result)

    # The bound lives in the schema (maxItems), so /docs shows it and validation enforces it.
    SizedBatch = create_model(
        "BatchRequest",
        __base__=BatchRequest,
        documents=(
            list[dict[str, Any]],
            Field(
                ...,
                max_length=settings.max_batch,
                description=f'At most {settings.max_batch}, each like a /v1/scan body: {{"id"?, "text" | "html"}}; '
                '"options" come from the batch.',
            ),
        ),
    )

    async def scan_batch_endpoint(req: BatchRequest) -> JSONResponse:
        """Scan up to max_batch documents; a bad document gives an error entry, not a failed batch."""
        results = await run_in_pool(_batch_task, req.documents, Config(threshold=req.options.threshold))
        errors = sum(1 for r in results if r["verdict"] == "error")
        return JSONResponse({"results": results, "count": len(results), "errors": errors})

    # The model is local to this app, so the (string) annotation is swapped for the class itself.
    scan_batch_endpoint.__annotations__["req"] = SizedBatch
    app.post("/v1/scan/batch", response_model=BatchOut, responses=_ERRORS, tags=["analysis"])(
        scan_batch_endpoint
    )

    @app.get("/v1/health", response_model=HealthOut, tags=["ops"])
    async def health() -> dict[str, Any]:
        """Liveness: answers without touching the analysis pool."""
        pool = app.state.pool
        return {
            "status": "ok",
            "version": __version__,
            "uptime_s": round(time.time() - started_at, 3),
            "pool_threads": settings.pool_threads,
            "pid": os.getpid(),
            "pool_pids": pool.pids if pool is not None else [],
            "pool_restarts": pool.restarts if pool is not None else 0,
        }

    @app.get("/metrics", response_class=PlainTextResponse, tags=["ops"])
    async def metrics_endpoint() -> PlainTextResponse:
        """Prometheus metrics in the text exposition format."""
        return PlainTextResponse(metrics.render(), media_type=METRICS_CONTENT_TYPE)

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html", media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
    if docs_dir:
        from fastapi.openapi.docs import get_swagger_ui_html

        app.mount("/docs-assets", StaticFiles(directory=docs_dir), name="docs-assets")

        @app.get("/docs", include_in_schema=False)
        async def docs() -> Any:
            return get_swagger_ui_html(
                openapi_url="/openapi.json",
                title="spamscalpel API",
                swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                swagger_css_url="/docs-assets/swagger-ui.css",
                swagger_favicon_url="/docs-assets/favicon-32x32.png",
            )

    outer = Guard(app, settings, metrics)
    # Let callers reach the FastAPI object (TestClient lifespan, openapi()).
    outer.fastapi = app  # type: ignore[attr-defined]
    return outer
