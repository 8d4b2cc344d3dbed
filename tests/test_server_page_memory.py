"""A real server showing pathological pastes: whatever a paste is like, viewing its page keeps
the server's peak memory within a fixed budget, one view at a time or several at once."""

import threading
import uuid

import pytest
from helpers import fetch, peak_memory, reset_peak_memory

MB = 1024 * 1024


# Peak RSS a server may add over what it held once the pastes were made. Before pages were
# bounded, one view of 1.5 MB of newlines added 0.8-2 GB (a 182 MB page).
BUDGET = 150 * MB


BROWSER = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}


CODE_LINE = b"    total = compute(value, 'label', 42)  # keep the running sum\n"


TEN_MB = 10_000_000


PASTES = {  # name -> ([(file name, content)], language)
    "1.5 MB of newlines": ([("nl.txt", b"\n" * 1_500_000)], ""),
    "10 MB of code": ([("big.py", CODE_LINE * (TEN_MB // len(CODE_LINE)))], "python"),
    "10 MB of tiny lines": ([("tiny.txt", b"a\n" * (TEN_MB // 2))], ""),
    "one 10 MB line": ([("line.txt", b"<" * TEN_MB)], ""),
    "20 files of 500 KB": ([(f"f{i}.py", CODE_LINE * 8_000) for i in range(20)], "python"),
}


SEQUENTIAL_VIEWS = 2


CONCURRENT_VIEWS = 3


def create(url: str, files: list[tuple[str, bytes]], language: str) -> str:
    """A paste made through the curl surface (one multipart part per file); its id."""
    boundary = uuid.uuid4().hex
    body = (
        b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: text/plain\r\n\r\n".encode()
            + content
            + b"\r\n"
            for name, content in files
        )
        + f"--{boundary}--\r\n".encode()
    )
    headers = {"Accept": "application/json",
               "Content-Type": f"multipart/form-data; boundary={boundary}"}  # fmt: skip
    reply = fetch(f"{url}/?lang={language}" if language else f"{url}/", "POST", body, headers,
                  timeout=120)  # fmt: skip
    assert reply.status == 201, reply.body[:200]
    return reply.json()["publicId"]


def view(url: str, statuses: list[int] | None = None) -> None:
    status = fetch(url, headers=BROWSER, timeout=300).status
    if statuses is None:
        assert status == 200
    else:
        statuses.append(status)


@pytest.fixture
def server_with_pastes(start_server):
    server = start_server("--max-paste-bytes", str(12 * MB))
    made = {name: create(server.url, files, lang) for name, (files, lang) in PASTES.items()}
    warm = create(server.url, [("warm.py", b"x = 1\n")], "python")
    view(f"{server.url}/{warm}")  # the render worker started, the templates compiled
    return server, made


def test_viewing_pathological_pastes_keeps_the_servers_peak_memory_within_a_budget(
    server_with_pastes,
):
    server, made = server_with_pastes
    pid = server.proc.pid
    baseline = reset_peak_memory(pid)  # what the server holds once the pastes are made
    for name, paste_id in made.items():
        url = f"{server.url}/{paste_id}"
        for _ in range(SEQUENTIAL_VIEWS):
            view(url)
        statuses: list[int] = []
        together = [threading.Thread(target=view, args=(url, statuses))
                    for _ in range(CONCURRENT_VIEWS)]  # fmt: skip
        for t in together:
            t.start()
        for t in together:
            t.join(300)
        assert statuses == [200] * CONCURRENT_VIEWS, name
        growth = peak_memory(pid) - baseline
        assert growth < BUDGET, f"{name}: peak RSS grew {growth / MB:.0f} MB"
