"""Password-protected pastes: sealed on the server with argon2id + XChaCha20-Poly1305, opened
only with the password from a header or the web form, never written in plaintext anywhere,
wrong guesses throttled and never burning, argon2 bounded by a small gate."""

import os
import socket
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from helpers import (
    BROWSER,
    CURL,
    PASTES,
    READERS,
    Document,
    assert_json_error,
    block,
    fetch,
    in_bursts,
    new_paste,
    post_form,
    reveal,
)

from pastebox.config import ConfigError, load_config
from pastebox.server.serving import Server
from pastebox.web.app import services_of

PASSWORD = "correct horse battery staple"


def marker() -> str:
    return "mark" + uuid.uuid4().hex


def create(app, password: str = PASSWORD, **fields) -> str:
    body = {**({} if "files" in fields else {"content": "x\n"}), **fields, "password": password}
    res = app.post_json(PASTES, body, status=201)
    assert res.json["hasPassword"] is True
    return res.json["publicId"]


def read(app, paste_id: str, password: str | None = PASSWORD, status: int = 200, path: str = ""):
    headers = {"Paste-Authorization": password} if password is not None else {}
    return app.get(path or f"{PASTES}/{paste_id}", headers=headers, status=status)


def database_bytes(db_path: str) -> bytes:
    """Every byte SQLite keeps for the database: the file, its WAL and shared memory."""
    return b"".join(
        Path(db_path + suffix).read_bytes()
        for suffix in ("", "-wal", "-shm")
        if Path(db_path + suffix).exists()
    )


# -- reading with the password -----------------------------------------------------------------


def test_a_password_paste_opens_with_the_password_header(app):
    paste_id = create(app, content="the text\n", title="the title")
    body = read(app, paste_id).json
    assert (body["content"], body["title"], body["hasPassword"]) == (
        "the text\n",
        "the title",
        True,
    )


def test_the_encryption_key_header_also_opens_it(app):
    paste_id = create(app, content="the text\n")
    res = app.get(f"{PASTES}/{paste_id}", headers={"Encryption-Key": PASSWORD})
    assert res.json["content"] == "the text\n"


def test_a_password_paste_without_the_password_is_401(app):
    paste_id = create(app)
    assert_json_error(read(app, paste_id, None, 401), 401, "password_required")


def test_a_wrong_password_is_403(app):
    paste_id = create(app)
    assert_json_error(read(app, paste_id, "wrong", 403), 403, "wrong_password")


def test_a_unicode_password_works_through_the_header(app):
    password = "pässwörd ✓"
    paste_id = create(app, password=password, content="u\n")
    headers = {"Paste-Authorization": password.encode().decode("latin-1")}
    assert app.get(f"{PASTES}/{paste_id}", headers=headers).json["content"] == "u\n"


@pytest.mark.parametrize("path", ["/{id}", "/raw/{id}", "/raw/{id}/paste.txt", "/zip/{id}"])
def test_curl_reads_need_the_password_too(app, path):
    paste_id = create(app, content="curl text\n")
    url = path.format(id=paste_id)
    assert_json_error(app.get(url, headers=CURL, status=401), 401, "password_required")
    res = app.get(url, headers={**CURL, "Paste-Authorization": PASSWORD}, status=200)
    assert res.headers["Cache-Control"] == "no-store"
    if not path.startswith("/zip"):
        assert res.body == b"curl text\n"


@pytest.mark.parametrize("path", [f"{PASTES}/{{id}}", "/{id}", "/raw/{id}"])
def test_a_password_in_the_url_is_refused(app, path):
    paste_id = create(app)
    url = path.format(id=paste_id) + "?password=" + PASSWORD.replace(" ", "+")
    res = app.get(url, headers={"Paste-Authorization": PASSWORD}, status=400)
    assert_json_error(res, 400, "password_in_url")


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/{id}"), ("POST", "/{id}"), ("GET", "/{id}/fork"), ("GET", "/{id}/edit"),
     ("GET", "/{id}/delete"), ("POST", "/new"), ("GET", "/new"), ("GET", "/login")],
)  # fmt: skip
def test_a_password_in_a_browser_url_is_refused_too(app, method, path):
    paste_id = create(app)
    url = path.format(id=paste_id) + "?password=leaked"
    res = app.request(url, method=method, headers=BROWSER, status=400)
    assert "Paste-Authorization" in res.text and "leaked" not in res.text


