"""The command-line client's password pastes against a real server: they open with their
password only, which may come on stdin."""

from helpers import fetch, one_line, pasted_id

# -- password pastes -------------------------------------------------------------------------


def test_a_password_paste_opens_with_its_password_only(pastebox, live_server):
    password = "correct horse ✓"  # not latin-1: the header carries UTF-8
    created = pastebox(
        "paste", "--password", password, "--server", live_server.url, input=b"behind a password\n"
    )
    pid = pasted_id(created)
    assert b"behind" not in fetch(f"{live_server.url}/api/v1/pastes/{pid}").body
    right = pastebox("get", created.text.strip(), "--password", password)
    assert (right.returncode, right.stdout) == (0, b"behind a password\n"), right.stderr
    piped = pastebox("get", pid, "--password-stdin", "--server", live_server.url,
                     input=password.encode() + b"\n")  # fmt: skip
    assert (piped.returncode, piped.stdout) == (0, b"behind a password\n"), piped.stderr
    wrong = pastebox("get", created.text.strip(), "--password", "battery staple")
    assert (wrong.returncode, wrong.stdout) == (1, b"")
    assert "wrong password" in one_line(wrong.stderr)
    missing = pastebox("get", created.text.strip())
    assert missing.returncode == 1
    assert "--password" in one_line(missing.stderr)


def test_password_stdin_with_the_paste_from_files(pastebox, live_server, tmp_path):
    (tmp_path / "note.txt").write_text("filed\n")
    created = pastebox(
        "paste", "note.txt", "--password-stdin", "--server", live_server.url, input=b"s3cret\n"
    )
    got = pastebox("get", created.text.strip(), "--password", "s3cret")
    assert (got.returncode, got.stdout) == (0, b"filed\n"), created.stderr + got.stderr
