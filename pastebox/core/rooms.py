"""Rooms: a shared clipboard between devices. A room holds the current text and a short feed of
texts and files; it lives while it is used (up to a maximum) and may be guarded by a PIN.

Who may enter (`enter`), in this order: an unknown or expired room is 404 (a miss, counted per
client); a room without a PIN lets everyone in; a device token of the room lets its holder in,
never throttled (a guesser can delay new joins, never evict members); a live invite lets its
holder in (with a new device token when it asks to stay); else the PIN: missing 401, and every guess is counted per
room and per client before it is checked (limits.Lockout), so a locked room refuses even the
right one; wrong 403; right: in, with a new device token when the device asks to stay
(`RoomPass.joins`: a browser). Every operation takes the `Entered` proof.
"""

import re
import unicodedata

import nacl.exceptions
import nacl.pwhash
from nacl.pwhash import argon2id

from pastebox.core import ids, media
from pastebox.core.context import Core
from pastebox.core.errors import (
    Forbidden,
    Invalid,
    NotFound,
    TooLarge,
    Unauthorized,
    Unavailable,
)
from pastebox.core.model import (
    CreatedRoom,
    Entered,
    NewRoomItem,
    Room,
    RoomActivity,
    RoomFile,
    RoomItem,
    RoomPass,
)

PIN_RE = re.compile(r"[0-9]{4}")  # ASCII digits only: '١٢٣٤'.isdigit() is True
# argon2id for a PIN: ~14 ms a verify on this machine (2 CPUs, 2026-12) at 2 passes over 8 MiB.
# A 4-digit PIN's hash falls to 10,000 tries offline whatever its cost: the throttle is the
# defence; the hash only keeps the PIN itself off the disk.
PIN_OPSLIMIT = 2
PIN_MEMLIMIT = 8 * 1024 * 1024
TEXT_TYPE = "text/plain; charset=utf-8"
MAX_DEVICE_CHARS = 64
# Live invites per room; a new one drops the oldest. Every load of the room page mints one
# (its QR code), so a code shown stays good for this many loads by any member, within its ttl.
MAX_INVITES = 100
MAX_DEVICE_KEYS = 200  # device tokens per room; a new one drops the oldest (members only add them)
ID_ATTEMPTS = 5  # 31**10 ids: a collision is rare, five in a row means something is broken


# -- entering ---------------------------------------------------------------------------------


def create(core: Core, pin: str | None, who: RoomPass) -> CreatedRoom:
    """A new room, with a PIN (exactly four ASCII digits) or without (None). The creator of a
    PIN room gets a device token, and a join token (invite) for the link is minted with it."""
    if pin is not None and not (isinstance(pin, str) and PIN_RE.fullmatch(pin)):
        raise Invalid("a PIN is exactly four digits 0-9", code="invalid_pin", field="pin")
    cfg, now = core.cfg, core.now()
    pin_hash = _hash_pin(core, pin) if pin is not None else None
    token = invite = None
    keys: list[tuple[bytes, str, float | None]] = []
    if pin_hash is not None:
        token, invite = ids.new_token(), ids.new_token()
        keys = [
            (ids.hash_token(token), "device", None),
            (ids.hash_token(invite), "invite", now + cfg.room_invite_ttl),
        ]
    expires_at = now + min(cfg.room_idle_ttl, cfg.room_max_ttl)
    for _ in range(ID_ATTEMPTS):
        room = core.store.insert_room(ids.new_room_id(), pin_hash, now, expires_at, keys)
        if room is not None:
            return CreatedRoom(_entered(core, room, who, token, now), invite)
    raise Unavailable("could not pick a free room id; try again", code="busy")


def enter(core: Core, room_id: str, who: RoomPass) -> Entered:
    """Proof that `who` may use the room (see the module's docstring for the order)."""
    now = core.now()
    room = _live(core, room_id, who, now)
    if room.pin_hash is None:
        return _entered(core, room, who, None, now)
    if who.device_token and _holds_key(core, room.id, who.device_token, "device", now):
        return _entered(core, room, who, None, now)
    if who.invite:
        if _holds_key(core, room.id, who.invite, "invite", now):
            token = _new_device_token(core, room, now) if who.joins else None
            return _entered(core, room, who, token, now)
        core.throttle.refuse_wrong(("room-join:" + room.id, "room-join-client:" + who.client), now)
    if not who.pin:
        raise Unauthorized("this room needs its PIN", code="pin_required", field="pin")
    targets = ("room-pin:" + room.id, "room-pin-client:" + who.client)
    ticket = core.room_lockout.begin(targets, now)  # counted before checked, refused if locked
    try:
        right = _pin_matches(core, who.pin, room.pin_hash)
    except Unavailable:  # the KDF gate was busy: the guess was never checked
        core.room_lockout.forgive(ticket)
        raise
    if not right:
        raise Forbidden("wrong PIN", code="wrong_pin", field="pin")
    core.room_lockout.forgive(ticket)
    token = _new_device_token(core, room, now) if who.joins else None
    return _entered(core, room, who, token, now)


def device_count(core: Core, entered: Entered) -> int:
    """Distinct devices seen in the room within the last cfg.room_device_window seconds."""
    return core.presence.count(entered.room.id, core.now() - core.cfg.room_device_window)


