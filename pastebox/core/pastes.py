"""The paste domain: create, view, claim a burn paste, edit (revisions), delete, extend, search.

Surfaces translate HTTP into these calls; every rule about pastes lives here, once.
"""

import base64
import dataclasses
import json
import re

from pastebox import render
from pastebox.config import Config
from pastebox.core import crypto, ids
from pastebox.core.context import Core
from pastebox.core.errors import (
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
    TooLarge,
    Unauthorized,
    excerpt,
)
from pastebox.core.model import (
    Actor,
    Created,
    FileRow,
    NewFile,
    NewPaste,
    Paste,
    PasteFile,
    PasteSummary,
    Revision,
    utf8_text,
)
from pastebox.core.tombstones import missing
from pastebox.core.validation import (
    clean_exposure,
    clean_language,
    clean_name,
    clean_password,
    clean_title,
    clean_ttl,
)
from pastebox.limits import GuessThrottle
from pastebox.store import Store

MAX_LIST_LIMIT = 100
TOMBSTONE_SECONDS = 30 * 86400
NONCE_BYTES, MAC_BYTES = 24, 16
# base64url without padding of at least nonce + MAC + one byte of plaintext.
E2EE_MIN_CHARS = -(-(NONCE_BYTES + MAC_BYTES + 1) * 4 // 3)
E2EE_CONTENT_RE = re.compile(rf"[A-Za-z0-9_-]{{{E2EE_MIN_CHARS},}}")
SEALED_NAME = "sealed"  # the one file row of a password paste, holding the sealed record
_ID_ATTEMPTS = 5


@dataclasses.dataclass(frozen=True)
class Edit:
    """A change to a paste: None leaves that part as it is."""

    title: str | None = None
    files: tuple[NewFile, ...] | None = None
    language: str | None = None  # of the first file, when the files themselves stay


# -- validation ------------------------------------------------------------------------------


def _file_rows(
    files: tuple[NewFile, ...], cfg: Config, *, is_e2ee: bool, limit: int | None = None
) -> list[FileRow]:
    if not files:
        raise Invalid("a paste needs content", field="content")
    if len(files) > cfg.max_files:
        raise Invalid(f"a paste holds at most {cfg.max_files} files", field="files")
    total = sum(len(f.content) for f in files)
    limit = limit or cfg.max_paste_bytes
    if total > limit:
        raise TooLarge(f"paste of {total} bytes is over the limit of {limit} bytes")
    if is_e2ee and len(files) != 1:
        raise Invalid("an end-to-end encrypted paste is one sealed record", field="files")
    if is_e2ee and (files[0].name.strip() or files[0].language):
        raise Invalid(
            "an end-to-end encrypted paste keeps its file names and languages inside the sealed"
            " record, never in the clear",
            field="name" if files[0].name.strip() else "language",
        )
    rows, seen = [], set()
    for position, f in enumerate(files):
        if not f.content:
            raise Invalid(
                "a paste needs content" + (f" (file {position + 1} is empty)" if position else ""),
                field="content",
            )
        name = clean_name(f.name, position)
        if name in seen:
            raise Invalid(f"two files are named {excerpt(name)}", field="name")
        seen.add(name)
        text = utf8_text(f.content)
        if is_e2ee and (
            text is None or not E2EE_CONTENT_RE.fullmatch(text) or len(text) % 4 == 1
        ):  # no base64 text has a length of 1 modulo 4
            raise Invalid(
                "end-to-end encrypted content must be base64url of nonce and box", field="content"
            )
        language = clean_language(f.language)
        if language is None and text is not None and not is_e2ee:
            language = render.language_for(name, text[:4096])
        rows.append(FileRow(name=name, language=language, content=f.content, text=text))
    return rows


# -- access ----------------------------------------------------------------------------------


def can_read(paste: Paste, actor: Actor, manage_ok: bool = False) -> bool:
    if paste.exposure != "private":
        return True
    return manage_ok or (actor.user_id is not None and paste.owner_id == actor.user_id)


def authorize_change(
    core: Core, paste_id: str, actor: Actor, now: float, *, files: bool = False
) -> Paste:
    """The paste (with its files when `files`) if the actor owns it or holds its manage token."""
    store, throttle = core.store, core.throttle
    if not ids.is_paste_id(paste_id):
        raise NotFound("no such paste")
    auth = _live(core, paste_id, now, files=files)
    if auth is None:
        raise missing(store, paste_id, now, actor)
    if actor.user_id is not None and auth.owner_id == actor.user_id:
        return auth
    if actor.manage_token:
        try:
            if _token_is_right(auth, throttle, paste_id, actor, now):
                return auth
        except RateLimited:
            if not can_read(auth, actor):
                raise NotFound("no such paste") from None  # no oracle for a private paste
            raise
        if not can_read(auth, actor):
            raise NotFound("no such paste")
        raise Forbidden("wrong manage token", code="bad_token")
    if not can_read(auth, actor):
        raise NotFound("no such paste")
    raise Forbidden("only the owner or the manage token holder may change this paste")


# -- operations ------------------------------------------------------------------------------


def create(core: Core, new: NewPaste) -> Created:
    """Store a new paste; with a password, everything but its timing and size is sealed (and
    the core's gate bounds the key derivation)."""
    store, cfg, now = core.store, core.cfg, core.now()
    title = clean_title(new.title)
    exposure = clean_exposure(new.exposure)
    ttl = clean_ttl(new.ttl, cfg)
    password = clean_password(new.password)
    if password is not None and new.is_e2ee:
        raise Invalid("an end-to-end encrypted paste needs no password", field="password")
    if new.is_e2ee and title:
        raise Invalid(
            "an end-to-end encrypted paste keeps its title inside the sealed record", field="title"
        )
    rows = _file_rows(new.files, cfg, is_e2ee=new.is_e2ee, limit=_size_limit(cfg, new.owner_id))
    token = ids.new_token() if new.owner_id is None else None
    searchable = not (new.burn or new.is_e2ee or password is not None)
    seal, key = None, None
    if password is not None:
        params = crypto.new_kdf_params()
        seal, key = params.to_json(), crypto.derive_key(password, params, core.kdf_gate)
    for _ in range(_ID_ATTEMPTS):
        paste = Paste(
            id=ids.new_paste_id(), title=title if key is None else "", created_at=now, updated_at=now,
            expires_at=now + ttl if ttl else None, burn=new.burn, exposure=exposure,
            is_e2ee=new.is_e2ee, owner_id=new.owner_id, views=0, revision=1, seal=seal,
        )  # fmt: skip
        stored = rows if key is None else [_sealed_row(key, paste.id, title, rows)]
        # Checked here, after the key derivation (which steps out of the write gate) and on the
        # bytes as stored, so concurrent creates cannot all pass the same check.
        _check_quota(store, cfg, new.owner_id, sum(len(r.content) for r in stored), now)
        if store.insert_paste(
            paste, stored, manage_hash=ids.hash_token(token) if token else None,
            searchable=searchable, seal=seal,
        ):  # fmt: skip
            break
    else:  # pragma: no cover - 62**10 ids make this unreachable in practice
        raise RuntimeError("could not draw a free paste id")
    files = tuple(
        PasteFile.decoded(i, row.name, row.language, row.content, row.text)
        for i, row in enumerate(rows)
    )
    return Created(paste=dataclasses.replace(paste, title=title, files=files), manage_token=token)


def _size_limit(cfg: Config, owner_id: int | None) -> int:
    """The largest paste this creator may make; guests may be refused altogether."""
    if owner_id is not None:
        return cfg.max_paste_bytes
    if not cfg.anonymous_create:
        raise Unauthorized(
            "this server takes pastes only from signed-in users or with an API key",
            code="login_required",
        )
    return min(cfg.anonymous_max_paste_bytes or cfg.max_paste_bytes, cfg.max_paste_bytes)


def _check_quota(
    store: Store, cfg: Config, owner_id: int | None, adding: int, now: float, freeing: int = 0
) -> None:
    """Refuse a write that would take an account past user_quota_bytes of live pastes."""
    if owner_id is None or not cfg.user_quota_bytes:
        return
    used = store.owner_bytes(owner_id, now)
    if used - freeing + adding > cfg.user_quota_bytes:
        raise TooLarge(
            f"this would take your pastes to {used - freeing + adding} bytes, over your quota of"
            f" {cfg.user_quota_bytes} bytes; delete some first",
            code="over_quota",
        )


# -- password-protected pastes: one sealed record, bound to the paste id ---------------------


def _sealed_row(key: bytes, paste_id: str, title: str, rows: list[FileRow]) -> FileRow:
    """The title and files as one XChaCha20-Poly1305 record; the id is the associated data, so
    a record copied onto another paste does not open."""
    record = {
        "v": crypto.SEAL_VERSION,
        "title": title,
        "files": [
            {"name": r.name, "language": r.language,
             "content": base64.b64encode(r.content).decode("ascii")}
            for r in rows
        ],
    }  # fmt: skip
    plaintext = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    sealed = crypto.seal(key, plaintext, paste_id.encode("ascii"))
    return FileRow(name=SEALED_NAME, language=None, content=sealed, text=None)


def unlock(core: Core, paste: Paste, password: str | None) -> Paste:
    """A password paste with its title and files opened; 401 without a password, 403 for a
    wrong one (counted: too many and the paste answers 429 for a while). Burns nothing."""
    if not paste.locked:
        return paste
    if not password:
        raise Unauthorized("this paste is protected by a password", code="password_required")
    throttle, target = core.throttle, "password:" + paste.id
    stamp = throttle.begin(target, core.now())  # counted as wrong until it opens the record
    try:
        params = crypto.KdfParams.from_json(paste.seal or "")
        key = crypto.derive_key(password, params, core.kdf_gate)
        record = json.loads(crypto.unseal(key, paste.files[0].content, paste.id.encode("ascii")))
    except crypto.OpenFailed:
        raise Forbidden("wrong password", code="wrong_password") from None
    except BaseException:  # busy (503) or a failure of ours: not a guess
        throttle.forgive(target, stamp)
        raise
    throttle.forgive(target, stamp)
    files = tuple(
        PasteFile(i, f["name"], f["language"], content, len(content))
        for i, f in enumerate(record["files"])
        for content in (base64.b64decode(f["content"]),)
    )
    return dataclasses.replace(paste, title=record["title"], files=files, locked=False)


def peek(
    core: Core, paste_id: str, actor: Actor, *, password: str | None = None, locked_ok: bool = False
) -> Paste:
    """A live paste the actor may see, without consuming a burn paste or counting a view.

    A password paste is opened with `password` (see unlock), or returned still locked when
    `locked_ok` (a page that asks for the password)."""
    if not ids.is_paste_id(paste_id):
        raise NotFound("no such paste")
    now = core.now()
    paste = _live(core, paste_id, now)
    if paste is None:
        raise missing(core.store, paste_id, now, actor)
    # The token is checked only where it decides anything (a private paste): a maker's browser
    # sends its cookie on every visit. Wrong guesses by others never lock it out (the right
    # token always counts), and a throttled wrong one is the same 404.
    if not can_read(paste, actor) and not made_by(core, paste, actor):
        raise NotFound("no such paste")
    if paste.locked and not locked_ok:
        return unlock(core, paste, password)
    return paste


def _live(core: Core, paste_id: str, now: float, *, files: bool = True) -> Paste | None:
    """The live paste as stored, with the views counted but not written yet."""
    paste = core.store.get_paste(paste_id, now, files=files)
    pending = core.views.pending(paste_id) if paste else 0
    return dataclasses.replace(paste, views=paste.views + pending) if pending else paste


def holds_token(core: Core, paste_id: str, actor: Actor) -> bool:
    """Whether the actor sent this paste's manage token; wrong guesses count against the paste
    and the client (and once there are too many, RateLimited); see _token_is_right."""
    if not actor.manage_token:
        return False
    now = core.now()
    paste = core.store.get_paste(paste_id, now, files=False)
    return _token_is_right(paste, core.throttle, paste_id, actor, now)


def made_by(core: Core, paste: Paste, actor: Actor) -> bool:
    """Whether the actor holds the manage token of this paste, as read (peek): the browser
    that made it, say, which is then shown the token. No read of its own. Wrong guesses are
    counted as holds_token counts them; a throttled one is False (never an error: the page is
    shown either way, only without the token)."""
    if not actor.manage_token:
        return False
    try:
        return _token_is_right(paste, core.throttle, paste.id, actor, core.now())
    except RateLimited:
        return False


def _token_is_right(
    paste: Paste | None, throttle: GuessThrottle, paste_id: str, actor: Actor, now: float
) -> bool:
    """Whether the actor's manage token is the paste's. The right token always is, throttled
    or not: it is 256 random bits, which no throttle needs to protect, and refusing it would
    let anyone who knows the id lock the maker out. A wrong one is counted against the paste
    and against the client; past the limit of either, RateLimited."""
    if paste is not None and ids.token_matches(actor.manage_token or "", paste.manage_hash):
        return True
    throttle.refuse_wrong(("paste:" + paste_id, "guesser:" + actor.client), now)
    return False


def read(core: Core, paste_id: str, actor: Actor, *, password: str | None = None) -> Paste:
    """A read that counts: claims (and so deletes) a burn paste, counts a view otherwise. A
    password paste is opened first, so a wrong password never burns it."""
    paste = peek(core, paste_id, actor, password=password)
    if paste.burn:
        return _claim(core, paste, actor)
    core.views.count(paste_id)
    return dataclasses.replace(paste, views=paste.views + 1)


def _claim(core: Core, paste: Paste, actor: Actor) -> Paste:
    """Delete the burn paste just read, if it is still the revision read: exactly one reader
    wins, and the files are not read again. An edit in between means reading it again (a
    password paste is never edited, so the one opened is the one claimed)."""
    store, now = core.store, core.now()
    while (views := store.claim_burned(paste.id, paste.revision, now)) is None:
        again = store.get_paste(paste.id, now)
        if again is None or again.revision == paste.revision:
            raise missing(store, paste.id, now, actor)
        paste = again  # each turn means another edit landed: edits are rarer than reads
    core.views.burned()
    return dataclasses.replace(paste, views=views + 1)


def edit(core: Core, paste_id: str, actor: Actor, change: Edit) -> Paste:
    """Apply a change as a new revision; the previous one stays in the history."""
    store, cfg, now = core.store, core.cfg, core.now()
    current = authorize_change(core, paste_id, actor, now, files=True)
    if current.protected:
        raise Invalid("a password-protected paste cannot be edited; make a new one")
    if change.title is None and change.files is None and change.language is None:
        raise Invalid("nothing to change: give a title, syntax, content or files")
    title = clean_title(change.title) if change.title is not None else current.title
    if current.is_e2ee and title:
        raise Invalid(
            "an end-to-end encrypted paste keeps its title inside the sealed record", field="title"
        )
    if change.files is not None:
        rows = _file_rows(
            change.files, cfg, is_e2ee=current.is_e2ee, limit=_size_limit(cfg, current.owner_id)
        )
        _check_quota(store, cfg, current.owner_id, sum(len(r.content) for r in rows), now,
                     freeing=current.size)  # fmt: skip
    elif change.language is not None:
        relabelled = tuple(
            NewFile(
                name=f.name, content=f.content, language=change.language if i == 0 else f.language
            )
            for i, f in enumerate(current.files)
        )
        rows = _file_rows(relabelled, cfg, is_e2ee=current.is_e2ee)
    else:
        rows = [
            FileRow(f.name, f.language, f.content, f.text if f.is_text else None)
            for f in current.files
        ]
    if (
        store.update_paste(
            paste_id,
            title=title,
            files=rows,
            now=now,
            searchable=not (current.burn or current.is_e2ee),
        )
        is None
    ):
        raise missing(store, paste_id, now, actor)
    updated = _live(core, paste_id, now)
    if updated is None:
        raise missing(store, paste_id, now, actor)
    return updated


def delete(core: Core, paste_id: str, actor: Actor) -> None:
    now = core.now()
    authorize_change(core, paste_id, actor, now)
    deleted = core.store.delete_paste(paste_id, now)
    core.views.forget(paste_id)
    if not deleted:
        raise NotFound("no such paste")


def extend(core: Core, paste_id: str, actor: Actor, seconds: int) -> float | None:
    """Push the expiry `seconds` further (a paste that never expires stays so); new expiry."""
    store, cfg, now = core.store, core.cfg, core.now()
    auth = authorize_change(core, paste_id, actor, now)
    if seconds <= 0:
        raise Invalid("ttlSeconds must be a positive integer", field="ttlSeconds")
    if auth.expires_at is None:
        return None
    expires = max(auth.expires_at, now) + seconds
    if expires > now + cfg.max_ttl:
        raise Invalid(
            f"the paste would live longer than the maximum of {cfg.max_ttl} seconds from now",
            field="ttlSeconds",
        )
    if not store.set_expiry(paste_id, expires, now):
        raise missing(store, paste_id, now, actor)
    return expires


def list_mine(core: Core, actor: Actor, limit: int, offset: int) -> list[PasteSummary]:
    if actor.user_id is None:
        raise Unauthorized("an API key is needed to list your pastes")
    if not (1 <= limit <= MAX_LIST_LIMIT) or offset < 0:
        raise Invalid(f"limit must be 1..{MAX_LIST_LIMIT} and offset 0 or more")
    return core.store.list_by_owner(actor.user_id, core.now(), limit, offset)


def count_view(core: Core, paste: Paste) -> None:
    """Count a view of a paste shown by peek (a page): read() counts its own."""
    if not paste.burn:
        core.views.count(paste.id)


def history(core: Core, paste_id: str, actor: Actor) -> list[Revision]:
    """Every revision of a paste the actor may see, oldest first. A burn paste has none to
    show (showing it would not burn it), nor does a password paste (its history is sealed)."""
    paste = peek(core, paste_id, actor, locked_ok=True)
    if paste.burn:
        raise Forbidden("a burn-after-read paste has no readable history", code="burn_paste")
    if paste.protected:
        raise Forbidden("a password-protected paste has no readable history", code="sealed")
    return core.store.revisions(paste.id, core.now())


def sweep_cutoff(now: float) -> float:
    """Tombstones older than this are forgotten by the janitor."""
    return now - TOMBSTONE_SECONDS
