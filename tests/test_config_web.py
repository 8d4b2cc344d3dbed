"""The settings behind the browser form: expiry_presets, allow_never_expire, render_cache_mb, and
the expiry choices the form offers from them."""

import re

import pytest
from helpers import csrf

from pastebox.config import ConfigError, load_config
from pastebox.web.pages.layout import ttl_choices

BROWSER = {"Accept": "text/html"}


def config_error(**env: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(env={f"PASTEBOX_{k.upper()}": v for k, v in env.items()})
    message = str(caught.value)
    assert "\n" not in message
    return message


def offered(app) -> list[str]:
    """The values of the new-paste form's expiry select, in order."""
    text = app.get("/new", headers=BROWSER, status=200).text
    select = text.split('name="ttl"')[1].split("</select>")[0]
    return re.findall(r'<option value="([^"]*)"', select)


def selected(app) -> str:
    text = app.get("/new", headers=BROWSER, status=200).text
    select = text.split('name="ttl"')[1].split("</select>")[0]
    return re.findall(r'<option value="([^"]*)" selected>', select)[0]


# -- expiry_presets --------------------------------------------------------------------------


def test_the_default_presets_are_the_common_ones():
    assert load_config(env={}).expiry_presets == "10m,1h,1d,1w,1m,1y"


@pytest.mark.parametrize(
    ("text", "presets"),
    [("1h,1d", "1h,1d"), (" 10m , 1H,  2d ", "10m,1h,2d"), ("1h,,1d,", "1h,1d"),
     ("3600,90min", "3600,90min")],
)  # fmt: skip
def test_presets_are_comma_separated_with_spaces_and_case_ignored(text, presets):
    assert load_config(env={"PASTEBOX_EXPIRY_PRESETS": text}).expiry_presets == presets


def test_presets_may_be_a_list_in_the_config_file(tmp_path):
    toml = tmp_path / "pastebox.toml"
    toml.write_text('expiry_presets = ["1h", "1w"]\n')
    assert load_config(file=str(toml), env={}).expiry_presets == "1h,1w"


@pytest.mark.parametrize(
    ("text", "needle"),
    [("1h,soon", "not a duration: 'soon'"), ("", "at least one duration"),
     (" , ", "at least one duration"), ("1h,never", "'never' is not a positive duration"),
     ("0", "'0' is not a positive duration"), ("-5m", "not a duration")],
)  # fmt: skip
def test_a_bad_preset_is_one_line_naming_the_setting(text, needle):
    message = config_error(expiry_presets=text)
    assert "expiry_presets" in message
    assert needle in message


def test_a_bad_preset_on_the_command_line_names_the_flag():
    with pytest.raises(ConfigError, match="--expiry-presets: bad value for expiry_presets"):
        load_config(env={}, flags={"expiry_presets": "1h,later"})


# -- allow_never_expire ----------------------------------------------------------------------


def test_never_expiring_pastes_are_allowed_by_default():
    assert load_config(env={}).allow_never_expire is True


def test_a_default_of_never_is_refused_when_never_is_not_allowed():
    message = config_error(allow_never_expire="false")
    assert "allow_never_expire" in message and "default_ttl" in message


def test_a_default_of_zero_is_never_too():
    assert "default_ttl" in config_error(allow_never_expire="0", default_ttl="0")


def test_a_default_that_expires_is_fine_when_never_is_not_allowed():
    cfg = load_config(env={"PASTEBOX_ALLOW_NEVER_EXPIRE": "no", "PASTEBOX_DEFAULT_TTL": "1d"})
    assert (cfg.allow_never_expire, cfg.default_ttl) == (False, 86400)


def test_allow_never_expire_must_be_true_or_false():
    assert "allow_never_expire" in config_error(allow_never_expire="sometimes")


# -- render_cache_mb -------------------------------------------------------------------------


def test_the_render_cache_defaults_to_32_mib_and_zero_turns_it_off():
    assert load_config(env={}).render_cache_mb == 32
    assert load_config(env={"PASTEBOX_RENDER_CACHE_MB": "0"}).render_cache_mb == 0


@pytest.mark.parametrize("value", ["-1", "lots", "1.5"])
def test_a_bad_render_cache_size_is_one_line(value):
    assert "render_cache_mb" in config_error(render_cache_mb=value)


# -- the expiry choices the form offers ------------------------------------------------------


def test_the_form_offers_the_presets_in_order_and_then_never(make_app):
    assert offered(make_app()) == ["10m", "1h", "1d", "1w", "1m", "1y", "never"]


def test_the_form_offers_the_configured_presets_with_readable_labels(make_app):
    choices, _ = ttl_choices(load_config(env={}, flags={"expiry_presets": "10m,2d,3w,1m,1y"}))
    assert choices == [("10m", "10 minutes"), ("2d", "2 days"), ("3w", "3 weeks"),
                       ("1m", "1 month"), ("1y", "1 year"), ("never", "never")]  # fmt: skip
    assert offered(make_app(expiry_presets="2d,3w")) == ["2d", "3w", "never"]


@pytest.mark.parametrize(
    ("preset", "label"),
    [("90min", "90 minutes"), ("36h", "36 hours"), ("30s", "30 seconds"), ("10d", "10 days"),
     ("2w", "2 weeks"), ("5400", "90 minutes")],
)  # fmt: skip
def test_each_expiry_choice_says_exactly_how_long_it_keeps_the_paste(preset, label):
    choices, _ = ttl_choices(load_config(env={}, flags={"expiry_presets": preset}))
    assert choices[0] == (preset, label)


def test_a_default_that_is_no_preset_is_labelled_exactly():
    cfg = load_config(env={}, flags={"expiry_presets": "1h", "default_ttl": "5400"})
    assert ttl_choices(cfg) == ([("5400", "90 minutes"), ("1h", "1 hour"), ("never", "never")],
                                "5400")  # fmt: skip


def test_presets_longer_than_max_ttl_are_not_offered(make_app):
    assert offered(make_app(expiry_presets="1h,1d,1w,1y", max_ttl="1w")) == [
        "1h", "1d", "1w", "never"]  # fmt: skip


def test_never_is_not_offered_when_it_is_not_allowed(make_app):
    app = make_app(allow_never_expire=False, default_ttl="1d")
    assert offered(app) == ["10m", "1h", "1d", "1w", "1m", "1y"]
    assert selected(app) == "1d"


def test_never_is_preselected_when_it_is_the_default(make_app):
    assert selected(make_app()) == "never"


def test_a_default_that_is_no_preset_is_offered_first(make_app):
    app = make_app(expiry_presets="1h,1d", default_ttl="2h")
    assert offered(app) == ["7200", "1h", "1d", "never"]
    assert selected(app) == "7200"


def test_an_offered_preset_creates_a_paste_with_that_lifetime(make_app):
    app = make_app(expiry_presets="2d")
    token = csrf(app).encode()
    body = (
        b'--B\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n' + token + b"\r\n"
        b'--B\r\nContent-Disposition: form-data; name="content"\r\n\r\nx\r\n'
        b'--B\r\nContent-Disposition: form-data; name="ttl"\r\n\r\n2d\r\n--B--\r\n'
    )
    res = app.post("/new", body, headers={**BROWSER, "Content-Type": "multipart/form-data; boundary=B"},
                   status=303)  # fmt: skip
    paste_id = res.headers["Location"].rsplit("/", 1)[1]
    assert app.get(f"/api/v1/pastes/{paste_id}").json["expiresAt"] == "2027-01-17T08:00:00.000Z"
