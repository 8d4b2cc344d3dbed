"""How pastebox runs under waitress: the quiet channel, CPU pinning, one write at a time."""

import http.client
import threading
import time
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

from pastebox.app import services_of
from pastebox.serving import Channel, pin_cpu

SEND_BYTES = 18000


def channel_state(*, buffered: int, task_running: bool, closing: bool = False):
    return SimpleNamespace(
        will_close=closing,
        close_when_flushed=False,
        total_outbufs_len=buffered,
        requests=[object()] if task_running else [],
        adj=SimpleNamespace(send_bytes=SEND_BYTES),
    )


def test_a_small_response_of_a_running_task_does_not_ask_for_pollout():
    assert not Channel.writable(channel_state(buffered=200, task_running=True))


def test_a_finished_task_output_is_sent():
    assert Channel.writable(channel_state(buffered=200, task_running=False))


def test_a_large_buffer_is_sent_while_the_task_still_runs():
    assert Channel.writable(channel_state(buffered=SEND_BYTES, task_running=True))


def test_a_closing_channel_is_always_writable():
    assert Channel.writable(channel_state(buffered=0, task_running=True, closing=True))


def test_an_empty_channel_is_not_writable():
    assert not Channel.writable(channel_state(buffered=0, task_running=False))


def test_keep_alive_responses_arrive_without_waiting_for_the_loop_tick(live_server):
    # The server loop wakes once a second on its own; a response that waited for that tick
    # instead of the worker's wake-up would make 20 round trips take 20 seconds.
    parts = urlsplit(live_server.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        started = time.monotonic()
        for _ in range(20):
            conn.request("GET", "/api/health")
            response = conn.getresponse()
            response.read()
            assert response.status == 200
        assert time.monotonic() - started < 5.0
    finally:
        conn.close()


def test_pin_off_leaves_the_affinity_alone():
    assert pin_cpu("off") is None


def test_write_requests_run_one_at_a_time(app, monkeypatch):
    store = services_of(app.app).store
    active = 0
    most = 0
    lock = threading.Lock()
    original = store.insert_paste

    def slow_insert(*args, **kwargs):
        nonlocal active, most
        with lock:
            active += 1
            most = max(most, active)
        time.sleep(0.005)
        with lock:
            active -= 1
        return original(*args, **kwargs)

    monkeypatch.setattr(store, "insert_paste", slow_insert)
    errors = []

    def create(n: int) -> None:
        for i in range(4):
            reply = app.post_json(
                "/api/v1/pastes", {"content": f"gate {n} {i}"}, expect_errors=True
            )
            if reply.status_int != 201:
                errors.append(reply.status)

    threads = [threading.Thread(target=create, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert most == 1


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_reads_do_not_take_the_write_gate(app, method):
    services = services_of(app.app)
    created = app.post_json("/api/v1/pastes", {"content": "readable while writing"}).json
    with services.write_gate:  # a write in progress
        reply = app.request(f"/raw/{created['publicId']}", method=method)
    assert reply.status_int == 200
