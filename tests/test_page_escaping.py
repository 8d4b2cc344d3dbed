"""Everything a user typed comes back inert on the pages, in process: hostile titles, file
names, contents, form values, tokens, search queries and search hits are shown escaped, with no
active markup anywhere."""

import re
from urllib.parse import urlencode

import pytest
from helpers import (
    BROWSER,
    HOSTILE,
    FormPage,
    assert_no_active_markup,
    block,
    create,
    create_with_token,
    element_text,
    new_paste,
    page,
    post_form,
    search_page,
)

# -- hostile input comes back inert ----------------------------------------------------------

NAME_PAYLOADS = [p for p in HOSTILE if "/" not in p]  # a name with / is refused (tested below)


@pytest.mark.parametrize("payload", NAME_PAYLOADS)
def test_a_hostile_paste_made_in_the_form_is_inert_on_every_page(app, payload):
    paste_id = new_paste(app, block(payload + ".txt", "\n".join(HOSTILE), "html"), title=payload)
    for path in (
        f"/{paste_id}",
        f"/{paste_id}.js",
        f"/{paste_id}/edit",
        f"/{paste_id}/delete",
        f"/new?from={paste_id}",
    ):
        res = app.get(path, headers=BROWSER, status=200)
        doc = assert_no_active_markup(res.text)
        assert payload in doc.text


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_title_and_contents_come_back_inert_in_the_prefilled_forms(app, payload):
    paste_id = create(app, title=payload, files=[{"name": "a.txt", "content": payload}])
    for path in (f"/{paste_id}/edit", f"/new?from={paste_id}"):
        text = app.get(path, headers=BROWSER, status=200).text
        assert_no_active_markup(text)
        form = FormPage(text)
        assert (form.title, form.files[0][2]) == (payload, payload)


FIELDS = ("title", "name", "lang", "content", "ttl", "exposure")


SAFE_VALUES = {"title": "t", "name": "a.txt", "lang": "", "content": "x", "ttl": "1h",
               "exposure": "unlisted"}  # fmt: skip


def kept_values(form: FormPage) -> dict[str, str | None]:
    name, lang, content = form.files[0]
    return {"title": form.title, "name": name, "lang": lang, "content": content, "ttl": form.ttl}


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("payload", HOSTILE)
def test_a_hostile_value_in_any_form_field_comes_back_inert_after_add_file(app, field, payload):
    values = {**SAFE_VALUES, field: payload}
    fields = [(name, values[name]) for name in FIELDS] + [("add_file", "1")]
    res = post_form(app, "/new", fields, status=200)
    assert_no_active_markup(res.text)
    if field != "exposure":  # one of three fixed choices; anything else is not offered
        assert kept_values(FormPage(res.text))[field] == payload


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("payload", HOSTILE)
def test_a_hostile_value_in_any_form_field_comes_back_inert_on_the_refused_form(
    app, field, payload
):
    # A language that does not exist makes the form fail whatever the hostile field does.
    values = {**SAFE_VALUES, "lang": "klingon", field: payload}
    res = post_form(app, "/new", [(name, values[name]) for name in FIELDS], status=400)
    assert_no_active_markup(res.text)
    form = FormPage(res.text)
    assert form.error
    if field != "exposure":
        assert kept_values(form)[field] == payload


@pytest.mark.parametrize("payload", HOSTILE)
def test_a_hostile_token_typed_on_the_edit_form_comes_back_inert(app, payload):
    paste_id, _ = create_with_token(app)
    res = post_form(
        app, f"/{paste_id}/edit", [*block("a.txt", "y\n"), ("token", payload)], status=403
    )
    assert_no_active_markup(res.text)
    assert FormPage(res.text).token == ""


@pytest.mark.parametrize("payload", HOSTILE)
def test_a_hostile_token_typed_on_the_delete_form_comes_back_inert(app, payload):
    paste_id, _ = create_with_token(app)
    res = post_form(app, f"/{paste_id}/delete", [("token", payload)], status=403)
    assert_no_active_markup(res.text)


@pytest.mark.parametrize("query", [f"{prefix}{p}" for p in HOSTILE
                                   for prefix in ("", "lang:", "title:")])  # fmt: skip
def test_a_hostile_search_query_is_echoed_back_inert(app, query):
    res = app.get("/search?" + urlencode({"q": query}), headers=BROWSER, status=[200, 400])
    doc = assert_no_active_markup(res.text)
    boxes = [dict(attrs) for tag, attrs in doc.elements if tag == "input"]
    assert [box["value"] for box in boxes if box.get("name") == "q"] == [query, query]
    assert query in doc.text  # in the window title


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_search_hits_are_shown_inert_with_only_marks_added(app, payload):
    create(
        app,
        title=payload,
        exposure="public",
        files=[
            {
                "name": "x" + payload.replace("/", "") + ".txt",
                "content": f"before {payload} findme {payload} after\n",
            }
        ],
    )
    res = search_page(app, "findme")
    doc = assert_no_active_markup(res.text)
    assert payload in doc.text  # the title, as text
    snippets = re.findall(r'<pre class="snippet">(.*?)</pre>', res.text, re.DOTALL)
    assert len(snippets) == 1 and "<mark>findme</mark>" in snippets[0]
    assert "<" not in re.sub(r"</?mark>", "", snippets[0])


# -- escaping --------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", HOSTILE)
def test_a_hostile_title_is_shown_escaped(app, payload):
    text = page(app, create(app, title=payload)).text
    assert_no_active_markup(text)
    assert element_text(text, "h1") == payload
    assert element_text(text, "title") == f"{payload} · pastebox"


@pytest.mark.parametrize("payload", [p for p in HOSTILE if "/" not in p])
def test_a_hostile_file_name_is_shown_escaped_and_linked_percent_encoded(app, payload):
    name = payload + ".txt"
    paste_id = create(app, files=[{"name": name, "content": "x\n"}])
    text = page(app, paste_id).text
    assert_no_active_markup(text)
    assert element_text(text, 'a class="name" href="#file-1"') == name
    links = re.findall(rf'href="/raw/{paste_id}/([^"?]*)', text)
    assert links and all(re.fullmatch(r"[A-Za-z0-9%._~\-]+", link) for link in links)


@pytest.mark.parametrize("language", ["text", "html", "javascript", "python", None])
@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_content_is_shown_escaped_whatever_the_language(app, payload, language):
    fields = {"content": f"{payload}\nsecond {payload}\n"}
    if language:
        fields["syntax"] = language
    doc = assert_no_active_markup(page(app, create(app, **fields)).text)
    assert payload in doc.text and f"second {payload}" in doc.text  # shown to the reader, as text


def test_a_paste_hostile_everywhere_has_no_active_markup_anywhere(app):
    paste_id = create(
        app,
        title="".join(HOSTILE),
        files=[
            {"name": '"><img src=x onerror=alert(1)>.html', "content": "\n".join(HOSTILE)},
            {"name": "'><svg onload=alert(1)>.js", "content": "".join(HOSTILE)},
        ],
    )
    assert_no_active_markup(page(app, paste_id).text)


def test_an_error_page_escapes_the_text_the_client_sent(app):
    res = app.post(
        "/?lang=" + "%3Cscript%3Ealert(1)%3C/script%3E",
        b"x\n",
        headers={**BROWSER, "Content-Type": "text/plain"},
        status=400,
    )
    doc = assert_no_active_markup(res.text)
    assert "unknown language '<script>alert(1)</script>'" in doc.text
