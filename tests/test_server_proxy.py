"""Behind a real nginx, under the real server: the trusted proxy's X-Forwarded-For names each
client (its own rate-limit bucket) and its X-Forwarded-Proto the scheme of links; straight to
waitress, a client's own forwarded headers count for nothing."""

import pytest
from helpers import fetch

pytestmark = pytest.mark.server


CLIENT_A = "127.0.0.2"


CLIENT_B = "127.0.0.3"


PROXY = "127.0.0.1"  # nginx connects to the server from here


RATE = 2  # writes a minute per client; a token comes back only after 30 s


@pytest.fixture
def behind_nginx(start_server, start_nginx):
    """A pastebox server that trusts nginx at PROXY, and that nginx in front of it."""
    server = start_server("--trust-proxy", PROXY, env={"PASTEBOX_RATE_LIMIT": str(RATE)})
    return server, start_nginx(server.url)


def create(url: str, source: str, headers: dict[str, str] | None = None):
    return fetch(url + "/api/v1/pastes", "POST", {"content": "x"}, headers, source=source)


def test_through_nginx_each_client_address_has_its_own_bucket(behind_nginx):
    _, nginx = behind_nginx
    for _ in range(RATE):
        assert create(nginx.url, CLIENT_A).status == 201
    assert create(nginx.url, CLIENT_A).status == 429
    assert create(nginx.url, CLIENT_B).status == 201


def test_through_nginx_a_forged_x_forwarded_for_buys_no_new_bucket(behind_nginx):
    # nginx appends the address it saw; the client's own entries stay in front, uncounted.
    _, nginx = behind_nginx
    statuses = [
        create(nginx.url, CLIENT_A, {"X-Forwarded-For": f"10.9.9.{n}"}).status
        for n in range(RATE + 1)
    ]
    assert statuses == [201] * RATE + [429]


def test_links_are_https_behind_nginx_that_terminates_tls(behind_nginx):
    _, nginx = behind_nginx
    reply = create(nginx.tls_url, CLIENT_A)
    assert reply.status == 201
    assert reply.json()["url"].startswith("https://")


def test_through_nginx_on_plain_http_a_forged_x_forwarded_proto_is_overwritten(behind_nginx):
    _, nginx = behind_nginx
    reply = create(nginx.url, CLIENT_A, {"X-Forwarded-Proto": "https"})
    assert reply.status == 201
    assert reply.json()["url"].startswith("http://")


def test_straight_to_waitress_a_forged_x_forwarded_for_is_ignored(behind_nginx):
    server, _ = behind_nginx
    statuses = [
        create(server.url, CLIENT_A, {"X-Forwarded-For": f"10.9.9.{n}"}).status
        for n in range(RATE + 1)
    ]
    assert statuses == [201] * RATE + [429]


def test_straight_to_waitress_a_forged_x_forwarded_proto_is_ignored(behind_nginx):
    server, _ = behind_nginx
    reply = create(server.url, CLIENT_A, {"X-Forwarded-Proto": "https"})
    assert reply.status == 201
    assert reply.json()["url"].startswith("http://")
