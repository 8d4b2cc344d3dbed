"""The paste domain's rules, independent of any HTTP surface."""

import pytest

from pastebox import pastes, search
from pastebox.errors import Forbidden, Gone, Invalid, NotFound, RateLimited, TooLarge
from pastebox.limits import GuessThrottle
from pastebox.model import Actor, NewFile, NewPaste


def new(text="hello\n", name="", **kwargs):
    return NewPaste(
        files=(NewFile(name, text.encode() if isinstance(text, str) else text),), **kwargs
    )


def test_ids_are_long_random_alphanumerics(store, cfg, clock):
    ids = {pastes.create(store, cfg, new(), clock()).paste.id for _ in range(50)}
    assert len(ids) == 50
    assert all(len(i) >= 8 and i.isalnum() and i.isascii() for i in ids)


def test_anonymous_creators_get_a_manage_token_and_owners_do_not(store, cfg, clock):
    user = store.insert_user("dana", clock())
    assert pastes.create(store, cfg, new(), clock()).manage_token
    assert pastes.create(store, cfg, new(owner_id=user.id), clock()).manage_token is None


def test_the_manage_token_is_stored_only_as_a_hash(store, cfg, clock, db_path):
    created = pastes.create(store, cfg, new(), clock())
    store.checkpoint()
    with open(db_path, "rb") as fh:
        assert created.manage_token.encode() not in fh.read()


def test_language_comes_from_the_file_name_when_not_given(store, cfg, clock):
    paste = pastes.create(store, cfg, new("x = 1\n", name="script.py"), clock()).paste
    assert paste.files[0].language == "python"


def test_an_unknown_language_is_refused(store, cfg, clock):
    with pytest.raises(Invalid, match="unknown language"):
        pastes.create(store, cfg, NewPaste(files=(NewFile("", b"x", "klingon-script"),)), clock())


def test_total_size_is_capped(store, make_config, clock):
    cfg = make_config(max_paste_bytes=10)
    with pytest.raises(TooLarge):
        pastes.create(store, cfg, new("x" * 11), clock())


@pytest.mark.parametrize("ttl", [-1, 366 * 86400])
def test_ttl_outside_the_bounds_is_refused(store, cfg, clock, ttl):
    with pytest.raises(Invalid):
        pastes.create(store, cfg, new(ttl=ttl), clock())


def test_default_ttl_applies_when_none_is_given(store, make_config, clock):
    cfg = make_config(default_ttl="1d")
    paste = pastes.create(store, cfg, new(), clock()).paste
    assert paste.expires_at == clock() + 86400


@pytest.mark.parametrize("name", ["a/b", "..", ".", "a\\b", "a\nb", "a\rb", "a\x00b", "x" * 256])
def test_unsafe_file_names_are_refused(store, cfg, clock, name):
    with pytest.raises(Invalid):
        pastes.create(store, cfg, new(name=name), clock())


def test_duplicate_file_names_are_refused(store, cfg, clock):
    files = (NewFile("a.txt", b"1"), NewFile("a.txt", b"2"))
    with pytest.raises(Invalid, match="two files"):
        pastes.create(store, cfg, NewPaste(files=files), clock())


def test_e2ee_content_must_look_like_a_sealed_record(store, cfg, clock):
    with pytest.raises(Invalid, match="base64url"):
        pastes.create(store, cfg, new("plain text, not sealed", is_e2ee=True), clock())
    sealed = "A" * 60
    assert pastes.create(store, cfg, new(sealed, is_e2ee=True), clock()).paste.is_e2ee


def test_private_pastes_are_invisible_to_others(store, cfg, clock):
    owner = store.insert_user("erin", clock())
    paste = pastes.create(store, cfg, new(exposure="private", owner_id=owner.id), clock()).paste
    with pytest.raises(NotFound):
        pastes.read(store, GuessThrottle(), paste.id, Actor(), clock())
    assert (
        pastes.read(store, GuessThrottle(), paste.id, Actor(user_id=owner.id), clock()).id
        == paste.id
    )


def test_a_burn_paste_is_gone_after_its_one_read(store, cfg, clock):
    paste = pastes.create(store, cfg, new("secret", burn=True), clock()).paste
    assert pastes.peek(
        store, GuessThrottle(), paste.id, Actor(), clock()
    ).burn  # peeking does not burn
    assert (
        pastes.read(store, GuessThrottle(), paste.id, Actor(), clock()).files[0].content
        == b"secret"
    )
    with pytest.raises(Gone):
        pastes.read(store, GuessThrottle(), paste.id, Actor(), clock())


def test_wrong_manage_tokens_are_forbidden_then_throttled(store, cfg, clock):
    created = pastes.create(store, cfg, new(), clock())
    throttle = GuessThrottle(max_failures=3, window=60)
    for _ in range(3):
        with pytest.raises(Forbidden):
            pastes.delete(store, throttle, created.paste.id, Actor(manage_token="wrong"), clock())
    with pytest.raises(RateLimited):
        pastes.delete(store, throttle, created.paste.id, Actor(manage_token="wrong"), clock())
    clock.advance(61)
    with pytest.raises(Forbidden):
        pastes.delete(store, throttle, created.paste.id, Actor(manage_token="wrong"), clock())
    pastes.delete(
        store, throttle, created.paste.id, Actor(manage_token=created.manage_token), clock()
    )


def test_extend_moves_expiry_within_the_maximum(store, cfg, clock):
    created = pastes.create(store, cfg, new(ttl=60), clock())
    actor = Actor(manage_token=created.manage_token)
    expires = pastes.extend(store, cfg, GuessThrottle(), created.paste.id, actor, 60, clock())
    assert expires == clock() + 120
    with pytest.raises(Invalid):
        pastes.extend(store, cfg, GuessThrottle(), created.paste.id, actor, cfg.max_ttl, clock())


def test_an_edit_keeps_files_when_only_the_title_changes(store, cfg, clock):
    created = pastes.create(store, cfg, new("body"), clock())
    actor = Actor(manage_token=created.manage_token)
    edited = pastes.edit(
        store, cfg, GuessThrottle(), created.paste.id, actor, pastes.Edit(title="new"), clock()
    )
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


def test_wrong_tokens_on_reads_are_throttled_like_on_writes(store, cfg, clock):
    created = pastes.create(
        store, cfg, NewPaste(files=(NewFile("", b"x"),), exposure="private"), clock()
    )
    throttle = GuessThrottle(max_failures=3, window=60)
    for _ in range(3):
        with pytest.raises(NotFound):
            pastes.peek(store, throttle, created.paste.id, Actor(manage_token="wrong"), clock())
    with pytest.raises(RateLimited):  # throttled; peek answers it as a missing paste (no oracle)
        pastes.holds_token(store, throttle, created.paste.id, Actor(manage_token="w"), clock())
    with pytest.raises(NotFound):
        pastes.peek(store, throttle, created.paste.id, Actor(manage_token="wrong"), clock())
    right = Actor(manage_token=created.manage_token)  # the right one is never held back
    assert pastes.peek(store, throttle, created.paste.id, right, clock()).id == created.paste.id
