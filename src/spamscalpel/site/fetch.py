"""One guarded HTTP GET: address checks on every hop, manual redirects, size/time/rate limits."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

from .safety import UnsafeAddressError, check_url

CHROME_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
GOOGLEBOT_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
HTML_TYPES: tuple[str, ...] = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on one crawl. Constructing it does no work."""

    max_pages: int = 50
    max_depth: int = 3
    rate: float = 2.0  # requests per second, all requests of the crawl together
    timeout: float = 10.0  # seconds per request, connect to last byte
    max_bytes: int = 5_000_000  # a longer response body is abandoned
    max_redirects: int = 5
    allow_private: bool = False


@dataclass(frozen=True, slots=True)
class Hop:
    """One redirect response seen while fetching."""

    status: int
    url: str
    location: str

    def to_dict(self) -> dict:
        return {"status": self.status, "url": self.url, "location": self.location}


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one GET returned after redirects; ``text`` is set only for an accepted content type."""

    url: str
    final_url: str
    status: int | None = None
    content_type: str = ""
    hops: tuple[Hop, ...] = ()
    offsite_redirect: str | None = None  # a Location on another host: reported, never followed
    body: bytes = b""
    text: str | None = None
    error: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    @property
    def destination(self) -> str:
        """Where a visitor ends up: the off-site redirect target or the final URL."""
        return self.offsite_redirect or self.final_url


def same_site(a: str, b: str) -> bool:
    """True when two URLs are on the same host (www. and http/https default ports count as same)."""
    pa, pb = urlsplit(a), urlsplit(b)
    if pa.scheme not in ("http", "https") or pb.scheme not in ("http", "https"):
        return False
    ha = (pa.hostname or "").removeprefix("www.")
    hb = (pb.hostname or "").removeprefix("www.")
    if ha != hb:
        return False
    try:
        port_a, port_b = pa.port, pb.port
    except ValueError:
        return False
    default = {None, 80, 443}
    return port_a == port_b or (port_a in default and port_b in default)


def decode_html(body: bytes, content_type: str) -> str:
    """Decode a response body by its declared charset (header, then <meta>), else by detection."""
    from ..charset import decode_body

    return decode_body(body, content_type).text


def _deadline_backend():
    """An httpcore network backend whose every socket read and write ends by ``deadline``.

    httpx timeouts apply to each read, so a server that sends its headers a byte at a time
    keeps a request alive for ever; here each operation gets at most the time left.
    """
    import httpcore
    from httpcore._backends.sync import SyncBackend

    class DeadlineStream(httpcore.NetworkStream):
        def __init__(self, inner: httpcore.NetworkStream, owner: DeadlineBackend) -> None:
            self.inner, self.owner = inner, owner

        def _left(self, timeout: float | None, exc: type[Exception]) -> float:
            left = self.owner.deadline - time.monotonic()
            if left <= 0:
                raise exc(f"the request took longer than {self.owner.budget:g} s")
            return left if timeout is None else min(timeout, left)

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            return self.inner.read(max_bytes, self._left(timeout, httpcore.ReadTimeout))

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self.inner.write(buffer, self._left(timeout, httpcore.WriteTimeout))

        def close(self) -> None:
            self.inner.close()

        def start_tls(self, ssl_context, server_hostname=None, timeout=None):  # noqa: ANN001
            t = self._left(timeout, httpcore.ConnectTimeout)
            return DeadlineStream(self.inner.start_tls(ssl_context, server_hostname, t), self.owner)

        def get_extra_info(self, info: str):  # noqa: ANN201
            return self.inner.get_extra_info(info)

    class DeadlineBackend(SyncBackend):
        deadline = float("inf")
        budget = 0.0

        def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):  # noqa: ANN001
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise httpcore.ConnectTimeout(f"the request took longer than {self.budget:g} s")
            t = left if timeout is None else min(timeout, left)
            return DeadlineStream(super().connect_tcp(host, port, t, local_address, socket_options), self)

    return DeadlineBackend()


class RequestBudgetSpent(Exception):
    """The crawl may send no more requests."""


class Fetcher:
    """Makes guarded GET requests for one crawl and spaces them to the rate limit."""

    def __init__(self, limits: Limits):
        import httpx

        self.limits = limits
        self.min_interval = 1.0 / limits.rate if limits.rate > 0 else 0.0
        self._next_at = 0.0
        self._lock = threading.Lock()
        self.requests = 0
        self.max_requests: int | None = None  # set by the crawler: --max-pages bounds requests too
        # No automatic redirects and no environment proxies: every hop must pass the guard, and the
        # connection must go to the address that was checked.
        self._client = httpx.Client(
            follow_redirects=False, trust_env=False, timeout=httpx.Timeout(limits.timeout)
        )
        # Every request, connect to last byte, ends within ``limits.timeout`` (see _deadline_backend).
        self._backend = _deadline_backend()
        self._backend.budget = limits.timeout
        self._client._transport._pool._network_backend = self._backend

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def slow_down(self, seconds: float) -> None:
        """Never send requests closer together than ``seconds`` (robots.txt Crawl-delay)."""
        self.min_interval = max(self.min_interval, seconds)

    def _wait_turn(self) -> None:
        with self._lock:
            now = time.monotonic()
            wait = self._next_at - now
            self._next_at = max(now, self._next_at) + self.min_interval
        if wait > 0:
            time.sleep(wait)

    def get(
        self, url: str, headers: dict[str, str], accept: tuple[str, ...] | None = HTML_TYPES
    ) -> FetchResult:
        """GET ``url``; follow same-site redirects, each hop checked; read at most ``max_bytes``."""
        hops: list[Hop] = []
        current = url
        for _ in range(self.limits.max_redirects + 1):
            try:
                target = check_url(current, self.limits.allow_private)
            except UnsafeAddressError as exc:
                return FetchResult(url, current, hops=tuple(hops), error=str(exc))
            try:
                status, resp_headers, body, error = self._first_answer(
                    current, target.addresses, headers, accept
                )
            except Exception as exc:  # network failures become a per-page error, never a crash
                why = f"{type(exc).__name__}: {exc}"
                if "Timeout" in type(exc).__name__:
                    why = f"the request took longer than {self.limits.timeout:g} s ({why})"
                return FetchResult(url, current, hops=tuple(hops), error=why)
            location = resp_headers.get("location")
            if 300 <= status < 400 and location:
                nxt = urljoin(current, location.strip())
                hops.append(Hop(status, current, nxt))
                if not same_site(url, nxt):
                    return FetchResult(url, current, status, hops=tuple(hops), offsite_redirect=nxt)
                current = nxt
                continue
            ctype = resp_headers.get("content-type", "")
            if error:
                return FetchResult(url, current, status, ctype, tuple(hops), error=error)
            text = None
            if accept is None or ctype.split(";", 1)[0].strip().lower() in accept:
                text = decode_html(body, ctype)
            return FetchResult(url, current, status, ctype, tuple(hops), body=body, text=text)
        return FetchResult(
            url, current, hops=tuple(hops), error=f"more than {self.limits.max_redirects} redirects"
        )

    def _first_answer(self, url: str, addresses: tuple[str, ...], headers: dict[str, str], accept):
        """Try the checked addresses in order until one accepts the connection."""
        import httpx

        for k, address in enumerate(addresses):
            try:
                return self._one(url, address, headers, accept)
            except httpx.ConnectError:
                if k == len(addresses) - 1:
                    raise
        raise AssertionError("unreachable")

    def _one(self, url: str, address: str, headers: dict[str, str], accept: tuple[str, ...] | None):
        """One request to the checked ``address``; returns (status, headers, body, error)."""
        parts = urlsplit(url)
        host_header = parts.netloc.rsplit("@", 1)[-1]
        ip_host = f"[{address}]" if ":" in address else address
        netloc = ip_host + (f":{parts.port}" if parts.port else "")
        pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
        req_headers = {"Host": host_header, "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"}
        req_headers.update(headers)
        # TLS still names and verifies the real host, although the socket goes to the checked IP.
        extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
        if self.max_requests is not None and self.requests >= self.max_requests:
            raise RequestBudgetSpent(f"the crawl's budget of {self.max_requests} requests is spent")
        self._wait_turn()
        self.requests += 1
        deadline = time.monotonic() + self.limits.timeout
        self._backend.deadline = deadline
        with self._client.stream("GET", pinned, headers=req_headers, extensions=extensions) as resp:
            rh = {k.lower(): v for k, v in resp.headers.items()}
            status = resp.status_code
            if 300 <= status < 400 and "location" in rh:
                return status, rh, b"", None
            ctype = rh.get("content-type", "").split(";", 1)[0].strip().lower()
            if accept is not None and ctype not in accept:
                return status, rh, b"", None  # not ours to read: skip the body
            declared = rh.get("content-length", "")
            if declared.isdigit() and int(declared) > self.limits.max_bytes:
                return (
                    status,
                    rh,
                    b"",
                    f"response is {int(declared):,} bytes; the limit is {self.limits.max_bytes:,}",
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in resp.iter_bytes():
                size += len(chunk)
                if size > self.limits.max_bytes:
                    return status, rh, b"", f"response exceeds the limit of {self.limits.max_bytes:,} bytes"
                if time.monotonic() > deadline:
                    return status, rh, b"", f"response took longer than {self.limits.timeout:g} s"
                chunks.append(chunk)
            return status, rh, b"".join(chunks), None
