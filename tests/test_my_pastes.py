"""/me, a signed-in user's pastes, in process: only with a session, only the user's own,
with language, size, exposure, burn and expiry, newest first fifty a page."""

import re
from urllib.parse import urlencode

import pytest
from helpers import BROWSER, PASTES, assert_html_security_headers, create_key, form_paste

from pastebox.web.pages.account import ME_PAGE_SIZE

pytestmark = pytest.mark.app_settings(registration="open")


# -- my pastes -------------------------------------------------------------------------------


def test_my_pastes_needs_a_session_and_sends_others_to_log_in(app):
    res = app.get("/me", headers=BROWSER, status=303)
    assert res.headers["Location"].endswith("/login?next=%2Fme")
    res = app.get("/me?page=2", headers=BROWSER, status=303)
    assert res.headers["Location"].endswith("/login?next=%2Fme%3Fpage%3D2")


def test_my_pastes_lists_the_users_private_pastes_and_never_another_users(alice, bob):
    mine = form_paste(alice, "private", "alice private")
    theirs = form_paste(bob, "private", "bob private")
    res = alice.get("/me", headers=BROWSER, status=200)
    assert f'href="/{mine}"' in res.text and "alice private" in res.text
    assert theirs not in res.text and "bob private" not in res.text
    assert res.headers["Cache-Control"] == "no-store"
    assert_html_security_headers(res)
    other = bob.get("/me", headers=BROWSER, status=200)
    assert theirs in other.text and mine not in other.text


def test_my_pastes_shows_language_size_exposure_burn_and_expiry(alice, clock):
    key = create_key(alice)
    body = {"files": [{"name": "a.py", "content": "print(1)\n"}], "title": "Shown",
            "exposure": "public", "burnAfterRead": True, "ttlSeconds": 3600}  # fmt: skip
    alice.post_json(PASTES, body, headers={"X-Api-Key": key}, status=201)
    text = alice.get("/me", headers=BROWSER, status=200).text
    row = re.search(r"<tr>\s*<td><a[^>]*>Shown</a>.*?</tr>", text, re.DOTALL).group(0)
    assert "Python" in row and "9 bytes" in row and "public" in row
    assert "burn after reading" in row
    assert "2027-01-15" in row  # created and expiring on the test clock's day


def test_my_pastes_are_listed_newest_first_fifty_a_page(alice, clock):
    key = create_key(alice)
    for number in range(ME_PAGE_SIZE + 1):
        clock.advance(1)
        alice.post_json(PASTES, {"content": "x\n", "title": f"paste {number}"},
                        headers={"X-Api-Key": key}, status=201)  # fmt: skip
    first = alice.get("/me", headers=BROWSER, status=200).text
    titles = re.findall(r">paste (\d+)</a>", first)
    assert titles == [str(n) for n in range(ME_PAGE_SIZE, 0, -1)]
    assert 'rel="next" href="/me?page=2"' in first and 'rel="prev"' not in first
    second = alice.get("/me?page=2", headers=BROWSER, status=200).text
    assert re.findall(r">paste (\d+)</a>", second) == ["0"]
    assert 'rel="prev" href="/me"' in second and 'rel="next"' not in second


@pytest.mark.parametrize("number", ["0", "-1", "x", "١", "1001"])
def test_a_my_pastes_page_number_out_of_range_is_400(alice, number):
    alice.get("/me?" + urlencode({"page": number}), headers=BROWSER, status=400)
