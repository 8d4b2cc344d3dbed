"""The write-rate limit per client, over HTTP in process: 429 with Retry-After past the
burst, refills over time, one bucket per address (an IPv6 /64; the forwarded client behind a
trusted proxy), every write surface spending from it, and nothing stored lost."""

from urllib.parse import urlencode

import pytest
from helpers import (
    BROWSER,
    GUESS_LIMIT,
    MINUTE,
    PASTES,
    assert_rate_limited,
    client_environ,
    csrf,
    listed,
)

from pastebox.limits import client_key

# -- helpers ---------------------------------------------------------------------------------


def write(app, addr: str = "10.0.0.1", status: int | str = "*", **environ: str):
    """One anonymous create from `addr`."""
    return app.post_json(
        PASTES, {"content": "x"}, extra_environ=client_environ(addr, **environ), status=status
    )


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


def test_a_refused_write_stores_nothing(make_app, olive_key):
    app = make_app(rate_limit=2)
    headers = {"X-Api-Key": olive_key}
    stored = [app.post_json(PASTES, {"content": "x"}, headers=headers).json["publicId"]]
    stored.append(app.post_json(PASTES, {"content": "y"}, headers=headers).json["publicId"])
    assert_rate_limited(app.post_json(PASTES, {"content": "z"}, headers=headers, status=429))
    assert sorted(listed(app, olive_key)) == sorted(stored)


def test_reads_are_never_limited(make_app):
    app = make_app(rate_limit=1)
    paste_id = write(app, status=201).json["publicId"]
    assert_rate_limited(write(app, status=429))
    env = client_environ("10.0.0.1")
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
    env = client_environ("10.0.0.1")
    created = write(app, status=201).json
    token = {"X-Manage-Token": created["manageToken"]}
    url = f"{PASTES}/{created['publicId']}"
    app.patch_json(url, {"title": "t"}, headers=token, extra_environ=env, status=200)
    app.post("/", b"via curl", extra_environ=env, status=201)  # the curl surface
    app.post_json(url + "/extend", {"ttlSeconds": 60}, headers=token, extra_environ=env, status=200)
    assert_rate_limited(app.delete(url, headers=token, extra_environ=env, status=429))
    assert_rate_limited(app.post("/", b"more", extra_environ=env, status=429))
    assert_rate_limited(app.put("/f.txt", b"more", extra_environ=env, status=429))


def test_each_reveal_of_a_burn_paste_spends_a_write_token_and_past_the_rate_burns_nothing(
    make_app,
):
    app = make_app(rate_limit=2)
    burn = {"content": "x\n", "burnAfterRead": True}
    makers = [client_environ(f"10.0.1.{n}") for n in range(3)]  # each pays for its own create
    ids = [app.post_json(PASTES, burn, extra_environ=maker).json["publicId"] for maker in makers]
    reader = client_environ("10.0.0.1")
    form = urlencode({"csrf": csrf(app)})
    headers = {**BROWSER, "Content-Type": "application/x-www-form-urlencoded"}
    for paste_id in ids[:2]:
        app.post(f"/{paste_id}", form, headers=headers, extra_environ=reader, status=200)
    refused = app.post(f"/{ids[2]}", form, headers=headers, extra_environ=reader, status=429)
    assert refused.content_type == "text/html"  # the page's shape, saying when to come back
    assert int(refused.headers["Retry-After"]) >= 1
    app.get(f"{PASTES}/{ids[2]}", status=200)  # still there: the refused reveal burned nothing


def test_the_curl_surface_answers_429_as_json_with_retry_after(make_app):
    app = make_app(rate_limit=1)
    app.post("/", b"one", extra_environ=client_environ("10.0.0.1"), status=201)
    assert_rate_limited(app.post("/", b"two", extra_environ=client_environ("10.0.0.1"), status=429))


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
    app.get("/api/v1/search?q=x", extra_environ=client_environ("2001:db8::1"), status=200)
    res = app.get("/api/v1/search?q=x", extra_environ=client_environ("2001:db8::2"), status=429)
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


# -- nothing stored is lost ------------------------------------------------------------------


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
