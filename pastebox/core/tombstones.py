"""Who is told that a paste is gone: 410 with its fate (burned, expired, deleted) for a paste
that existed, 404 for one that never did, and 404 too for a gone private paste unless it was
the asker's. The store keeps the facts (store/tombstones.py); the decision is made here."""

from pastebox.core import ids
from pastebox.core.errors import Gone, NotFound
from pastebox.core.model import ANONYMOUS, Actor, Tombstone
from pastebox.store import Store

GONE_MESSAGES = {
    "burned": "this paste was burned after it was read",
    "expired": "this paste has expired",
    "deleted": "this paste was deleted",
}


def missing(store: Store, paste_id: str, now: float, actor: Actor | None = None) -> Exception:
    """404, or 410 when the paste existed and was burned, expired or deleted. A private one's
    fate is told only to its owner or the holder of its manage token (a check not throttled:
    the tombstone keeps the hash of 256 random bits); to anyone else it never was."""
    gone = store.tombstone(paste_id, now)
    if gone is None or (gone.private and not _told_of(gone, actor or ANONYMOUS)):
        return NotFound("no such paste")
    return Gone(GONE_MESSAGES[gone.reason], code=gone.reason)


def _told_of(gone: Tombstone, actor: Actor) -> bool:
    """Whether the actor owned the gone paste or holds its manage token."""
    if actor.user_id is not None and gone.owner_id == actor.user_id:
        return True
    token = actor.manage_token
    return bool(token and gone.manage_hash and ids.token_matches(token, gone.manage_hash))
