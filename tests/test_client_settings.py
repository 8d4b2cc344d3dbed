"""The command-line client's settings: flag > environment > config file > default, the API
key it sends (and never to another server), and bad config files."""

from pathlib import Path

import pytest
from helpers import fetch, one_line, pasted_id

from pastebox import client

# -- settings: flag > environment > file > default -----------------------------------------


def write_config(path: Path, server: str, api_key: str | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f'server = "{server}"'] + ([f'api_key = "{api_key}"'] if api_key else [])
    path.write_text("\n".join(lines) + "\n")


PRECEDENCE = {
    "file": ("live", None, None, "live"),
    "env-beats-file": ("dead", "live", None, "live"),
    "env-beats-file-2": ("live", "dead", None, "dead"),
    "flag-beats-env-and-file": ("dead", "dead", "live", "live"),
    "flag-beats-env": (None, "live", "dead", "dead"),
}


@pytest.mark.parametrize(
    ("in_file", "in_env", "in_flag", "used"), PRECEDENCE.values(), ids=PRECEDENCE.keys()
)
def test_the_server_comes_from_flag_then_environment_then_file(
    pastebox, live_server, dead_url, home, in_file, in_env, in_flag, used
):
    urls = {"live": live_server.url, "dead": dead_url}
    if in_file:
        write_config(home / ".config" / "pastebox" / "client.toml", urls[in_file])
    env = {"PASTEBOX_SERVER": urls[in_env]} if in_env else {}
    flags = ("--server", urls[in_flag]) if in_flag else ()
    result = pastebox("paste", *flags, input=b"which server?", env=env)
    if used == "live":
        assert fetch(f"{live_server.url}/raw/{pasted_id(result)}").body == b"which server?"
    else:
        assert result.returncode == 1
        assert one_line(result.stderr) == f"pastebox: cannot reach {dead_url}: connection refused"


@pytest.mark.parametrize("where", ["xdg", "named"])
def test_the_config_file_follows_xdg_config_home_and_pastebox_config(
    pastebox, live_server, dead_url, home, tmp_path, where
):
    write_config(home / ".config" / "pastebox" / "client.toml", dead_url)  # must not be read
    if where == "xdg":
        write_config(tmp_path / "xdg" / "pastebox" / "client.toml", live_server.url)
        env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    else:
        write_config(tmp_path / "elsewhere.toml", live_server.url)
        env = {"PASTEBOX_CONFIG": str(tmp_path / "elsewhere.toml")}
    pasted_id(pastebox("paste", input=b"x", env=env))


@pytest.mark.parametrize("source", ["environment", "file", "flag"])
def test_an_api_key_makes_the_paste_owned(pastebox, live_server, add_user, home, source):
    key = add_user("alice")
    env, flags = {"PASTEBOX_SERVER": live_server.url}, ()
    if source == "environment":
        env["PASTEBOX_API_KEY"] = key
    elif source == "file":
        write_config(home / ".config" / "pastebox" / "client.toml", live_server.url, key)
    else:
        flags = ("--api-key", key)
    result = pastebox("paste", *flags, input=b"mine", env=env)
    pid = pasted_id(result)
    assert result.stderr == ""  # an owned paste needs no manage token
    listed = fetch(f"{live_server.url}/api/v1/pastes", headers={"X-Api-Key": key}).json()
    assert [p["publicId"] for p in listed["pastes"]] == [pid]


def test_the_api_key_is_not_sent_to_a_server_a_link_names(
    pastebox, live_server, add_user, dead_url
):
    key = add_user("alice")
    env = {"PASTEBOX_API_KEY": key}
    created = pastebox("paste", "--private", "--server", live_server.url, input=b"p", env=env)
    link = created.text.strip()
    elsewhere = pastebox("get", link, env={**env, "PASTEBOX_SERVER": dead_url})
    assert elsewhere.returncode == 1
    assert one_line(elsewhere.stderr) == "pastebox: no such paste"
    home_server = pastebox("get", link, env={**env, "PASTEBOX_SERVER": live_server.url})
    assert (home_server.returncode, home_server.stdout) == (0, b"p"), home_server.stderr


# -- in-process: link parsing and settings ---------------------------------------------------


def test_settings_default_when_nothing_is_configured(tmp_path):
    assert client.load_settings(env={"HOME": str(tmp_path)}) == client.ClientSettings(
        "http://127.0.0.1:8080", None
    )


def test_settings_take_each_key_from_the_first_layer_that_has_it(tmp_path):
    write_config(tmp_path / ".config" / "pastebox" / "client.toml", "http://file/", "file-key")
    env = {"HOME": str(tmp_path)}
    assert client.load_settings(env=env) == client.ClientSettings("http://file", "file-key")
    env["PASTEBOX_SERVER"] = "http://env"
    assert client.load_settings(env=env) == client.ClientSettings("http://env", "file-key")
    env["PASTEBOX_API_KEY"] = "env-key"
    assert client.load_settings(env=env) == client.ClientSettings("http://env", "env-key")
    assert client.load_settings("http://flag", "flag-key", env=env) == client.ClientSettings(
        "http://flag", "flag-key"
    )


@pytest.mark.parametrize(
    ("toml", "needle"),
    [("colour = 'blue'\n", "colour"), ("server = 8080\n", "string"), ("server = \n", "client.toml"),
     ("server = 'gopher://x'\n", "http")],
)  # fmt: skip
def test_a_bad_config_file_is_a_usage_error(tmp_path, toml, needle):
    path = tmp_path / ".config" / "pastebox" / "client.toml"
    path.parent.mkdir(parents=True)
    path.write_text(toml)
    with pytest.raises(client.ClientError) as caught:
        client.load_settings(env={"HOME": str(tmp_path)})
    assert caught.value.status == 2 and needle in caught.value.message


def test_a_named_config_file_must_exist(tmp_path):
    with pytest.raises(client.ClientError, match="not found"):
        client.load_settings(env={"HOME": str(tmp_path), "PASTEBOX_CONFIG": str(tmp_path / "no")})
