"""The analysis process pool: results, errors, a hard deadline that kills only the stuck process."""

from __future__ import annotations

import asyncio
import os
import re
import time

import pytest

from spamscalpel.workpool import PoolBusy, ProcessPool


def hold_the_gil(n: int) -> bool:
    """Catastrophic backtracking: C code that holds the GIL for minutes; no thread can stop it."""
    return re.match(r"(a+)+$", "a" * n + "!") is not None


def whoami() -> int:
    return os.getpid()


def refuse(kind: str) -> None:
    raise ValueError("bad document") if kind == "value" else KeyError("missing")


async def _settle(pool: ProcessPool) -> None:
    for _ in range(600):  # bounded wait for a replacement process to come up; not a timing
        if len(pool.pids) == pool.size:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the pool never got its processes back")


def test_results_errors_and_a_deadline_that_replaces_only_the_stuck_process():
    async def main() -> None:
        pool = ProcessPool(2)
        await pool.start()
        try:
            first = set(pool.pids)
            assert len(first) == 2 and os.getpid() not in first
            far = time.monotonic() + 60
            assert await pool.run(whoami, deadline=far) in first
            with pytest.raises(ValueError, match="bad document"):
                await pool.run(refuse, "value", deadline=far)
            with pytest.raises(RuntimeError, match="KeyError"):
                await pool.run(refuse, "key", deadline=far)
            assert pool.restarts == 0 and set(pool.pids) == first  # errors do not cost a process

            stuck = asyncio.create_task(pool.run(hold_the_gil, 40, deadline=time.monotonic() + 0.5))
            # While one process spins, the other keeps answering.
            other = await pool.run(whoami, deadline=far)
            with pytest.raises(TimeoutError):
                await stuck
            await _settle(pool)
            assert pool.restarts == 1
            now = set(pool.pids)
            assert other in now and len(now & first) == 1
            assert await pool.run(whoami, deadline=far) in now
        finally:
            await pool.close()

    asyncio.run(main())


def test_too_many_waiting_calls_are_refused():
    async def main() -> None:
        pool = ProcessPool(1, max_pending=0)
        await pool.start()
        try:
            with pytest.raises(PoolBusy):
                await pool.run(whoami, deadline=time.monotonic() + 60)
        finally:
            await pool.close()

    asyncio.run(main())
