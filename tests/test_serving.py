"""How pastebox runs under waitress: prompt responses, CPU pinning, one write at a time."""

import http.client
import threading
import time
from urllib.parse import urlsplit

import pytest
from helpers import csrf, reveal

from pastebox.server.serving import pin_cpu
from pastebox.web.app import services_of


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
    store = services_of(app.app).core.store
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


def while_a_write_holds_the_gate(app, request, patience: float = 10.0):
    """Run `request` on another thread while this one holds the write gate; its reply or None.

    None means it waited for the gate (it finishes once the gate is released).
    """
    replies = []
    worker = threading.Thread(target=lambda: replies.append(request()))
    with services_of(app.app).write_gate:
        worker.start()
        worker.join(patience)
        waited = worker.is_alive()
    worker.join(10)
    return None if waited else replies[0]


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_reads_do_not_take_the_write_gate(app, method):
    created = app.post_json("/api/v1/pastes", {"content": "readable while writing"}).json
    reply = while_a_write_holds_the_gate(
        app, lambda: app.request(f"/raw/{created['publicId']}", method=method)
    )
    assert reply is not None and reply.status_int == 200


def test_revealing_a_burn_paste_does_not_wait_for_other_writes(app):
    created = app.post_json("/api/v1/pastes", {"content": "shown once", "burnAfterRead": True}).json
    csrf(app)  # the interstitial's form token, fetched before the gate is taken
    page = while_a_write_holds_the_gate(app, lambda: reveal(app, created["publicId"]))
    assert page is not None and "shown once" in page.text


def test_a_create_waits_for_the_write_in_progress(app):
    reply = while_a_write_holds_the_gate(
        app, lambda: app.post_json("/api/v1/pastes", {"content": "after you"}), patience=0.5
    )
    assert reply is None


def test_a_password_paste_being_sealed_does_not_hold_up_other_writes(app, monkeypatch):
    import pastebox.core.crypto as crypto

    hashing, finish = threading.Event(), threading.Event()
    real_kdf = crypto.argon2id.kdf

    def slow_kdf(*args, **kwargs):
        hashing.set()
        finish.wait(10)
        return real_kdf(*args, **kwargs)

    monkeypatch.setattr(crypto.argon2id, "kdf", slow_kdf)
    sealed = []
    worker = threading.Thread(
        target=lambda: sealed.append(
            app.post_json("/api/v1/pastes", {"content": "s", "password": "pw"}, status=201)
        )
    )
    worker.start()
    try:
        assert hashing.wait(10)
        plain = []
        other = threading.Thread(
            target=lambda: plain.append(app.post_json("/api/v1/pastes", {"content": "p"}))
        )
        other.start()
        other.join(5)
        assert plain and plain[0].status_int == 201, "a plain create waited for the argon2 run"
    finally:
        finish.set()
        worker.join(10)
    assert sealed and sealed[0].json["hasPassword"] is True
