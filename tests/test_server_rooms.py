"""Rooms on a real server (`python -m pastebox serve`): two clients share a room and each sees
what the other sent, text and file; a file of 10 MiB + 1 byte is 413 and leaves no row; the
janitor removes an expired room, and its file's bytes leave the database file."""

import secrets
import sqlite3
from pathlib import Path

from helpers import MIB, ROOMS, fetch, multipart, wait_until

LAPTOP, PHONE = "127.0.0.2", "127.0.0.3"  # two clients: two source addresses on loopback
PIN = "2580"


def stored_items(db: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM room_items").fetchone()[0]


def upload(url: str, room_id: str, name: str, data: bytes, headers=None, source=None):
    body, content_type = multipart(("file", name, data))
    return fetch(
        f"{url}{ROOMS}/{room_id}/upload",
        "POST",
        body,
        {"Content-Type": content_type, **(headers or {})},
        timeout=60,
        source=source,
    )


def test_two_clients_share_a_room_text_and_file(live_server):
    url = live_server.url
    made = fetch(url + ROOMS, "POST", {"pin": PIN}, source=LAPTOP)
    assert made.status == 201
    room_id = made.json()["roomId"]
    laptop = {"X-Device-Token": made.headers["X-Device-Token"], "X-Device-Name": "Laptop"}
    sent = fetch(f"{url}{ROOMS}/{room_id}/content", "PUT", {"content": "from the laptop"},
                 laptop, source=LAPTOP)  # fmt: skip
    assert sent.status == 200
    data = secrets.token_bytes(200_000)
    file_url = upload(url, room_id, "photo.bin", data, laptop, LAPTOP).json()["fileUrl"]

    phone = {"X-Room-Pin": PIN}
    seen = fetch(f"{url}{ROOMS}/{room_id}/content", headers=phone, source=PHONE)
    assert seen.json()["content"] == "from the laptop"
    got = fetch(file_url, headers=phone, source=PHONE)
    assert got.status == 200 and got.body == data
    feed = fetch(f"{url}{ROOMS}/{room_id}/feed", headers=phone, source=PHONE).json()
    assert feed["deviceCount"] == 2
    assert [i["device"] for i in feed["items"]] == ["Laptop", "Laptop"]

    reply = fetch(f"{url}{ROOMS}/{room_id}/content", "POST", {"content": "from the phone"},
                  phone, source=PHONE)  # fmt: skip
    assert reply.status == 200
    back = fetch(f"{url}{ROOMS}/{room_id}/content", headers=laptop, source=LAPTOP)
    assert back.json()["content"] == "from the phone"


def test_a_file_of_ten_mib_and_one_byte_is_413_and_leaves_no_row(live_server):
    url = live_server.url
    room_id = fetch(url + ROOMS, "POST", {}).json()["roomId"]
    reply = upload(url, room_id, "big.bin", b"\x00" * (10 * MIB + 1))
    assert reply.status == 413
    assert reply.json()["error"]
    assert stored_items(live_server.db) == 0
    assert upload(url, room_id, "ok.bin", b"\x00" * (10 * MIB)).status == 200
    assert stored_items(live_server.db) == 1


def test_the_janitor_removes_an_expired_room_and_its_bytes_leave_the_file(start_server):
    server = start_server("--janitor-interval", "1")
    url = server.url
    room_id = fetch(url + ROOMS, "POST", {}).json()["roomId"]
    marker = b"ROOMBYTES-" + secrets.token_hex(16).encode()
    file_url = upload(url, room_id, "secret.txt", marker * 64).json()["fileUrl"]
    assert fetch(file_url).body == marker * 64
    # The room's idle time is at least a minute (room_idle_ttl): age it in the file instead of
    # waiting, as the clock would.
    with sqlite3.connect(server.db) as conn:
        conn.execute("UPDATE rooms SET expires_at = 1 WHERE id = ?", (room_id,))
    assert fetch(file_url).status == 404  # gone at once, before any sweep
    assert fetch(f"{url}{ROOMS}/{room_id}").status == 404

    def bytes_gone() -> bool:
        files = [Path(server.db), Path(server.db + "-wal")]
        return all(marker not in f.read_bytes() for f in files if f.exists())

    assert wait_until(bytes_gone, timeout=20)
    assert stored_items(server.db) == 0
