"""What a client may cost, seen over HTTP in process: the write-rate limit per client, the
manage-token guess throttle per paste, and the request body cap."""

import json
import threading

import pytest
import webtest
from expect import assert_json_error, assert_rate_limited

from pastebox.core import accounts
from pastebox.limits import READ_CHUNK, WriteGate, client_key
from pastebox.web.app import services_of

PASTES = "/api/v1/pastes"
MINUTE = 60
GUESS_LIMIT, GUESS_WINDOW = 10, 15 * 60  # README: 10 wrong manage tokens per 15 minutes
PASTE_CAP = 1000  # max_paste_bytes for the body-size tests


# -- helpers ---------------------------------------------------------------------------------


def client(addr: str, **environ: str) -> dict[str, str]:
    return {"REMOTE_ADDR": addr, **environ}


def write(app, addr: str = "10.0.0.1", status: int | str = "*", **environ: str):
    """One anonymous create from `addr`."""
    return app.post_json(
        PASTES, {"content": "x"}, extra_environ=client(addr, **environ), status=status
    )


class Stream:
    """A wsgi.input that serves `data`, then (if `endless`) filler bytes forever; counts reads."""

    def __init__(self, data: bytes = b"", *, endless: bool = False):
        self.data = data
        self.endless = endless
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            assert not self.endless, "the server tried to read an endless body to its end"
            size = len(self.data) - self.bytes_read
        start = self.bytes_read
        chunk = self.data[start : start + size]
        if self.endless:
            chunk += b"x" * (size - len(chunk))
        self.bytes_read += len(chunk)
        return chunk

    def readline(self, *args) -> bytes:
        raise AssertionError("the body is read in chunks, never by lines")

    def readlines(self, *args) -> list[bytes]:
        raise AssertionError("the body is read in chunks, never by lines")

    def __iter__(self):
        raise AssertionError("the body is read in chunks, never by iteration")


def send(
    app: webtest.TestApp,
    stream: Stream,
    *,
    path: str = PASTES,
    content_length: str | None = None,
    chunked: bool = False,
    content_type: str = "application/json",
    lint: bool = True,
):
    """A POST whose wsgi.input is `stream`, with the declared Content-Length (or none).

    lint=False lets a malformed Content-Length through WebTest's own WSGI checks."""
    req = webtest.TestRequest.blank(path, method="POST")
    env = req.environ
    env["wsgi.input"] = stream
    env["webob.is_body_seekable"] = False
    env["CONTENT_TYPE"] = content_type
    env.pop("CONTENT_LENGTH", None)
    if content_length is not None:
        env["CONTENT_LENGTH"] = content_length
    if chunked:
        env["wsgi.input_terminated"] = True
        env["HTTP_TRANSFER_ENCODING"] = "chunked"
    if not lint:
        app = webtest.TestApp(app.app, lint=False)
    return app.do_request(req, status="*", expect_errors=True)


@pytest.fixture
def owner_key(core) -> str:
    return accounts.add_user(core, "olive")[1]


def listed(app, key: str) -> list[str]:
    return [p["publicId"] for p in app.get(PASTES, headers={"X-Api-Key": key}).json["pastes"]]


# -- the write-rate limit --------------------------------------------------------------------


def test_writes_beyond_the_rate_are_refused_with_429_and_retry_after(make_app):
    app = make_app(rate_limit=3)
    for _ in range(3):
        write(app, status=201)
    assert_rate_limited(write(app, status=429))


def test_retry_after_is_the_wait_for_the_next_token_rounded_up(make_app):
    app = make_app(rate_limit=3)  # one token every 20 seconds
    for _ in range(3):
        write(app, status=201)
    assert 20 <= assert_rate_limited(write(app, status=429)) <= 21


def test_a_refused_write_stores_nothing(make_app, owner_key):
    app = make_app(rate_limit=2)
    headers = {"X-Api-Key": owner_key}
    stored = [app.post_json(PASTES, {"content": "x"}, headers=headers).json["publicId"]]
    stored.append(app.post_json(PASTES, {"content": "y"}, headers=headers).json["publicId"])
    assert_rate_limited(app.post_json(PASTES, {"content": "z"}, headers=headers, status=429))
    assert sorted(listed(app, owner_key)) == sorted(stored)