def invite(core: Core, entered: Entered) -> str | None:
    """A new join token for the room's link or QR code (valid cfg.room_invite_ttl; at most
    MAX_INVITES live, the oldest dropped); None for a room without a PIN (its link is enough)."""
    if not entered.room.has_pin:
        return None
    now, token = core.now(), ids.new_token()
    expires_at = now + core.cfg.room_invite_ttl
    if not core.store.add_room_key(
        entered.room.id, ids.hash_token(token), "invite", now, expires_at, keep=MAX_INVITES
    ):
        raise _gone()
    return token


# -- what a room holds --------------------------------------------------------------------------


def set_content(core: Core, entered: Entered, text: str) -> Room:
    """Set the room's current text and add it to the feed."""
    if not isinstance(text, str):
        raise Invalid("content must be text", code="invalid_content", field="content")
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid(
            "content is not valid Unicode", code="invalid_content", field="content"
        ) from None
    _check_size(core, len(data))
    item = None
    if text:  # clearing the text adds nothing to the feed
        item = NewRoomItem("text", _device(entered.who), "", TEXT_TYPE, data, len(data))
    changed = core.store.add_room_item(entered.room.id, item, _activity(core), text=text)
    if changed is None:
        raise _gone()
    return changed[0]


def add_file(
    core: Core, entered: Entered, name: str, data: bytes | memoryview, media_type: str
) -> RoomItem:
    """Add a file (its type sniffed by the caller from the bytes) to the room's feed."""
    view = memoryview(data)
    _check_size(core, view.nbytes)
    item = NewRoomItem(
        "file", _device(entered.who), media.clean_name(name if isinstance(name, str) else "", "file"), media_type, view, view.nbytes,
        file_key=ids.new_file_key(),
    )  # fmt: skip
    changed = core.store.add_room_item(entered.room.id, item, _activity(core))
    if changed is None or changed[1] is None:
        raise _gone()
    return changed[1]


def feed(core: Core, entered: Entered) -> tuple[RoomItem, ...]:
    """The room's items, newest first (at most cfg.room_feed_items)."""
    return core.store.room_feed(entered.room.id, core.now(), core.cfg.room_feed_items)


def open_file(core: Core, entered: Entered, file_key: str) -> RoomFile:
    """A file of this room by its key; NotFound when it is not this room's or is gone."""
    found = None
    if isinstance(file_key, str) and len(file_key) <= 64:
        found = core.store.room_file(entered.room.id, file_key, core.now())
    if found is None:
        raise NotFound("no such file in this room", code="file_not_found")
    return found


def delete(core: Core, entered: Entered) -> None:
    """Delete the room with its feed, files and keys, at once."""
    if not core.store.delete_room(entered.room.id, core.now()):
        raise _gone()
    core.presence.forget(entered.room.id)


# -- helpers ------------------------------------------------------------------------------------


def _live(core: Core, room_id: str, who: RoomPass, now: float) -> Room:
    bare = ids.normalize_room_id(room_id)
    room = core.store.live_room(bare, now) if bare else None
    if room is None:
        # Ids are not enumerable (31**10), and misses are throttled per client on top.
        core.throttle.refuse_wrong(("room-miss:" + who.client,), now)
        raise _gone()
    return room


def _gone() -> NotFound:
    return NotFound("no such room (or it has expired)", code="room_not_found")


def _entered(core: Core, room: Room, who: RoomPass, token: str | None, now: float) -> Entered:
    if who.device_id:
        core.presence.seen(room.id, who.device_id, now)
    return Entered(room, who, token)


def _holds_key(core: Core, room_id: str, token: str, kind: str, now: float) -> bool:
    if not isinstance(token, str) or len(token) > 128:
        return False
    stored = core.store.room_key(room_id, ids.hash_token(token), kind, now)
    return ids.token_matches(token, stored)


def _new_device_token(core: Core, room: Room, now: float) -> str:
    token = ids.new_token()
    if not core.store.add_room_key(
        room.id, ids.hash_token(token), "device", now, None, keep=MAX_DEVICE_KEYS
    ):
        raise _gone()
    return token


def _hash_pin(core: Core, pin: str) -> str:
    with core.kdf_gate:
        hashed = argon2id.str(pin.encode("ascii"), opslimit=PIN_OPSLIMIT, memlimit=PIN_MEMLIMIT)
    return hashed.decode("ascii")


def _pin_matches(core: Core, pin: str, pin_hash: str | None) -> bool:
    if not pin_hash or not isinstance(pin, str) or not PIN_RE.fullmatch(pin):
        return False  # never four digits: wrong without hashing (it was counted all the same)
    with core.kdf_gate:
        try:
            return nacl.pwhash.verify(pin_hash.encode("ascii"), pin.encode("ascii"))
        except nacl.exceptions.InvalidkeyError:
            return False


def _activity(core: Core) -> RoomActivity:
    cfg = core.cfg
    return RoomActivity(
        core.now(), cfg.room_idle_ttl, cfg.room_max_ttl, cfg.room_feed_items, cfg.room_max_bytes
    )


def _check_size(core: Core, size: int) -> None:
    limit = core.cfg.room_max_file_bytes
    if size > limit:
        raise TooLarge(f"{size} bytes is over a room's limit of {limit} bytes per item")


def device_name(name: str) -> str:
    """A device's chosen name as a feed shows it: one line, no control or format characters
    (bidi overrides, zero-width), at most MAX_DEVICE_CHARS characters."""
    shown = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    return " ".join(shown.split())[:MAX_DEVICE_CHARS]


def _device(who: RoomPass) -> str:
    return device_name(who.device)
