"""Assertions several spec files share."""

import contextlib
import math
import multiprocessing
import time
from collections.abc import Callable


def assert_json_error(res, status: int, code: str | None = None) -> dict:
    """A JSON error of the native shape: {"error": code, "message": text}; returns the body."""
    assert res.status_int == status, res.text
    assert res.content_type == "application/json"
    body = res.json
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["message"], str) and body["message"]
    if code is not None:
        assert body["error"] == code
    return body


def assert_rate_limited(res, code: str = "rate_limited") -> int:
    """A 429 in the native JSON shape with a whole, positive Retry-After; returns its seconds."""
    assert res.status_int == 429, res.text
    assert res.content_type == "application/json"
    assert res.json["error"] == code
    assert isinstance(res.json["message"], str) and res.json["message"]
    retry_after = res.headers["Retry-After"]
    assert retry_after.isdigit(), retry_after
    assert int(retry_after) >= 1
    return int(retry_after)


# A call that must be cheap whatever its input (a parser or detector of user text) gets this
# much CPU: hundreds of times what the linear-time code needs, so a loaded machine cannot fail
# it, and a hundredth of what the old backtracking regexes took on the same input.
CPU_BUDGET_SECONDS = 0.05
RUNAWAY_SECONDS = 5.0  # wall time after which a call is killed and counted as over budget


def cpu_seconds(fn: Callable[..., object], *args: object) -> float:
    """CPU time `fn(*args)` takes (raising counts too), measured in a forked child so a runaway
    call is killed after RUNAWAY_SECONDS (then: infinity) instead of hanging the suite.

    Thread CPU time, not wall time: other processes on a busy machine do not add to it."""
    receiver, sender = multiprocessing.get_context("fork").Pipe(duplex=False)

    def child() -> None:
        start = time.thread_time()
        with contextlib.suppress(Exception):
            fn(*args)
        sender.send(time.thread_time() - start)

    process = multiprocessing.get_context("fork").Process(target=child, daemon=True)
    process.start()
    try:
        return receiver.recv() if receiver.poll(RUNAWAY_SECONDS) else math.inf
    finally:
        process.kill()
        process.join()
        receiver.close()
        sender.close()


def assert_cheap(fn: Callable[..., object], *args: object) -> None:
    """`fn(*args)` stays within CPU_BUDGET_SECONDS of CPU time."""
    spent = cpu_seconds(fn, *args)
    assert spent < CPU_BUDGET_SECONDS, f"{fn.__name__} took {spent * 1000:.0f} ms of CPU"