def test_reads_are_never_limited(make_app):
    app = make_app(rate_limit=1)
    paste_id = write(app, status=201).json["publicId"]
    assert_rate_limited(write(app, status=429))
    env = client("10.0.0.1")
    for _ in range(5):
        app.get(f"{PASTES}/{paste_id}", extra_environ=env, status=200)
        app.head(f"{PASTES}/{paste_id}", extra_environ=env, status=200)
        app.get(f"/raw/{paste_id}", extra_environ=env, status=200)
        app.get(f"/{paste_id}", extra_environ=env, status=200)
        app.get("/api/health", extra_environ=env, status=200)
        app.get("/api/v1/search", params={"q": "x"}, extra_environ=env, status=200)


def test_the_bucket_refills_one_write_per_interval_as_time_passes(make_app, clock):
    app = make_app(rate_limit=6)  # one token every 10 seconds
    for _ in range(6):
        write(app, status=201)
    assert_rate_limited(write(app, status=429))
    clock.advance(5)
    assert_rate_limited(write(app, status=429))
    clock.advance(5)
    write(app, status=201)
    assert_rate_limited(write(app, status=429))


def test_waiting_the_retry_after_seconds_is_enough(make_app, clock):
    app = make_app(rate_limit=4)
    for _ in range(4):
        write(app, status=201)
    clock.advance(assert_rate_limited(write(app, status=429)))
    write(app, status=201)


def test_a_full_minute_refills_the_whole_burst_and_no_more(make_app, clock):
    app = make_app(rate_limit=3)
    for _ in range(3):
        write(app, status=201)
    clock.advance(10 * MINUTE)  # idle for long: the bucket holds at most `rate` tokens
    for _ in range(3):
        write(app, status=201)
    assert_rate_limited(write(app, status=429))


def test_rate_limit_zero_turns_the_limit_off(make_app):
    app = make_app(rate_limit=0)
    for _ in range(100):
        write(app, status=201)


def test_each_client_address_has_its_own_bucket(make_app):
    app = make_app(rate_limit=2)
    for _ in range(2):
        write(app, "10.0.0.1", status=201)
    assert_rate_limited(write(app, "10.0.0.1", status=429))
    for _ in range(2):
        write(app, "10.0.0.2", status=201)
    assert_rate_limited(write(app, "10.0.0.2", status=429))


def test_every_write_method_and_surface_spends_from_the_same_bucket(make_app):
    app = make_app(rate_limit=4)
    env = client("10.0.0.1")
    created = write(app, status=201).json
    token = {"X-Manage-Token": created["manageToken"]}
    url = f"{PASTES}/{created['publicId']}"
    app.patch_json(url, {"title": "t"}, headers=token, extra_environ=env, status=200)
    app.post("/", b"via curl", extra_environ=env, status=201)  # the curl surface
    app.post_json(url + "/extend", {"ttlSeconds": 60}, headers=token, extra_environ=env, status=200)
    assert_rate_limited(app.delete(url, headers=token, extra_environ=env, status=429))
    assert_rate_limited(app.post("/", b"more", extra_environ=env, status=429))
    assert_rate_limited(app.put("/f.txt", b"more", extra_environ=env, status=429))


def test_the_curl_surface_answers_429_as_json_with_retry_after(make_app):
    app = make_app(rate_limit=1)
    app.post("/", b"one", extra_environ=client("10.0.0.1"), status=201)
    assert_rate_limited(app.post("/", b"two", extra_environ=client("10.0.0.1"), status=429))


def test_x_forwarded_for_is_ignored_without_trust_proxy(make_app):
    app = make_app(rate_limit=2)
    for hop in ("1.1.1.1", "2.2.2.2"):
        write(app, "10.0.0.1", status=201, HTTP_X_FORWARDED_FOR=hop)
    assert_rate_limited(write(app, "10.0.0.1", status=429, HTTP_X_FORWARDED_FOR="3.3.3.3"))


