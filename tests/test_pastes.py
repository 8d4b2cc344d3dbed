"""The paste domain's rules, independent of any HTTP surface."""

import dataclasses

import pytest

from pastebox.core import pastes, search
from pastebox.core.context import Core
from pastebox.core.errors import Forbidden, Gone, Invalid, NotFound, RateLimited, TooLarge
from pastebox.core.model import Actor, NewFile, NewPaste
from pastebox.limits import GuessThrottle


def new(text="hello\n", name="", **kwargs):
    return NewPaste(
        files=(NewFile(name, text.encode() if isinstance(text, str) else text),), **kwargs
    )


def test_ids_are_long_random_alphanumerics(core):
    ids = {pastes.create(core, new()).paste.id for _ in range(50)}
    assert len(ids) == 50
    assert all(len(i) >= 8 and i.isalnum() and i.isascii() for i in ids)


def test_anonymous_creators_get_a_manage_token_and_owners_do_not(store, clock, core):
    user = store.insert_user("dana", clock())
    assert pastes.create(core, new()).manage_token
    assert pastes.create(core, new(owner_id=user.id)).manage_token is None


def test_the_manage_token_is_stored_only_as_a_hash(store, db_path, core):
    created = pastes.create(core, new())
    store.checkpoint()
    with open(db_path, "rb") as fh:
        assert created.manage_token.encode() not in fh.read()


def test_language_comes_from_the_file_name_when_not_given(core):
    paste = pastes.create(core, new("x = 1\n", name="script.py")).paste
    assert paste.files[0].language == "python"


def test_an_unknown_language_is_refused(core):
    with pytest.raises(Invalid, match="unknown language"):
        pastes.create(core, NewPaste(files=(NewFile("", b"x", "klingon-script"),)))


def test_total_size_is_capped(store, make_config, clock):
    core = Core(store, make_config(max_paste_bytes=10), clock)
    with pytest.raises(TooLarge):
        pastes.create(core, new("x" * 11))


@pytest.mark.parametrize("ttl", [-1, 366 * 86400])
def test_ttl_outside_the_bounds_is_refused(ttl, core):
    with pytest.raises(Invalid):
        pastes.create(core, new(ttl=ttl))


def test_default_ttl_applies_when_none_is_given(store, make_config, clock):
    core = Core(store, make_config(default_ttl="1d"), clock)
    paste = pastes.create(core, new()).paste
    assert paste.expires_at == clock() + 86400


@pytest.mark.parametrize("name", ["a/b", "..", ".", "a\\b", "a\nb", "a\rb", "a\x00b", "x" * 256])
def test_unsafe_file_names_are_refused(name, core):
    with pytest.raises(Invalid):
        pastes.create(core, new(name=name))


def test_duplicate_file_names_are_refused(core):
    files = (NewFile("a.txt", b"1"), NewFile("a.txt", b"2"))
    with pytest.raises(Invalid, match="two files"):
        pastes.create(core, NewPaste(files=files))


def test_e2ee_content_must_look_like_a_sealed_record(core):
    with pytest.raises(Invalid, match="base64url"):
        pastes.create(core, new("plain text, not sealed", is_e2ee=True))
    sealed = "A" * 60
    assert pastes.create(core, new(sealed, is_e2ee=True)).paste.is_e2ee


def test_private_pastes_are_invisible_to_others(store, clock, core):
    owner = store.insert_user("erin", clock())
    paste = pastes.create(core, new(exposure="private", owner_id=owner.id)).paste
    with pytest.raises(NotFound):
        pastes.read(core, paste.id, Actor())
    assert pastes.read(core, paste.id, Actor(user_id=owner.id)).id == paste.id


def test_a_burn_paste_is_gone_after_its_one_read(core):
    paste = pastes.create(core, new("secret", burn=True)).paste
    assert pastes.peek(core, paste.id, Actor()).burn  # peeking does not burn
    assert pastes.read(core, paste.id, Actor()).files[0].content == b"secret"
    with pytest.raises(Gone):
        pastes.read(core, paste.id, Actor())


def test_wrong_manage_tokens_are_forbidden_then_throttled(clock, core):
    created = pastes.create(core, new())
    core = dataclasses.replace(core, throttle=GuessThrottle(max_failures=3, window=60))
    for _ in range(3):
        with pytest.raises(Forbidden):
            pastes.delete(core, created.paste.id, Actor(manage_token="wrong"))
    with pytest.raises(RateLimited):
        pastes.delete(core, created.paste.id, Actor(manage_token="wrong"))
    clock.advance(61)
    with pytest.raises(Forbidden):
        pastes.delete(core, created.paste.id, Actor(manage_token="wrong"))
    pastes.delete(core, created.paste.id, Actor(manage_token=created.manage_token))


def test_extend_moves_expiry_within_the_maximum(cfg, clock, core):
    created = pastes.create(core, new(ttl=60))
    actor = Actor(manage_token=created.manage_token)
    expires = pastes.extend(core, created.paste.id, actor, 60)
    assert expires == clock() + 120
    with pytest.raises(Invalid):
        pastes.extend(core, created.paste.id, actor, cfg.max_ttl)


def test_an_edit_keeps_files_when_only_the_title_changes(core):
    created = pastes.create(core, new("body"))
    actor = Actor(manage_token=created.manage_token)
    edited = pastes.edit(core, created.paste.id, actor, pastes.Edit(title="new"))
    assert (edited.title, edited.revision, edited.files[0].content) == ("new", 2, b"body")


@pytest.mark.parametrize(
    ("query", "expression"),
    [
        ("hello", '"hello"'),
        ("hello world", '"hello" "world"'),
        ('"exact phrase"', '"exact phrase"'),
        ("pre*", '"pre"*'),
        ("NEAR(a b)", '"NEAR(a" "b)"'),
        ("title:x", 'title : "x"'),
        ('file:a.py "two words"', 'name : "a.py" "two words"'),
        ('title:"a phrase" lang:python', 'title : "a phrase"'),
        ("http://x.org/a", '"http://x.org/a"'),
        ('say "hi', '"say" "\\"hi"'.replace('\\"', '""')),
    ],
)
def test_search_text_becomes_a_quoted_fts_expression(query, expression):
    assert search.parse_search(query).match == expression


@pytest.mark.parametrize("query", ["", "   ", "*", '""', "( ) -"])
def test_search_without_words_is_refused(query):
    with pytest.raises(Invalid):
        search.parse_search(query)


def test_wrong_tokens_on_reads_are_throttled_like_on_writes(core):
    created = pastes.create(core, NewPaste(files=(NewFile("", b"x"),), exposure="private"))
    core = dataclasses.replace(core, throttle=GuessThrottle(max_failures=3, window=60))
    for _ in range(3):
        with pytest.raises(NotFound):
            pastes.peek(core, created.paste.id, Actor(manage_token="wrong"))
    with pytest.raises(RateLimited):  # throttled; peek answers it as a missing paste (no oracle)
        pastes.holds_token(core, created.paste.id, Actor(manage_token="w"))
    with pytest.raises(NotFound):
        pastes.peek(core, created.paste.id, Actor(manage_token="wrong"))
    right = Actor(manage_token=created.manage_token)  # the right one is never held back
    assert pastes.peek(core, created.paste.id, right).id == created.paste.id
