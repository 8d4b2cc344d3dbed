"""Burn-after-read and purging on a real server: one reader wins a burn paste, HEAD never burns,
and burned, expired and deleted content leaves the database files (not only the queries)."""

import json
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from conftest import ROOT, fetch, wait_until

READERS = 16
READ_PATHS = {"curl-view": "/{id}", "raw": "/raw/{id}", "json-api": "/api/v1/pastes/{id}"}
CONTENT = "the secret, served once\n"
EXPIRED_WAIT = 10.0
SWEEP_WAIT = 20.0


def create(url: str, content: str, **fields) -> dict:
    reply = fetch(f"{url}/api/v1/pastes", "POST", {"content": content, **fields})
    assert reply.status == 201, reply.body
    return reply.json()


def served_content(path: str, body: bytes) -> str:
    """The paste text in a reply: the raw bytes, or the JSON API's content field."""
    return json.loads(body)["content"] if path.startswith("/api/") else body.decode()


def read_together(urls: list[str]) -> list[tuple[int, bytes]]:
    """GET every URL from its own thread, all released at once by a barrier."""
    barrier = threading.Barrier(len(urls))
    results: list[tuple[int, bytes] | None] = [None] * len(urls)

    def read(i: int) -> None:
        barrier.wait(timeout=10)
        reply = fetch(urls[i])
        results[i] = (reply.status, reply.body)

    threads = [threading.Thread(target=read, args=(i,)) for i in range(len(urls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert all(r is not None for r in results), "a reader did not finish"
    return results  # type: ignore[return-value]


# -- exactly once --------------------------------------------------------------------------


@pytest.mark.parametrize("path", READ_PATHS.values(), ids=READ_PATHS.keys())
def test_burned_paste_is_served_exactly_once_to_concurrent_readers(live_server, path):
    pid = create(live_server.url, CONTENT, burnAfterRead=True)["publicId"]
    results = read_together([live_server.url + path.format(id=pid)] * READERS)
    winners = [body for status, body in results if status == 200]
    losers = [status for status, _ in results if status != 200]
    assert len(winners) == 1, sorted(status for status, _ in results)
    assert served_content(path, winners[0]) == CONTENT
    assert set(losers) <= {404, 410} and len(losers) == READERS - 1


def test_a_burned_paste_answers_gone_afterwards(live_server):
    pid = create(live_server.url, CONTENT, burnAfterRead=True)["publicId"]
    assert fetch(f"{live_server.url}/raw/{pid}").status == 200
    later = fetch(f"{live_server.url}/raw/{pid}")
    assert later.status == 410
    assert later.json()["error"] == "burned"


@pytest.mark.parametrize("path", READ_PATHS.values(), ids=READ_PATHS.keys())
def test_head_never_burns(live_server, path):
    pid = create(live_server.url, CONTENT, burnAfterRead=True)["publicId"]
    url = live_server.url + path.format(id=pid)
    for _ in range(3):
        assert fetch(url, "HEAD").status == 200
    reply = fetch(url)
    assert reply.status == 200
    assert served_content(path, reply.body) == CONTENT


# -- gone from the file, not only from the queries -----------------------------------------


def new_marker() -> str:
    """One FTS token ('mk' and 32 hex digits) that appears nowhere else."""
    return "mk" + uuid.uuid4().hex


def trace(marker: str) -> bytes:
    """What to look for in the files: the search index stores terms prefix-compressed, so its copy
    of a marker may lack the start; the last 20 characters are in every copy."""
    return marker[-20:].encode()


def database_bytes(db: str) -> dict[str, bytes]:
    return {
        name: Path(name).read_bytes()
        for name in (db, db + "-wal", db + "-shm")
        if Path(name).exists()
    }


def traces_left(db: str, markers: dict[str, str]) -> dict[str, list[str]]:
    """For each label, the database files that still hold its marker."""
    files = database_bytes(db)
    return {
        label: [Path(name).name for name, data in files.items() if trace(marker) in data]
        for label, marker in markers.items()
    }


def leave_gone_and_live_content(url: str) -> tuple[dict[str, str], str]:
    """Create an expired, a burned and a deleted paste and a live one, each holding its own marker
    in its title and its text; return the gone markers by label and the live one."""
    gone = {"expired": new_marker(), "burned": new_marker(), "deleted": new_marker()}
    live = new_marker()

    def make(marker: str, **fields) -> dict:
        return create(url, f"text {marker} more text\n", title=f"title {marker}", **fields)

    expired = make(gone["expired"], exposure="public", ttlSeconds=1)
    burned = make(gone["burned"], burnAfterRead=True)
    deleted = make(gone["deleted"], exposure="public")
    make(live, exposure="public")
    assert fetch(f"{url}/raw/{burned['publicId']}").status == 200
    token = {"X-Manage-Token": deleted["manageToken"]}
    assert fetch(f"{url}/api/v1/pastes/{deleted['publicId']}", "DELETE", headers=token).status == 200
    assert wait_until(
        lambda: fetch(f"{url}/api/v1/pastes/{expired['publicId']}").status == 410, EXPIRED_WAIT
    )
    return gone, live


def clean_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("PASTEBOX_")}


def purge(db: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pastebox", "purge", "--db", db],
        cwd=ROOT,
        env={**clean_environment(), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_purge_after_a_stop_leaves_no_trace_of_gone_content_in_the_database_files(live_server):
    gone, live = leave_gone_and_live_content(live_server.url)
    assert live_server.stop() == 0
    result = purge(live_server.db)
    assert result.returncode == 0, result.stderr
    assert traces_left(live_server.db, gone) == {label: [] for label in gone}
    assert traces_left(live_server.db, {"live": live})["live"], "the grep cannot find anything"


def test_janitor_leaves_no_trace_of_gone_content_in_the_running_servers_files(start_server):
    server = start_server("--janitor-interval", "1")
    gone, live = leave_gone_and_live_content(server.url)
    clean = {label: [] for label in gone}
    wait_until(lambda: traces_left(server.db, gone) == clean, SWEEP_WAIT, interval=0.25)
    assert traces_left(server.db, gone) == clean
    assert traces_left(server.db, {"live": live})["live"], "the grep cannot find anything"
    assert server.stop() == 0