def test_x_forwarded_for_names_the_client_behind_a_trusted_proxy(make_app):
    app = make_app(rate_limit=2, trust_proxy="10.0.0.1")  # the proxy's address
    for _ in range(2):
        write(app, "10.0.0.1", status=201, HTTP_X_FORWARDED_FOR="1.1.1.1")
    assert_rate_limited(write(app, "10.0.0.1", status=429, HTTP_X_FORWARDED_FOR="1.1.1.1"))
    write(app, "10.0.0.1", status=201, HTTP_X_FORWARDED_FOR="2.2.2.2")


def test_behind_a_trusted_proxy_the_first_forwarded_hop_is_the_client(make_app):
    # Two proxies in a chain (every peer here is one): the first of the last two hops is the
    # client; an earlier hop is whatever the client wrote (tests/test_proxy.py).
    app = make_app(rate_limit=2, trust_proxy="*", trust_proxy_hops=2)
    write(app, "10.0.0.1", status=201, HTTP_X_FORWARDED_FOR="1.1.1.1, 10.9.9.9")
    write(app, "10.0.0.2", status=201, HTTP_X_FORWARDED_FOR="1.1.1.1")
    res = write(app, "10.0.0.3", status=429, HTTP_X_FORWARDED_FOR=" 1.1.1.1 ,192.168.0.1")
    assert_rate_limited(res)


def test_behind_a_trusted_proxy_a_request_without_x_forwarded_for_uses_the_peer(make_app):
    app = make_app(rate_limit=1, trust_proxy="10.0.0.1")
    write(app, "10.0.0.1", status=201)
    assert_rate_limited(write(app, "10.0.0.1", status=429))
    write(app, "10.0.0.1", status=201, HTTP_X_FORWARDED_FOR="1.1.1.1")


def test_two_ipv6_addresses_in_one_64_share_a_bucket(make_app):
    # An IPv6 host is given a /64 and may use any address in it.
    app = make_app(rate_limit=2)
    write(app, "2001:db8:1:2::1", status=201)
    write(app, "2001:db8:1:2:aaaa:bbbb:cccc:dddd", status=201)
    assert_rate_limited(write(app, "2001:db8:1:2::2", status=429))


def test_ipv6_addresses_in_different_64s_have_their_own_buckets(make_app):
    app = make_app(rate_limit=1)
    write(app, "2001:db8:1:2::1", status=201)
    write(app, "2001:db8:1:3::1", status=201)
    assert_rate_limited(write(app, "2001:db8:1:2::1", status=429))


def test_a_search_bucket_is_shared_by_an_ipv6_64_too(make_app):
    app = make_app(search_rate_limit=1)
    app.get("/api/v1/search?q=x", extra_environ=client("2001:db8::1"), status=200)
    res = app.get("/api/v1/search?q=x", extra_environ=client("2001:db8::2"), status=429)
    assert_rate_limited(res)


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::", "2001:db8:1:2::/64"),
        ("::1", "::/64"),
        ("fe80::1%eth0", "fe80::/64"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("192.0.2.7", "192.0.2.7"),
    ],
)
def test_client_key_is_an_ipv6_addresss_64_and_an_ipv4_address_itself(address, key):
    assert client_key(address) == key


def test_client_key_keeps_text_that_is_no_address_cut_to_64_characters():
    assert client_key("unknown") == "unknown"
    assert client_key("x" * 100) == "x" * 64


# -- the manage-token guess throttle ---------------------------------------------------------


def guess(app, paste_id: str, token: str, *, addr: str = "10.0.0.1", status: int | str = "*"):
    return app.patch_json(
        f"{PASTES}/{paste_id}",
        {"title": "changed"},
        headers={"X-Manage-Token": token},
        extra_environ=client(addr),
        status=status,
    )


def fail_guesses(app, paste_id: str, times: int = GUESS_LIMIT) -> None:
    for i in range(times):
        assert_json_error(guess(app, paste_id, f"wrong-{i}", status=403), 403, "bad_token")


@pytest.fixture
def anon_paste(app) -> dict:
    return app.post_json(PASTES, {"content": "guard me"}, status=201).json


def test_after_ten_wrong_tokens_the_next_wrong_one_is_refused_with_429(app, anon_paste):
    fail_guesses(app, anon_paste["publicId"])
    res = guess(app, anon_paste["publicId"], "wrong-again", status=429)
    retry_after = assert_rate_limited(res, "too_many_attempts")
    assert retry_after <= GUESS_WINDOW + 1
    assert app.get(f"{PASTES}/{anon_paste['publicId']}").json["title"] == ""