def test_curl_creates_with_a_password_form_field_or_header(app):
    made = []
    res = app.post("/", upload_files=[("file", "a.txt", b"one\n")],
                   params={"password": PASSWORD}, headers=CURL, status=201)  # fmt: skip
    made.append(res.text.strip().rsplit("/", 1)[1])
    res = app.post("/", b"two\n", headers={**CURL, "Paste-Authorization": PASSWORD}, status=201)
    made.append(res.text.strip().rsplit("/", 1)[1])
    for paste_id, text in zip(made, (b"one\n", b"two\n"), strict=True):
        read(app, paste_id, None, 401, path=f"/raw/{paste_id}")
        assert read(app, paste_id, path=f"/raw/{paste_id}").body == text


def test_curl_refuses_a_password_in_the_query_string_on_create(app):
    res = app.post("/?password=x", b"text\n", headers=CURL, status=400)
    assert_json_error(res, 400, "password_in_url")


@pytest.mark.parametrize("password", [" pw", "pw ", "\tpw"])
def test_a_password_with_outer_spaces_is_refused_as_no_header_could_carry_it(app, password):
    res = app.post_json(PASTES, {"content": "x", "password": password}, status=400)
    assert assert_json_error(res, 400, "invalid")["field"] == "password"


def test_an_empty_password_is_refused(app):
    res = app.post_json(PASTES, {"content": "x", "password": ""}, status=400)
    assert assert_json_error(res, 400, "invalid")["field"] == "password"


def test_a_password_and_end_to_end_encryption_together_are_refused(app):
    res = app.post_json(PASTES, {"content": "A" * 80, "isE2ee": True, "password": "p"}, status=400)
    assert assert_json_error(res, 400, "invalid")["field"] == "password"


def test_a_password_paste_cannot_be_edited_or_show_its_history(app):
    res = app.post_json(PASTES, {"content": "x\n", "password": PASSWORD}, status=201).json
    headers = {"X-Manage-Token": res["manageToken"]}
    app.patch_json(f"{PASTES}/{res['publicId']}", {"title": "new"}, headers=headers, status=400)
    history = app.get(f"{PASTES}/{res['publicId']}/revisions", status=403)
    assert_json_error(history, 403, "sealed")


# -- nothing in plaintext ------------------------------------------------------------------------


def test_no_plaintext_of_a_password_paste_reaches_the_database_files(app, store, db_path):
    secret = marker()
    made = [
        create(
            app,
            title=f"title {secret}",
            files=[
                {"name": f"{secret}.py", "content": f"print('{secret}')\n", "language": "python"},
                {"name": "notes.md", "content": f"# {secret}\n" * 200},
            ],
        ),  # fmt: skip
        create(app, content=f"burn {secret}\n", burnAfterRead=True, exposure="public"),
    ]
    res = app.post("/", f"curl {secret}\n".encode(),
                   headers={**CURL, "Paste-Authorization": PASSWORD}, status=201)  # fmt: skip
    made.append(res.text.strip().rsplit("/", 1)[1])
    made.append(new_paste(app, block(f"{secret}.txt", f"form {secret}"), password=PASSWORD))
    for paste_id in made:  # reading must not write the plaintext anywhere either
        assert secret in read(app, paste_id, path=f"/raw/{paste_id}").text
    assert secret.encode() not in database_bytes(db_path)
    with sqlite3.connect(db_path) as conn:
        titles = conn.execute("SELECT title FROM pastes").fetchall()
        names = conn.execute("SELECT DISTINCT name, language FROM files").fetchall()
    assert titles == [("",)] * 3  # the burn paste is gone
    assert names == [("sealed", None)]


def test_a_password_paste_is_never_found_by_search(app):
    secret = marker()
    create(app, content=f"{secret}\n", exposure="public")
    assert app.get("/api/v1/search", {"q": secret}).json["results"] == []


def test_a_password_paste_is_never_kept_in_the_render_cache(app):
    paste_id = create(app, content="cached? no\n")
    page = reveal(app, paste_id, password=PASSWORD)
    assert "cached? no" in page.text
    assert len(services_of(app.app).render_cache) == 0


def test_the_sealed_record_does_not_open_under_another_paste_id(app, db_path):
    first, second = create(app, content="first\n"), create(app, content="second\n")
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "UPDATE files SET content = (SELECT content FROM files WHERE paste_id = ?)"
            " WHERE paste_id = ?",
            (first, second),
        )
    assert_json_error(read(app, second, status=403), 403, "wrong_password")


def test_the_key_parameters_are_stored_but_never_the_password(app, db_path):
    create(app)
    assert PASSWORD.encode() not in database_bytes(db_path)
    with sqlite3.connect(db_path) as conn:
        (seal,) = conn.execute("SELECT seal FROM pastes").fetchone()
    assert '"kdf":"argon2id"' in seal and '"ops":2' in seal and '"mem":67108864' in seal


