"""`python -m pastebox room new|send|get` against a real server: a room made from the shell,
text sent from stdin and read back exactly, a file sent and served byte for byte, the PIN, join
links, and failures as one line."""

import re

from helpers import ROOMS, fetch, one_line

ROOM_URL_RE = re.compile(r"(http://127\.0\.0\.1:\d+)/r/([23456789a-z]{10})\n")
PIN = "9413"


def new_room(pastebox, server: str, *flags: str) -> tuple[str, str]:
    """`room new`; (its URL, the stderr it printed)."""
    result = pastebox("room", "new", "--server", server, *flags)
    assert result.returncode == 0, result.stderr
    assert ROOM_URL_RE.fullmatch(result.text), result.text
    return result.text.strip(), result.stderr


def test_room_new_prints_the_rooms_link_and_its_id(pastebox, live_server):
    url, stderr = new_room(pastebox, live_server.url)
    room_id = url.rsplit("/", 1)[1]
    assert f"room {room_id[:5]}-{room_id[5:]}" in stderr
    assert fetch(f"{live_server.url}{ROOMS}/{room_id}").json()["hasPin"] is False


def test_text_sent_from_stdin_is_read_back_exactly(pastebox, live_server):
    url, _ = new_room(pastebox, live_server.url)
    text = "héllo\r\nworld\t✓\n\n".encode()
    sent = pastebox("room", "send", url, input=text)
    assert sent.returncode == 0, sent.stderr
    assert sent.text == url + "\n"
    got = pastebox("room", "get", url)
    assert got.returncode == 0, got.stderr
    assert got.stdout == text


def test_a_room_is_named_by_its_shown_id_on_the_chosen_server(pastebox, live_server):
    url, _ = new_room(pastebox, live_server.url)
    room_id = url.rsplit("/", 1)[1]
    shown = f"{room_id[:5]}-{room_id[5:]}".upper()
    server = ("--server", live_server.url)
    assert pastebox("room", "send", shown, *server, input=b"by id").returncode == 0
    assert pastebox("room", "get", shown, *server).stdout == b"by id"


def test_a_file_is_sent_as_a_file_and_served_byte_for_byte(pastebox, live_server, tmp_path):
    url, _ = new_room(pastebox, live_server.url)
    data = bytes(range(256)) * 64
    path = tmp_path / "photo.bin"
    path.write_bytes(data)
    sent = pastebox("room", "send", url, str(path))
    assert sent.returncode == 0, sent.stderr
    file_url = sent.text.strip()
    assert file_url.startswith(url + "/files/") and file_url.endswith("/photo.bin")
    assert fetch(file_url).body == data


def test_a_pin_room_needs_its_pin(pastebox, live_server):
    url, stderr = new_room(pastebox, live_server.url, "--pin", PIN)
    assert "join link" in stderr
    refused = pastebox("room", "get", url)
    assert refused.returncode == 1
    assert "--pin" in one_line(refused.stderr)
    wrong = pastebox("room", "get", url, "--pin", "0000")
    assert wrong.returncode == 1 and "wrong PIN" in one_line(wrong.stderr)
    assert pastebox("room", "send", url, "--pin", PIN, input=b"guarded").returncode == 0
    assert pastebox("room", "get", url, "--pin", PIN).stdout == b"guarded"


def test_a_join_link_lets_its_holder_in_without_the_pin(pastebox, live_server):
    _, stderr = new_room(pastebox, live_server.url, "--pin", PIN)
    join = re.search(r"(http://\S+\?join=\S+)", stderr).group(1)
    assert pastebox("room", "send", join, input=b"via link").returncode == 0
    assert pastebox("room", "get", join).stdout == b"via link"


def test_a_bad_pin_at_new_is_one_line_and_exit_1(pastebox, live_server):
    result = pastebox("room", "new", "--server", live_server.url, "--pin", "12a4")
    assert result.returncode == 1
    assert "four digits" in one_line(result.stderr)


def test_not_a_room_is_a_usage_error(pastebox, live_server):
    result = pastebox("room", "get", "not-a-room!", "--server", live_server.url)
    assert result.returncode == 2
    assert "not a room" in one_line(result.stderr)


def test_an_unknown_room_is_one_line_and_exit_1(pastebox, live_server):
    result = pastebox("room", "get", "zzzzz-zzzzz", "--server", live_server.url)
    assert result.returncode == 1
    assert "no such room" in one_line(result.stderr)


def test_the_pin_may_come_from_the_environment_out_of_the_process_list(pastebox, live_server):
    url, _ = new_room(pastebox, live_server.url, "--pin", PIN)
    env = {"PASTEBOX_ROOM_PIN": PIN}
    assert pastebox("room", "send", url, input=b"from env", env=env).returncode == 0
    assert pastebox("room", "get", url, env=env).stdout == b"from env"