def test_nine_wrong_tokens_do_not_lock_out_the_right_one(app, anon_paste):
    fail_guesses(app, anon_paste["publicId"], GUESS_LIMIT - 1)
    guess(app, anon_paste["publicId"], anon_paste["manageToken"], status=200)


def test_the_guess_throttle_lifts_when_the_window_has_passed(app, anon_paste, clock):
    fail_guesses(app, anon_paste["publicId"])
    clock.advance(GUESS_WINDOW - 1)
    guess(app, anon_paste["publicId"], "wrong-again", status=429)
    clock.advance(1)
    assert_json_error(guess(app, anon_paste["publicId"], "wrong-again", status=403), 403)


def test_waiting_the_throttles_retry_after_is_enough(app, anon_paste, clock):
    fail_guesses(app, anon_paste["publicId"])
    res = guess(app, anon_paste["publicId"], "wrong-again", status=429)
    clock.advance(assert_rate_limited(res, "too_many_attempts"))
    guess(app, anon_paste["publicId"], "wrong-again", status=403)


def test_the_guess_throttle_counts_per_paste_whatever_the_client(app, anon_paste):
    for i in range(GUESS_LIMIT):
        guess(app, anon_paste["publicId"], f"wrong-{i}", addr=f"10.1.0.{i}", status=403)
    res = guess(app, anon_paste["publicId"], "wrong-again", addr="10.2.0.1", status=429)
    assert_rate_limited(res, "too_many_attempts")


def test_guesses_at_one_paste_do_not_lock_another(app, anon_paste):
    other = app.post_json(PASTES, {"content": "other"}, status=201).json
    fail_guesses(app, anon_paste["publicId"])
    guess(app, other["publicId"], other["manageToken"], status=200)


def test_the_guess_throttle_guards_delete_and_extend_too(app, anon_paste):
    paste_id, token = anon_paste["publicId"], {"X-Manage-Token": "wrong-again"}
    fail_guesses(app, paste_id)
    assert_rate_limited(
        app.delete(f"{PASTES}/{paste_id}", headers=token, status=429), "too_many_attempts"
    )
    res = app.post_json(
        f"{PASTES}/{paste_id}/extend", {"ttlSeconds": 60}, headers=token, status=429
    )
    assert_rate_limited(res, "too_many_attempts")
    app.get(f"{PASTES}/{paste_id}", status=200)


def test_wrong_deletes_count_towards_the_same_throttle_as_wrong_edits(app, anon_paste):
    paste_id = anon_paste["publicId"]
    for i in range(GUESS_LIMIT):
        app.delete(f"{PASTES}/{paste_id}", headers={"X-Manage-Token": f"w{i}"}, status=403)
    guess(app, paste_id, "wrong-again", status=429)


def test_the_guess_throttle_applies_whatever_the_rate_limit(make_app):
    app = make_app(rate_limit=10_000)
    created = app.post_json(PASTES, {"content": "x"}, status=201).json
    fail_guesses(app, created["publicId"])
    guess(app, created["publicId"], "wrong-again", status=429)


def test_the_owner_key_is_not_locked_out_by_token_guesses(app, owner_key):
    headers = {"X-Api-Key": owner_key}
    paste_id = app.post_json(PASTES, {"content": "x"}, headers=headers, status=201).json["publicId"]
    fail_guesses(app, paste_id)
    app.patch_json(f"{PASTES}/{paste_id}", {"title": "mine"}, headers=headers, status=200)


# -- the body size limit ---------------------------------------------------------------------


@pytest.fixture
def small_app(make_app) -> webtest.TestApp:
    return make_app(max_paste_bytes=PASTE_CAP)


@pytest.fixture
def body_cap(small_app) -> int:
    """The read cap: the paste limit plus room for JSON or multipart framing."""
    return services_of(small_app.app).cfg.max_body_bytes


def test_content_of_exactly_the_limit_is_accepted(small_app):
    small_app.post_json(PASTES, {"content": "x" * PASTE_CAP}, status=201)


