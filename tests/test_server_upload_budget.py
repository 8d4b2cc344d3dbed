"""A real server holds request bodies in memory (a password paste's plaintext never goes to a
temp file), so the bytes of uploads not yet answered have one budget across all connections:
past it the largest uploads still arriving are shed, and memory stays within the budget."""

import pytest
from helpers import MIB, Crowd, closed_reply, fetch, peak_memory, reset_peak_memory, status_line

BUDGET_MB = 32


STALLED = 12


DECLARED = 14 * MIB  # under waitress's cap: max_body_bytes (13.3 MiB) + 1 MiB


SENT = 10 * MIB  # then nothing: 120 MiB held without a budget


NEWCOMER = 4 * MIB  # with the stalled uploads the budget keeps, more than the budget


SHED_PATIENCE = 5.0


# A BytesIO grows by over-allocating, and the allocator keeps freed pages a while.
GROWTH_ALLOWANCE = 1.5


@pytest.fixture
def stalled(start_server):
    """A server with a 32 MiB upload budget and twelve 10 MiB uploads that stalled, from six
    addresses; (server, RSS before in bytes, the stalled sockets)."""
    server = start_server("--upload-buffer-mb", str(BUDGET_MB))
    assert fetch(server.url + "/api/health").status == 200
    before = reset_peak_memory(server.proc.pid)
    with Crowd(server.url) as crowd:
        socks = [
            crowd.stalled_upload(DECLARED, SENT, source=f"127.0.0.{2 + n % 6}")
            for n in range(STALLED)
        ]
        yield server, before, socks


def test_stalled_uploads_past_the_budget_are_shed_with_503(stalled):
    _, _, socks = stalled
    replies = [closed_reply(sock, SHED_PATIENCE) for sock in socks]
    kept = [r for r in replies if r is None]
    print(f"{len(kept)} of {STALLED} stalled uploads kept")
    assert len(kept) * SENT <= BUDGET_MB * MIB
    statuses = {status_line(r) for r in replies if r}
    # A shed upload may also see a reset: it was closed with its body unread.
    assert statuses <= {"HTTP/1.1 503 Service Unavailable"}


def test_memory_stays_within_the_upload_budget(stalled):
    server, before, _ = stalled
    peak = peak_memory(server.proc.pid)
    print(f"RSS {before // MIB} MiB before, peak {peak // MIB} MiB")
    assert peak - before <= GROWTH_ALLOWANCE * BUDGET_MB * MIB + 8 * MIB


def test_an_upload_that_completes_is_served_while_stalled_uploads_fill_the_budget(stalled):
    # The largest uploads still arriving are shed first: the stalled ones, not the newcomer.
    server, _, _ = stalled
    reply = fetch(server.url + "/api/v1/pastes", "POST", {"content": "x" * NEWCOMER})
    assert reply.status == 201
