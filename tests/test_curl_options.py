"""The curl surface's options, in process: ttl, burn, lang and exposure in the query or the
form, and the 400 for a bad one."""

from urllib.parse import quote

import pytest
from helpers import (
    CURL,
    CURL_URL_RE,
    DAY,
    HOUR,
    MINUTE,
    YEAR,
    api_json,
    assert_json_error,
    curl_create,
    curl_send,
    iso,
    multipart,
)

WEEK = 7 * 86400


MONTH = 30 * 86400


# -- options: ttl, burn, lang, exposure ------------------------------------------------------


@pytest.mark.parametrize(
    ("ttl", "seconds"),
    [("600", 600), ("10m", 10 * MINUTE), ("1h", HOUR), ("1d", DAY), ("1w", WEEK),
     ("1m", MONTH), ("1y", YEAR), ("90s", 90), ("30min", 30 * MINUTE)],
)  # fmt: skip
def test_ttl_takes_seconds_and_presets(app, clock, ttl, seconds):
    paste_id = curl_create(app, path=f"/?ttl={ttl}", body=b"x\n")
    assert api_json(app, paste_id)["expiresAt"] == iso(clock() + seconds)


def test_ttl_never_keeps_the_paste_until_deleted(app, clock):
    paste_id = curl_create(app, path="/?ttl=never", body=b"x\n")
    assert api_json(app, paste_id)["expiresAt"] is None
    clock.advance(10 * YEAR)
    assert app.get(f"/{paste_id}", headers=CURL, status=200).body == b"x\n"


def test_a_paste_lives_exactly_its_ttl(app, clock):
    paste_id = curl_create(app, path="/?ttl=10m", body=b"short-lived\n")
    clock.advance(10 * MINUTE - 1)
    assert app.get(f"/{paste_id}", headers=CURL, status=200).body == b"short-lived\n"
    clock.advance(1)
    assert_json_error(app.get(f"/{paste_id}", headers=CURL, status=410), 410, "expired")


@pytest.mark.parametrize("ttl", ["bogus", "-1", "1.5h", "", "1e9", "10 parsecs", "２h"])
def test_a_bad_ttl_is_400_naming_the_field(app, ttl):
    res = curl_send(app, path=f"/?ttl={quote(ttl)}", status=400)
    assert assert_json_error(res, 400)["field"] == "ttl"


def test_a_ttl_over_the_maximum_is_400(make_app):
    app = make_app(max_ttl=DAY)
    assert_json_error(curl_send(app, path="/?ttl=1w", status=400), 400)
    curl_create(app, path="/?ttl=1d")


@pytest.mark.parametrize("word", ["1", "true", "yes", "on"])
def test_burn_takes_the_usual_true_words(app, word):
    paste_id = curl_create(app, path=f"/?burn={word}", body=b"x\n")
    assert app.get(f"/{paste_id}", headers=CURL, status=200).body == b"x\n"
    assert_json_error(app.get(f"/{paste_id}", headers=CURL, status=410), 410, "burned")


def test_burn_as_a_form_field_makes_a_burn_paste(app):
    body, content_type = multipart(("content", b"once\n"), ("burn", b"1"))
    paste_id = curl_create(app, body=body, content_type=content_type)
    assert app.get(f"/{paste_id}", headers=CURL, status=200).body == b"once\n"
    app.get(f"/{paste_id}", headers=CURL, status=410)


def test_burn_0_makes_an_ordinary_paste(app):
    paste_id = curl_create(app, path="/?burn=0", body=b"x\n")
    app.get(f"/{paste_id}", headers=CURL, status=200)
    app.get(f"/{paste_id}", headers=CURL, status=200)


def test_a_burn_value_that_is_not_a_yes_or_no_is_400(app):
    assert (
        assert_json_error(curl_send(app, path="/?burn=maybe", status=400), 400)["field"] == "burn"
    )


def test_lang_sets_the_language_and_accepts_aliases(app):
    paste_id = curl_create(app, path="/?lang=py", body=b"x = 1\n")
    assert api_json(app, paste_id)["syntax"] == "python"


def test_an_unknown_lang_is_400(app):
    res = curl_send(app, path="/?lang=no-such-language", status=400)
    assert assert_json_error(res, 400)["field"] == "language"


def test_a_public_paste_is_found_by_search_and_an_unlisted_one_is_not(app):
    public = curl_create(app, path="/?exposure=public", body=b"zanzibar public\n")
    curl_create(app, path="/?exposure=unlisted", body=b"zanzibar unlisted\n")
    hits = app.get("/api/v1/search", params={"q": "zanzibar"}, status=200).json["results"]
    assert [h["publicId"] for h in hits] == [public]


def test_a_private_paste_is_only_raw_to_its_manage_token_holder(app):
    res = curl_send(app, path="/?exposure=private", body=b"mine\n", status=201)
    paste_id = CURL_URL_RE.fullmatch(res.text).group(2)
    assert_json_error(app.get(f"/{paste_id}", headers=CURL, status=404), 404)
    token = {"X-Manage-Token": res.headers["X-Manage-Token"]}
    mine = app.get(f"/raw/{paste_id}", headers={**CURL, **token}, status=200)
    assert mine.body == b"mine\n"
    assert mine.headers["Cache-Control"] == "no-store"


def test_an_unknown_exposure_is_400(app):
    res = curl_send(app, path="/?exposure=everyone", status=400)
    assert assert_json_error(res, 400)["field"] == "exposure"