def test_content_over_the_limit_is_a_413_json_error(small_app):
    res = small_app.post_json(PASTES, {"content": "x" * (PASTE_CAP + 1)}, status=413)
    assert_json_error(res, 413, "too_large")


def test_the_limit_counts_utf8_bytes_not_characters(small_app):
    res = small_app.post_json(PASTES, {"content": "é" * (PASTE_CAP // 2 + 1)}, status=413)
    assert_json_error(res, 413, "too_large")


def test_the_limit_counts_all_files_together(small_app):
    files = [{"name": f"f{i}.txt", "content": "x" * (PASTE_CAP // 2)} for i in range(3)]
    assert_json_error(small_app.post_json(PASTES, {"files": files}, status=413), 413, "too_large")


def test_an_edit_over_the_limit_is_a_413_and_keeps_the_paste(small_app):
    created = small_app.post_json(PASTES, {"content": "keep"}, status=201).json
    url = f"{PASTES}/{created['publicId']}"
    res = small_app.patch_json(
        url,
        {"content": "x" * (PASTE_CAP + 1)},
        headers={"X-Manage-Token": created["manageToken"]},
        status=413,
    )
    assert_json_error(res, 413, "too_large")
    assert small_app.get(url).json["content"] == "keep"


def test_a_curl_paste_over_the_limit_is_a_413_json_error(small_app):
    assert_json_error(small_app.post("/", b"x" * (PASTE_CAP + 1), status=413), 413, "too_large")


def test_a_declared_length_over_the_cap_is_refused_without_reading_the_body(small_app, body_cap):
    stream = Stream(endless=True)
    res = send(small_app, stream, content_length=str(body_cap + 1))
    assert_json_error(res, 413, "too_large")
    assert stream.bytes_read == 0


def test_a_huge_declared_length_is_refused_without_reading_the_body(small_app):
    stream = Stream(endless=True)
    assert_json_error(send(small_app, stream, content_length="9" * 30), 413, "too_large")
    assert stream.bytes_read == 0


def test_the_curl_surface_refuses_a_declared_length_over_the_cap_unread(small_app, body_cap):
    stream = Stream(endless=True)
    res = send(small_app, stream, path="/", content_length=str(body_cap + 1), content_type="")
    assert_json_error(res, 413, "too_large")
    assert stream.bytes_read == 0


@pytest.mark.parametrize("declared", ["-1", "1e3", "0x10", " 10", "١٠"], ids=repr)
def test_a_content_length_that_is_not_a_number_is_a_400(small_app, declared):
    stream = Stream(b'{"content": "x"}')
    assert_json_error(
        send(small_app, stream, content_length=declared, lint=False), 400, "bad_content_length"
    )


def test_a_chunked_body_over_the_cap_is_cut_off_while_reading(small_app, body_cap):
    stream = Stream(endless=True)
    assert_json_error(send(small_app, stream, chunked=True), 413, "too_large")
    assert body_cap < stream.bytes_read <= body_cap + 1


def test_a_chunked_curl_body_over_the_cap_is_cut_off_while_reading(small_app, body_cap):
    stream = Stream(endless=True)
    res = send(small_app, stream, path="/", chunked=True, content_type="text/plain")
    assert_json_error(res, 413, "too_large")
    assert stream.bytes_read <= body_cap + 1


def test_a_chunked_body_within_the_cap_is_read_to_its_end(small_app):
    body = json.dumps({"content": "y" * (READ_CHUNK // 100)}).encode()
    res = send(small_app, Stream(body), chunked=True)
    assert res.status_int == 201, res.text
    assert small_app.get(f"{PASTES}/{res.json['publicId']}").json["content"] == "y" * (
        READ_CHUNK // 100
    )


def test_a_body_longer_than_its_content_length_is_read_only_that_far(small_app):
    body = json.dumps({"content": "declared"}).encode()
    stream = Stream(body + b"trailing bytes the client did not declare")
    res = send(small_app, stream, content_length=str(len(body)))
    assert res.status_int == 201, res.text
    assert stream.bytes_read == len(body)
    assert small_app.get(f"{PASTES}/{res.json['publicId']}").json["content"] == "declared"


def test_a_body_cut_short_by_its_content_length_is_invalid_json(small_app):
    body = json.dumps({"content": "cut here"}).encode()
    res = send(small_app, Stream(body), content_length=str(len(body) - 5))
    assert_json_error(res, 400, "invalid_json")


# -- nothing stored is lost ------------------------------------------------------------------


def oversize_json(app, cap, paste_id, headers):
    return app.post_json(PASTES, {"content": "x" * (PASTE_CAP + 1)}, expect_errors=True)


def oversize_declared(app, cap, paste_id, headers):
    return send(app, Stream(endless=True), content_length=str(cap + 1))


def oversize_chunked(app, cap, paste_id, headers):
    return send(app, Stream(endless=True), chunked=True)


def oversize_curl(app, cap, paste_id, headers):
    return send(app, Stream(endless=True), path="/", chunked=True, content_type="text/plain")


def oversize_edit(app, cap, paste_id, headers):
    body = {"content": "x" * (PASTE_CAP + 1)}
    return app.patch_json(f"{PASTES}/{paste_id}", body, headers=headers, expect_errors=True)


def oversize_edit_declared(app, cap, paste_id, headers):
    req = webtest.TestRequest.blank(f"{PASTES}/{paste_id}", method="PATCH", headers=headers)
    req.environ.update(
        {"wsgi.input": Stream(endless=True), "webob.is_body_seekable": False,
         "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(cap + 1)}
    )  # fmt: skip
    return app.do_request(req, status="*", expect_errors=True)


@pytest.mark.parametrize(
    "refused",
    [oversize_json, oversize_declared, oversize_chunked, oversize_curl, oversize_edit,
     oversize_edit_declared],
)  # fmt: skip
def test_a_413_loses_nothing_already_stored(small_app, body_cap, owner_key, refused):
    headers = {"X-Api-Key": owner_key}
    files = [{"name": "a.txt", "content": "first\n"}, {"name": "b.txt", "content": "second\n"}]
    paste_id = small_app.post_json(
        PASTES, {"files": files, "title": "kept"}, headers=headers, status=201
    ).json["publicId"]
    before = small_app.get(f"{PASTES}/{paste_id}", headers=headers).json

    assert refused(small_app, body_cap, paste_id, headers).status_int == 413

    after = small_app.get(f"{PASTES}/{paste_id}", headers=headers).json
    assert after["files"] == before["files"]
    assert after["title"] == "kept"
    assert after["revision"] == 1
    assert listed(small_app, owner_key) == [paste_id]
    revisions = small_app.get(f"{PASTES}/{paste_id}/revisions").json["revisions"]
    assert len(revisions) == 1


def test_rate_limited_and_throttled_requests_lose_nothing_already_stored(make_app, clock):
    app = make_app(rate_limit=GUESS_LIMIT + 2)
    created = app.post_json(PASTES, {"content": "precious"}, status=201).json
    url = f"{PASTES}/{created['publicId']}"
    for i in range(GUESS_LIMIT):
        app.delete(url, headers={"X-Manage-Token": f"w{i}"}, status=403)
    app.delete(url, headers={"X-Manage-Token": "w-again"}, status=429)  # throttled
    assert_rate_limited(app.delete(url, headers={"X-Manage-Token": "w"}, status=429))  # bucket
    clock.advance(MINUTE)
    assert app.get(url).json["content"] == "precious"


@pytest.mark.parametrize("path", [f"{PASTES}/{{id}}", "/raw/{id}", "/{id}"])
def test_wrong_tokens_on_reads_of_a_private_paste_are_throttled_too(app, path):
    """Once throttled a wrong token is refused with the 404 a missing paste gets (a 429 would
    tell guessers the paste exists); the right token works all along."""
    private = app.post_json(PASTES, {"content": "guard me", "exposure": "private"}, status=201).json
    url = path.format(id=private["publicId"])
    for i in range(GUESS_LIMIT):
        app.get(url, headers={"X-Manage-Token": f"wrong-{i}"}, status=404)
    throttled = app.get(url, headers={"X-Manage-Token": "wrong-again"}, status=404)
    missing = app.get(path.format(id="AAAAAAAAAA"), status=404)
    assert throttled.body == missing.body
    assert b"guard me" in app.get(url, headers={"X-Manage-Token": private["manageToken"]}).body


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
