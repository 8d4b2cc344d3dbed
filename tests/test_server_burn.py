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
from helpers import READERS, ROOT, fetch, wait_until

READ_PATHS = {"curl-view": "/{id}", "raw": "/raw/{id}", "json-api": "/api/v1/pastes/{id}"}
CONTENT = "the secret, served once\n"
EXPIRED_WAIT = 10.0
SWEEP_WAIT = 20.0
GONE_KINDS = ("expired", "burned", "deleted")


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


def files_holding(db: str, marker: str) -> list[str]:
    """The database files (main, WAL, shared memory) that still hold a trace of `marker`."""
    return [Path(name).name for name, data in database_bytes(db).items() if trace(marker) in data]


def create_marked(url: str, **fields) -> tuple[str, dict]:
    """A paste with a fresh marker in its title and its text."""
    marker = new_marker()
    return marker, create(url, f"text {marker} more text\n", title=f"title {marker}", **fields)


def leave_gone(url: str, kind: str) -> str:
    """A paste that is gone the way `kind` says (while the server runs); returns its marker."""
    if kind == "expired":
        marker, paste = create_marked(url, exposure="public", ttlSeconds=1)
        expired = f"{url}/api/v1/pastes/{paste['publicId']}"
        assert wait_until(lambda: fetch(expired).status == 410, EXPIRED_WAIT)
    elif kind == "burned":
        marker, paste = create_marked(url, burnAfterRead=True)
        assert fetch(f"{url}/raw/{paste['publicId']}").status == 200
    else:
        marker, paste = create_marked(url, exposure="public")
        token = {"X-Manage-Token": paste["manageToken"]}
        deleted = fetch(f"{url}/api/v1/pastes/{paste['publicId']}", "DELETE", headers=token)
        assert deleted.status == 200
    return marker


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


@pytest.mark.parametrize("kind", GONE_KINDS)
def test_purge_after_a_stop_leaves_no_trace_of_gone_content_in_the_database_files(
    live_server, kind
):
    live, _ = create_marked(live_server.url, exposure="public")
    gone = leave_gone(live_server.url, kind)
    assert live_server.stop() == 0
    result = purge(live_server.db)
    assert result.returncode == 0, result.stderr
    assert files_holding(live_server.db, gone) == []
    assert files_holding(live_server.db, live), "the search for traces cannot find anything"


@pytest.mark.parametrize("kind", GONE_KINDS)
def test_janitor_leaves_no_trace_of_gone_content_in_the_running_servers_files(start_server, kind):
    server = start_server("--janitor-interval", "1")
    live, _ = create_marked(server.url, exposure="public")
    gone = leave_gone(server.url, kind)
    wait_until(lambda: files_holding(server.db, gone) == [], SWEEP_WAIT, interval=0.25)
    assert files_holding(server.db, gone) == []
    assert files_holding(server.db, live), "the search for traces cannot find anything"
    assert server.stop() == 0