def test_waitress_keeps_request_bodies_and_replies_in_memory(db_path):
    cfg = load_config(env={}, flags={"db": db_path, "port": 0})
    server = Server(cfg)
    try:
        assert server.waitress.adj.inbuf_overflow >= cfg.max_body_bytes
        assert server.waitress.adj.outbuf_overflow >= 64 * cfg.max_paste_bytes
    finally:
        server.waitress.close()
        server.store.close()


# -- wrong guesses -----------------------------------------------------------------------------------


def test_wrong_passwords_never_burn_the_paste(app):
    paste_id = create(app, content="once\n", burnAfterRead=True)
    for _ in range(3):
        read(app, paste_id, "wrong", 403)
    assert read(app, paste_id).json["content"] == "once\n"
    read(app, paste_id, status=410)


def test_the_eleventh_wrong_guess_in_15_minutes_is_429_even_with_the_right_password(app, clock):
    paste_id = create(app)
    for _ in range(10):
        read(app, paste_id, "wrong", 403)
    res = read(app, paste_id, status=429)
    assert_json_error(res, 429, "too_many_attempts")
    assert int(res.headers["Retry-After"]) > 0
    clock.advance(15 * 60 + 1)
    read(app, paste_id)


def test_when_every_kdf_slot_is_busy_a_read_is_503_with_retry_after(make_app):
    app = make_app(password_kdf_slots=1, password_kdf_wait=0.05)
    paste_id = create(app)
    gate = services_of(app.app).core.kdf_gate
    with gate:
        res = read(app, paste_id, status=503)
    assert_json_error(res, 503, "busy")
    assert int(res.headers["Retry-After"]) >= 1
    read(app, paste_id)


def test_a_password_check_past_the_queue_is_503_at_once(make_app):
    app = make_app(password_kdf_slots=1, password_kdf_queue=0, password_kdf_wait=30)
    paste_id = create(app)
    with services_of(app.app).core.kdf_gate:  # the one slot is taken; no one may wait
        res = read(app, paste_id, status=503)
    assert int(res.headers["Retry-After"]) >= 1


def test_password_reads_spend_the_clients_rate_limit(make_app):
    app = make_app(rate_limit=3)
    paste_id = create(app)  # one write token spent
    read(app, paste_id)
    read(app, paste_id)
    assert_json_error(read(app, paste_id, status=429), 429, "rate_limited")
    app.get(f"/raw/{paste_id}", status=401)  # a read without a password costs nothing


def test_the_argon2_slots_and_queue_must_leave_server_threads_free(db_path):
    with pytest.raises(ConfigError, match="fewer than threads"):
        load_config(env={}, flags={"db": db_path, "threads": 4, "password_kdf_queue": 2})


def test_concurrent_wrong_guesses_cannot_all_pass_the_throttle(make_app):
    app = make_app(password_kdf_queue=5, password_kdf_wait=30)
    paste_id = create(app)
    statuses = in_bursts(
        lambda: read(app, paste_id, "wrong", status="*").status_int, bursts=3, size=7
    )
    assert statuses.count(403) == 10
    assert statuses.count(429) == 11


def test_a_null_password_field_leaves_the_headers_password_in_force(app):
    res = app.post_json(PASTES, {"content": "x", "password": None},
                        headers={"Paste-Authorization": PASSWORD}, status=201)  # fmt: skip
    assert res.json["hasPassword"] is True


