"""What a costly request passes before it runs, in one place: a token of its client's write
rate (every write, and every password tried), the write gate (writes one at a time), and for a
search a token of its client's search rate and a slot at the search gate.

Most writes pass here through the write_limit plugin (web/plugins.py, by the route's `writes`
option in web/routes.py); a form whose refusal must come back on the form takes its token in
its handler instead, through the same functions.
"""

import contextlib
from collections.abc import Iterator

from pastebox.web.context import Services


def take_write_token(services: Services, client: str) -> None:
    """Spend one token of `client`'s write rate, or raise RateLimited."""
    services.limiter.take(client, services.now())


@contextlib.contextmanager
def writing(services: Services, client: str, *, gate: bool = True) -> Iterator[None]:
    """A write's turn: one token of the client's write rate, then (with `gate`) the write gate,
    held for the block. A write that is a small part of slow work (rendering a page) goes
    without the gate; the store still serialises its SQL."""
    take_write_token(services, client)
    if not gate:
        yield
        return
    with services.write_gate:
        yield


@contextlib.contextmanager
def searching(services: Services, client: str) -> Iterator[None]:
    """A search's turn: one token of the client's search rate, then a slot at the gate."""
    services.search_limiter.take(client, services.now())
    with services.search_gate:
        yield
