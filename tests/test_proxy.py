"""Behind a reverse proxy, in process: only the trusted proxy's headers name the client, the
scheme and the host (translated by waitress's own code, as under the server); the settings that
say which proxy to believe. Through a real nginx and waitress: tests/test_server_proxy.py."""

import pytest
from helpers import PASTES

from pastebox.config import ConfigError, load_config

PROXY = "10.0.0.1"


STRANGER = "10.0.0.2"


def create(app, peer: str, status: int | str = "*", **headers: str):
    """One anonymous create arriving from the socket peer `peer` with these headers."""
    return app.post_json(
        PASTES,
        {"content": "x"},
        headers=headers,
        extra_environ={"REMOTE_ADDR": peer},
        status=status,
    )


def test_a_peer_that_is_not_the_trusted_proxy_cannot_name_its_own_address(make_app):
    app = make_app(rate_limit=2, trust_proxy=PROXY)
    for forged in ("1.1.1.1", "2.2.2.2"):
        create(app, STRANGER, 201, **{"X-Forwarded-For": forged})
    assert create(app, STRANGER, **{"X-Forwarded-For": "3.3.3.3"}).status_int == 429


def test_a_peer_that_is_not_the_trusted_proxy_cannot_choose_the_scheme(make_app):
    app = make_app(trust_proxy=PROXY)
    reply = create(app, STRANGER, 201, **{"X-Forwarded-Proto": "https"})
    assert reply.json["url"].startswith("http://")


def test_links_are_https_when_the_trusted_proxy_says_so(make_app):
    app = make_app(trust_proxy=PROXY)
    reply = create(app, PROXY, 201, **{"X-Forwarded-Proto": "https"})
    assert reply.json["url"].startswith("https://")
    assert reply.headers["Location"].startswith("https://")


def test_with_one_proxy_the_hop_it_appended_is_the_client(make_app):
    # nginx appends the peer it saw to whatever X-Forwarded-For the client sent: only that
    # last entry is the proxy's word, so a client rotating its own entries keeps one bucket.
    app = make_app(rate_limit=2, trust_proxy=PROXY)
    for forged in ("6.6.6.6", "7.7.7.7"):
        create(app, PROXY, 201, **{"X-Forwarded-For": f"{forged}, 1.1.1.1"})
    assert create(app, PROXY, **{"X-Forwarded-For": "8.8.8.8, 1.1.1.1"}).status_int == 429
    create(app, PROXY, 201, **{"X-Forwarded-For": "1.1.1.1, 2.2.2.2"})


def test_x_forwarded_host_is_ignored_unless_trusted(make_app):
    app = make_app(trust_proxy=PROXY)  # default headers: for and proto
    reply = create(app, PROXY, 201, Host="paste.local", **{"X-Forwarded-Host": "evil.example"})
    assert reply.json["url"].startswith("http://paste.local/")


def test_x_forwarded_host_names_the_host_when_trusted(make_app):
    app = make_app(
        trust_proxy=PROXY, trust_proxy_headers="x-forwarded-for,x-forwarded-proto,x-forwarded-host"
    )
    headers = {"X-Forwarded-Host": "paste.example.org", "X-Forwarded-Proto": "https"}
    reply = create(app, PROXY, 201, Host="127.0.0.1:8080", **headers)
    assert reply.json["url"].startswith("https://paste.example.org/")


def test_a_forwarded_host_that_is_not_a_host_never_reaches_a_link(make_app):
    app = make_app(trust_proxy=PROXY, trust_proxy_headers="x-forwarded-host")
    reply = create(app, PROXY, 201, **{"X-Forwarded-Host": "<b>x</b>"})
    assert reply.json["url"].startswith("http://localhost/")


def test_the_forwarded_header_names_client_and_scheme_when_chosen(make_app):
    app = make_app(rate_limit=1, trust_proxy=PROXY, trust_proxy_headers="forwarded")
    reply = create(app, PROXY, 201, Forwarded="for=1.1.1.1;proto=https")
    assert reply.json["url"].startswith("https://")
    assert create(app, PROXY, Forwarded="for=1.1.1.1;proto=https").status_int == 429
    create(app, PROXY, 201, Forwarded="for=2.2.2.2")
    # X-Forwarded-* are not the chosen headers: dropped, so they name nobody
    create(app, PROXY, 201, **{"X-Forwarded-For": "3.3.3.3"})
    assert create(app, PROXY, **{"X-Forwarded-For": "4.4.4.4"}).status_int == 429


def test_without_a_trusted_proxy_no_forwarded_header_counts(make_app):
    app = make_app(rate_limit=1)
    create(app, PROXY, 201, Forwarded="for=1.1.1.1;proto=https")
    reply = create(app, PROXY, Forwarded="for=2.2.2.2", **{"X-Forwarded-For": "2.2.2.2"})
    assert reply.status_int == 429
    link = create(app, "10.0.0.9", 201, **{"X-Forwarded-Proto": "https"}).json["url"]
    assert link.startswith("http://")


def test_cookies_are_secure_when_the_trusted_proxy_says_https(make_app):
    app = make_app(trust_proxy=PROXY)
    reply = app.get(
        "/new",
        headers={"Accept": "text/html", "X-Forwarded-Proto": "https"},
        extra_environ={"REMOTE_ADDR": PROXY},
    )
    (cookie,) = reply.headers.getall("Set-Cookie")
    assert cookie.endswith("; Secure")


# -- the settings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "meaning"),
    [
        ("", ""),
        ("false", ""),
        ("true", "127.0.0.1"),  # the proxy runs on this host
        ("*", "*"),
        (" 192.168.1.10 ", "192.168.1.10"),
        ("0:0:0:0:0:0:0:1", "::1"),  # as the socket reports the peer
    ],
)
def test_trust_proxy_names_one_address(value, meaning):
    assert load_config(env={"PASTEBOX_TRUST_PROXY": value}).trust_proxy == meaning


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"PASTEBOX_TRUST_PROXY": "proxy.example"}, "trust_proxy"),
        ({"PASTEBOX_TRUST_PROXY": "10.0.0.0/8"}, "trust_proxy"),
        ({"PASTEBOX_TRUST_PROXY_HOPS": "0"}, "trust_proxy_hops must be at least 1"),
        ({"PASTEBOX_TRUST_PROXY_HEADERS": "x-real-ip"}, "trust_proxy_headers"),
        ({"PASTEBOX_TRUST_PROXY_HEADERS": "forwarded,x-forwarded-for"}, "cannot be trusted"),
        ({"PASTEBOX_TRUST_PROXY_HEADERS": ","}, "trust_proxy_headers"),
    ],
)
def test_bad_proxy_settings_are_one_clear_line(env, needle):
    with pytest.raises(ConfigError) as caught:
        load_config(env=env)
    assert needle in str(caught.value)
    assert "\n" not in str(caught.value)