def test_the_kdf_gate_never_runs_more_than_its_slots_at_once(make_app, monkeypatch):
    import pastebox.core.crypto as crypto

    app = make_app(password_kdf_slots=2, password_kdf_queue=5, password_kdf_wait=30)
    paste_id = create(app)
    running, peak, lock = 0, 0, threading.Lock()
    real_kdf = crypto.argon2id.kdf

    def counted(*args, **kwargs):
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        try:
            return real_kdf(*args, **kwargs)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(crypto.argon2id, "kdf", counted)
    threads = [threading.Thread(target=read, args=(app, paste_id)) for _ in range(7)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert peak == 2


# -- the web pages ---------------------------------------------------------------------------------


def test_the_page_of_a_password_paste_asks_for_the_password_and_shows_nothing_else(app):
    secret = marker()
    paste_id = create(app, content=f"{secret}\n", title=secret)
    res = app.get(f"/{paste_id}", headers=BROWSER)
    assert secret not in res.text
    assert res.headers["Cache-Control"] == "no-store"
    fields = Document(res.text).elements
    assert any(tag == "input" and dict(attrs).get("name") == "password" for tag, attrs in fields)


def test_the_password_form_opens_the_paste(app):
    paste_id = create(app, content="opened text\n", title="opened title")
    res = reveal(app, paste_id, password=PASSWORD)
    assert "opened text" in res.text and "opened title" in res.text
    assert res.headers["Cache-Control"] == "no-store"


def test_a_wrong_password_comes_back_on_the_form_as_403(app):
    paste_id = create(app, content="kept sealed\n")
    res = reveal(app, paste_id, status=403, password="wrong")
    assert "wrong password" in res.text and "kept sealed" not in res.text


def test_the_password_form_without_its_csrf_token_is_refused(app):
    paste_id = create(app, content="hidden\n", burnAfterRead=True)
    headers = {**BROWSER, "Content-Type": "application/x-www-form-urlencoded"}
    app.post(f"/{paste_id}", f"password={PASSWORD}", headers=headers, status=403)
    assert read(app, paste_id).json["content"] == "hidden\n"  # not burned


def test_the_new_paste_form_takes_a_password(app):
    paste_id = new_paste(app, block("f.txt", "form text"), password=PASSWORD)
    assert "form text" not in app.get(f"/{paste_id}", headers=BROWSER).text
    assert read(app, paste_id).json["content"] == "form text"


def test_a_refused_form_never_echoes_the_password(app):
    fields = [("title", "t" * 300), *block("f.txt", "x"), ("password", "echo-me-not")]
    res = post_form(app, "/new", fields, status=400)
    assert "echo-me-not" not in res.text


def test_a_password_burn_paste_opened_in_the_browser_is_gone_after(app):
    paste_id = create(app, content="once\n", burnAfterRead=True)
    assert "once" in reveal(app, paste_id, password=PASSWORD).text
    reveal(app, paste_id, status=410, password=PASSWORD)


# -- a real server ---------------------------------------------------------------------------------


def test_sixteen_concurrent_readers_with_the_right_password_get_exactly_one_200(live_server):
    reply = fetch(f"{live_server.url}{PASTES}", "POST",
                  {"content": "the one reading\n", "burnAfterRead": True, "password": PASSWORD})  # fmt: skip
    paste_id = reply.json()["publicId"]
    barrier = threading.Barrier(READERS)
    statuses: list[int] = []

    def reader() -> None:
        barrier.wait(timeout=10)
        got = fetch(f"{live_server.url}/raw/{paste_id}", headers={"Paste-Authorization": PASSWORD},
                    timeout=30)  # fmt: skip
        statuses.append(got.status)
        if got.status == 200:
            assert got.body == b"the one reading\n"

    threads = [threading.Thread(target=reader) for _ in range(READERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    # The one who burns it reads it; the rest learn it is gone, or (past the argon2 queue)
    # are told to come back: never a second copy.
    assert len(statuses) == READERS
    assert statuses.count(200) == 1
    assert set(statuses) - {200} <= {410, 503}


def test_the_server_log_never_holds_the_password_or_the_content(start_server):
    server = start_server("--log-level", "debug")
    secret = marker()
    paste_id = fetch(f"{server.url}{PASTES}", "POST",
                     {"content": secret, "title": secret, "password": secret}).json()["publicId"]  # fmt: skip
    assert (
        fetch(f"{server.url}/raw/{paste_id}", headers={"Paste-Authorization": secret}).status == 200
    )
    assert fetch(f"{server.url}/raw/{paste_id}", headers={"Paste-Authorization": "x"}).status == 403
    server.stop()
    assert secret not in server.output


def open_temp_files(pid: int) -> list[str]:
    """Files the process holds open that are already deleted: spooled buffers (tempfile's
    files are unlinked as soon as they are made)."""
    found = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.endswith("(deleted)") and target.startswith("/"):
            found.append(target)
    return found


def test_a_large_password_paste_sent_to_a_slow_reader_never_goes_to_a_temp_file(live_server):
    secret = ("TOPSECRET-" * 200_001)[:2_000_000]
    reply = fetch(f"{live_server.url}{PASTES}", "POST", {"content": secret, "password": PASSWORD},
                  timeout=60)  # fmt: skip
    paste_id = reply.json()["publicId"]
    parts = urlsplit(live_server.url)
    with socket.create_connection((parts.hostname, parts.port)) as slow:
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow.sendall(
            f"GET /raw/{paste_id} HTTP/1.1\r\nHost: x\r\n"
            f"Paste-Authorization: {PASSWORD}\r\n\r\n".encode()
        )
        assert slow.recv(64).startswith(b"HTTP/1.1 200")  # the reply is being sent
        time.sleep(1.0)  # a real slow reader: waitress holds the rest of the reply meanwhile
        assert open_temp_files(live_server.proc.pid) == []
