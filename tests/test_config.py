"""Settings: layering, validation, and the README table that documents them."""

from pathlib import Path

import pytest

from pastebox.config import Config, ConfigError, load_config, markdown_table, settings
from pastebox.config_values import parse_ttl

README = Path(__file__).resolve().parent.parent / "README.md"


def test_defaults_match_the_documented_contract():
    cfg = load_config(env={})
    assert (cfg.host, cfg.port, cfg.db) == ("127.0.0.1", 8080, "./pastebox.db")
    assert cfg.janitor_interval == 60
    assert cfg.rate_limit == 60
    assert cfg.max_paste_bytes == 10 * 1024 * 1024
    assert cfg.synchronous == "full"


def test_flags_beat_environment_beat_file_beat_defaults(tmp_path):
    toml = tmp_path / "pastebox.toml"
    toml.write_text('port = 9000\nrate_limit = 5\njanitor_interval = 30\nhost = "0.0.0.0"\n')
    cfg = load_config(
        file=str(toml),
        env={"PASTEBOX_RATE_LIMIT": "7", "PASTEBOX_JANITOR_INTERVAL": "20"},
        flags={"janitor_interval": "10"},
    )
    assert cfg.host == "0.0.0.0"  # file only
    assert cfg.port == 9000  # file only
    assert cfg.rate_limit == 7  # env beats file
    assert cfg.janitor_interval == 10  # flag beats env


def test_file_may_use_a_pastebox_table_and_dashed_keys(tmp_path):
    toml = tmp_path / "pastebox.toml"
    toml.write_text("[pastebox]\nrate-limit = 0\n")
    assert load_config(file=str(toml), env={}).rate_limit == 0


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"PASTEBOX_NOPE": "1"}, "unknown setting"),
        ({"PASTEBOX_PORT": "http"}, "port"),
        ({"PASTEBOX_RATE_LIMIT": "-1"}, "rate_limit must be at least 0"),
        ({"PASTEBOX_SYNCHRONOUS": "off"}, "synchronous"),
        ({"PASTEBOX_TRUST_PROXY": "maybe"}, "trust_proxy"),
        ({"PASTEBOX_RENDER_TIMEOUT": "nan"}, "render_timeout"),
        ({"PASTEBOX_PORT": "٣٠٠٠"}, "port"),
    ],
)
def test_bad_environment_values_are_one_clear_line(env, needle):
    with pytest.raises(ConfigError) as caught:
        load_config(env=env)
    message = str(caught.value)
    assert needle in message
    assert "\n" not in message


def test_unknown_file_key_is_refused(tmp_path):
    toml = tmp_path / "pastebox.toml"
    toml.write_text("colour = 'blue'\n")
    with pytest.raises(ConfigError, match="unknown setting 'colour'"):
        load_config(file=str(toml), env={})


def test_broken_toml_is_refused(tmp_path):
    toml = tmp_path / "pastebox.toml"
    toml.write_text("port = \n")
    with pytest.raises(ConfigError, match="config file"):
        load_config(file=str(toml), env={})


def test_client_variables_share_the_prefix_without_being_settings():
    assert load_config(env={"PASTEBOX_SERVER": "http://x", "PASTEBOX_API_KEY": "k"}) == Config()


def test_default_ttl_may_not_exceed_max_ttl():
    with pytest.raises(ConfigError, match="default_ttl"):
        load_config(env={"PASTEBOX_MAX_TTL": "1h", "PASTEBOX_DEFAULT_TTL": "1d"})


def test_an_upload_buffer_too_small_for_the_largest_paste_is_refused():
    with pytest.raises(ConfigError, match="upload_buffer_mb"):
        load_config(env={}, flags={"max_paste_bytes": 12 * 1024 * 1024, "upload_buffer_mb": 16})


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("3600", 3600), ("10m", 600), ("30min", 1800), ("1h", 3600), ("1d", 86400),
     ("1w", 604800), ("1m", 2592000), ("2mo", 5184000), ("1y", 31536000), ("never", 0),
     ("NEVER", 0), ("90s", 90)],
)  # fmt: skip
def test_durations_read_like_the_presets(text, seconds):
    assert parse_ttl(text) == seconds


@pytest.mark.parametrize("text", ["", "-5", "1.5h", "h", "10 parsecs", "٣", "1e3"])
def test_nonsense_durations_are_refused(text):
    with pytest.raises(ValueError):
        parse_ttl(text)


def test_every_setting_has_help_text():
    for f in settings():
        assert f.metadata["help"].strip(), f.name


def test_readme_documents_every_setting_exactly():
    assert markdown_table() in README.read_text(), (
        "regenerate the README table: see config.markdown_table()"
    )
