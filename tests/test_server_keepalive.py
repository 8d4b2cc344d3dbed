"""A reply with no body by definition (304) keeps its HTTP/1.1 connection open on a real server:
a room page polls its feed every second, and a 304 that closed the connection cost a new one
per poll (waitress closes after any reply without a Content-Length, which bottle drops on 304)."""

import http.client
import json

from helpers import ROOMS, server_address


def feed_path(conn: http.client.HTTPConnection) -> str:
    conn.request("POST", ROOMS, body=b"{}", headers={"Content-Type": "application/json"})
    room = json.loads(conn.getresponse().read())["roomId"]
    return f"{ROOMS}/{room}/feed"


def get(conn: http.client.HTTPConnection, path: str, **headers: str):
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    return response


def first_poll(live_server) -> tuple[http.client.HTTPConnection, str, str]:
    """A connection, the feed of a new room on it, and the feed's ETag from a first poll."""
    conn = http.client.HTTPConnection(*server_address(live_server.url), timeout=10)
    path = feed_path(conn)
    return conn, path, get(conn, path).headers["ETag"]


def test_a_304_keeps_the_connection_for_the_next_poll(live_server):
    conn, path, tag = first_poll(live_server)
    socket_before = conn.sock
    for _ in range(3):
        again = get(conn, path, **{"If-None-Match": tag})
        assert again.status == 304
        assert again.headers.get("Connection") is None
    assert conn.sock is socket_before  # never reopened: the server kept it
    conn.close()


def test_a_304_still_closes_when_the_client_asks_to(live_server):
    conn, path, tag = first_poll(live_server)
    closing = get(conn, path, **{"If-None-Match": tag, "Connection": "close"})
    assert closing.status == 304 and closing.headers["Connection"] == "close"
    conn.close()
