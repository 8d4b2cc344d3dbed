"""The write gate: writes run one at a time, and one waiting too long is told to come back
(503 + Retry-After in every surface's shape) instead of holding a server thread."""

import contextlib
import threading
import time

import pytest
from helpers import assert_json_error, block, curl_send, post_form

from pastebox.core.errors import Unavailable
from pastebox.limits import WriteGate
from pastebox.web.app import services_of

HELD_SECONDS = 5.0  # how long another writer keeps the gate: far past the wait of these specs


@contextlib.contextmanager
def gate_held_elsewhere(gate):
    """Another thread holds the write gate for the block (at most HELD_SECONDS)."""
    entered, done = threading.Event(), threading.Event()

    def hold() -> None:
        with gate:
            entered.set()
            done.wait(HELD_SECONDS)

    thread = threading.Thread(target=hold)
    thread.start()
    assert entered.wait(10)
    try:
        yield
    finally:
        done.set()
        thread.join(10)


@pytest.fixture
def gated_app(make_app):
    return make_app(write_wait=0.05)


def test_an_api_write_waiting_past_the_gates_wait_is_503_json_with_retry_after(gated_app):
    with gate_held_elsewhere(services_of(gated_app.app).write_gate):
        res = gated_app.post_json("/api/v1/pastes", {"content": "x\n"}, status=503)
    assert_json_error(res, 503, "busy")
    assert int(res.headers["Retry-After"]) >= 1
    gated_app.post_json("/api/v1/pastes", {"content": "x\n"}, status=201)  # the gate is free


def test_a_curl_upload_waiting_past_the_gates_wait_is_503_with_retry_after(gated_app):
    with gate_held_elsewhere(services_of(gated_app.app).write_gate):
        res = curl_send(gated_app, "/", b"hello\n", status=503)
    assert_json_error(res, 503, "busy")  # the curl surface's errors: JSON unless a browser asks
    assert int(res.headers["Retry-After"]) >= 1


def test_a_form_post_waiting_past_the_gates_wait_is_a_503_page_with_retry_after(gated_app):
    fields = [*block("a.txt", "hello"), ("submit", "1")]
    with gate_held_elsewhere(services_of(gated_app.app).write_gate):
        res = post_form(gated_app, "/new", fields, status=503)
    assert res.content_type == "text/html"
    assert "busy" in res.text
    assert int(res.headers["Retry-After"]) >= 1


def test_while_a_write_holds_the_gate_past_the_wait_new_writes_are_refused_at_once():
    now = [100.0]
    gate = WriteGate(wait=30.0, clock=lambda: now[0])
    with gate_held_elsewhere(gate):
        now[0] += 31.0  # the holder has been at it longer than anyone may wait
        started = time.monotonic()
        with pytest.raises(Unavailable) as refused:
            gate.__enter__()
        assert time.monotonic() - started < 10  # not the 30 s wait
    assert refused.value.retry_after >= 1


def test_a_write_stepping_out_for_argon2_takes_the_gate_back_however_long_it_took():
    now = [100.0]
    gate = WriteGate(wait=0.01, clock=lambda: now[0])
    with gate:
        with gate.paused():
            now[0] += 60.0
        assert gate._lock.locked()  # held again: the rest of the write runs alone
    assert not gate._lock.locked()


# -- nothing stored is lost ------------------------------------------------------------------


def _other_thread_enters(gate: WriteGate) -> bool:
    """Whether another thread gets through the gate within a moment."""
    entered = threading.Event()

    def enter() -> None:
        with gate:
            entered.set()

    worker = threading.Thread(target=enter, daemon=True)
    worker.start()
    got_in = entered.wait(0.5)
    return got_in


def test_the_write_gate_lets_others_in_only_while_its_holder_has_stepped_out():
    gate = WriteGate()
    with gate:
        with gate.paused():
            assert _other_thread_enters(gate)
        assert not _other_thread_enters(gate)
