"""``spamscalpel serve``: run the HTTP API and web page with uvicorn."""

from __future__ import annotations

import argparse
import os
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``serve`` sub-command."""
    p = sub.add_parser(
        "serve",
        help="run the HTTP API and web page",
        description="Serve POST /v1/scan, /v1/clean, /v1/scan/batch, GET /v1/health, /metrics, "
        "the web page at / and API docs at /docs.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (default: 1)")
    p.add_argument("--threads", type=int, default=4, help="analysis processes per worker (default: 4)")
    p.add_argument("--max-body", type=int, default=2_000_000, help="largest request body in bytes")
    p.add_argument("--max-batch", type=int, default=100, help="most documents in one batch request")
    p.add_argument("--timeout", type=float, default=20.0, help="seconds one request may spend on analysis")
    p.add_argument("--log-level", default="warning", help="uvicorn log level (default: warning)")
    from .common import add_quiet_argument

    add_quiet_argument(p, "start-up line")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Start uvicorn; settings reach every worker process through SPAMSCALPEL_* variables."""
    try:
        import uvicorn
    except ImportError:
        print("spamscalpel serve: needs the server extra: pip install 'spamscalpel[server]'", file=sys.stderr)
        return 2
    if args.workers < 1 or args.threads < 1 or args.max_body < 1 or args.max_batch < 1 or args.timeout <= 0:
        print(
            "spamscalpel serve: --workers, --threads, --max-body, --max-batch, --timeout must be positive",
            file=sys.stderr,
        )
        return 2
    os.environ.update(
        SPAMSCALPEL_MAX_BODY=str(args.max_body),
        SPAMSCALPEL_MAX_BATCH=str(args.max_batch),
        SPAMSCALPEL_TIMEOUT=str(args.timeout),
        SPAMSCALPEL_POOL_THREADS=str(args.threads),
    )
    spool = None
    if args.workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Workers share their metrics through files here, so /metrics adds up every worker.
        import tempfile

        spool = tempfile.mkdtemp(prefix="spamscalpel-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = spool
    if not args.quiet:
        print(f"spamscalpel: serving on http://{args.host}:{args.port}/ (docs at /docs)", file=sys.stderr)
    try:
        uvicorn.run(
            "spamscalpel.server:create_app",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level=args.log_level,
            # Times out request heads that trickle in (slow-loris); uvicorn only times out idle ones.
            http="spamscalpel.server:GuardedH11Protocol",
        )
    finally:
        if spool:
            import shutil

            shutil.rmtree(spool, ignore_errors=True)
    return 0
