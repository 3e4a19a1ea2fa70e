"""Run calls in worker processes, each call under a hard deadline (the HTTP server's analysis pool).

A runaway regular expression holds the GIL: run in a thread it starves the event loop, no
timeout can stop it, and uvicorn's supervisor ends up killing the whole server process with
every request in flight. Here each call runs in one of ``size`` worker processes. A call that
passes its deadline gets :class:`TimeoutError` at once; its process is killed and replaced in
the background while the other processes keep serving.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import os
import signal
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

START_TIMEOUT_S = 120.0  # a worker process that is not ready by then is given up on


class PoolBusy(Exception):
    """More calls are waiting than the pool accepts."""


class WorkerDied(RuntimeError):
    """The worker process ended while running the call (killed from outside, out of memory)."""


def _worker_main(conn: Any, warmup: Callable[[], Any] | None) -> None:
    # Ctrl-C in a terminal reaches the whole process group; the server decides when we stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if warmup is not None:
        warmup()
    conn.send(("ready", os.getpid()))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):  # the server process is gone: so are we
            return
        if msg is None:
            return
        fn, args = msg
        try:
            out = ("ok", fn(*args))
        except Exception as exc:  # the caller re-raises it; the process stays usable
            out = ("error", type(exc).__name__, str(exc), isinstance(exc, ValueError))
        conn.send(out)


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, ctx: Any, warmup: Callable[[], Any] | None) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_worker_main, args=(child, warmup), daemon=True, name="analysis")
        self.proc.start()
        child.close()
        if not self.conn.poll(START_TIMEOUT_S):
            self.kill()
            raise WorkerDied(f"analysis process did not start within {START_TIMEOUT_S:g} s")
        _tag, self.pid = self.conn.recv()

    def call(self, fn: Callable[..., Any], args: tuple) -> tuple:
        """Blocking: send one call and return its reply (run in a thread, never on the loop)."""
        try:
            self.conn.send((fn, args))
            return self.conn.recv()
        except (EOFError, OSError) as exc:
            raise WorkerDied(f"analysis process {self.pid} died: {type(exc).__name__}") from exc

    def kill(self) -> None:
        """SIGKILL the process and reap it."""
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()

    def stop(self) -> None:
        """Ask the process to leave, then make sure it did."""
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.proc.join(2)
        self.kill()


class ProcessPool:
    """``size`` worker processes; ``await run(fn, *args, deadline=...)`` runs ``fn`` in one of them.

    ``fn`` and its arguments must pickle (module-level functions, plain data). ``restarts``
    counts processes killed for overrunning a deadline or found dead.
    """

    def __init__(
        self,
        size: int,
        max_pending: int = 512,
        warmup: Callable[[], Any] | None = None,
        context: str = "spawn",
    ) -> None:
        self.size = max(1, size)
        self.max_pending = max_pending
        self.warmup = warmup
        self._ctx = mp.get_context(context)
        # Threads only wait on pipes (the GIL is free meanwhile); one per worker plus spawners.
        self._threads = ThreadPoolExecutor(max_workers=2 * self.size + 2, thread_name_prefix="pool-io")
        self._idle: asyncio.Queue[_Worker] | None = None
        self._workers: set[_Worker] = set()
        self._background: set[asyncio.Task] = set()
        self.pending = 0
        self.restarts = 0
        self.closed = False

    @property
    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        return sorted(w.pid for w in self._workers)

    async def start(self) -> None:
        """Start every worker process and wait until each is warm."""
        self._idle = asyncio.Queue()
        loop = asyncio.get_running_loop()
        workers = await asyncio.gather(
            *(loop.run_in_executor(self._threads, _Worker, self._ctx, self.warmup) for _ in range(self.size))
        )
        for w in workers:
            self._workers.add(w)
            self._idle.put_nowait(w)

    async def run(self, fn: Callable[..., Any], *args: Any, deadline: float) -> Any:
        """Run ``fn(*args)`` in a worker; TimeoutError once ``time.monotonic()`` passes ``deadline``."""
        if self._idle is None:
            raise RuntimeError("the pool is not started")
        if self.pending >= self.max_pending:
            raise PoolBusy
        self.pending += 1
        try:
            worker = await asyncio.wait_for(self._idle.get(), timeout=max(0.0, deadline - time.monotonic()))
            loop = asyncio.get_running_loop()
            call = loop.run_in_executor(self._threads, worker.call, fn, args)
            try:
                reply = await asyncio.wait_for(call, timeout=max(0.0, deadline - time.monotonic()))
            except BaseException:  # overran its deadline, died, or the request was cancelled mid-call
                self._replace(worker)
                raise
            self._idle.put_nowait(worker)
        finally:
            self.pending -= 1
        if reply[0] == "ok":
            return reply[1]
        _status, name, message, is_value_error = reply
        if is_value_error:
            raise ValueError(message)
        raise RuntimeError(f"{name}: {message}")

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` (it is busy with a call nobody waits for) and start a fresh one."""
        self._workers.discard(worker)
        self.restarts += 1
        task = asyncio.get_running_loop().create_task(self._respawn(worker))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _respawn(self, old: _Worker) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._threads, old.kill)
        while not self.closed:
            try:
                fresh = await loop.run_in_executor(self._threads, _Worker, self._ctx, self.warmup)
            except Exception:  # could not start one (out of memory?): try again shortly
                await asyncio.sleep(1.0)
                continue
            if self.closed:
                fresh.stop()
                return
            self._workers.add(fresh)
            assert self._idle is not None
            self._idle.put_nowait(fresh)
            return

    async def close(self) -> None:
        """Stop every worker process."""
        self.closed = True
        loop = asyncio.get_running_loop()
        workers = list(self._workers)
        self._workers.clear()
        await asyncio.gather(*(loop.run_in_executor(self._threads, w.stop) for w in workers))
        for task in list(self._background):
            task.cancel()
        self._threads.shutdown(wait=False, cancel_futures=True)
