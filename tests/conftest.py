"""Shared fixtures: a fake clock, a config and store on a temporary database, the in-process app,
a real `python -m pastebox` server on a free port, nginx in front of one, and the fixtures several
spec files request (signed-in browsers, API keys, the command-line client's home)."""

import getpass
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import webtest
from helpers import (
    CLI_TIMEOUT,
    LEAKY_ENV,
    NGINX,
    NGINX_CONF,
    OTHER_PASSWORD,
    ROOT,
    FakeClock,
    LiveServer,
    Nginx,
    Ran,
    _accepts,
    browser,
    free_port,
    signup,
    wait_until,
)

from pastebox.config import Config, load_config
from pastebox.core import accounts
from pastebox.core.context import Core
from pastebox.render import Renderer
from pastebox.server.proxy import behind_proxy
from pastebox.store import Store, open_store
from pastebox.web.app import create_app


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    return str(tmp_path / "pastebox.db")


@pytest.fixture
def make_config(db_path: str):
    """Config for tests: rate limiting off unless a test turns it on."""

    def make(**overrides) -> Config:
        flags = {"db": db_path, "rate_limit": 0, **overrides}
        return load_config(env={}, flags=flags)

    return make


@pytest.fixture
def cfg(make_config) -> Config:
    return make_config()


@pytest.fixture
def store(cfg: Config) -> Iterator[Store]:
    s = open_store(cfg.db, synchronous=cfg.synchronous)
    yield s
    s.close()


@pytest.fixture
def core(store: Store, cfg: Config, clock: FakeClock) -> Core:
    """The domain over the test's store, settings and clock (as create_app builds it)."""
    return Core(store, cfg, clock)


@pytest.fixture(scope="session")
def renderer() -> Iterator[Renderer]:
    r = Renderer(timeout=5.0)
    yield r
    r.close()


@pytest.fixture
def make_app(store: Store, clock: FakeClock, renderer: Renderer, make_config):
    """An in-process app over the test store; keyword overrides change the config (and
    `renderer=` the renderer)."""
    shared = renderer

    def make(*, renderer: Renderer = shared, **overrides) -> webtest.TestApp:
        config = make_config(**overrides)
        app = create_app(config, store, now=clock, renderer=renderer)
        # With a trusted proxy, its headers are translated as waitress does under the server;
        # without one the app reads no proxy header at all (waitress drops them anyway).
        return webtest.TestApp(behind_proxy(app, config) if config.trust_proxy else app)

    return make


@pytest.fixture
def app(make_app, request) -> webtest.TestApp:
    """The in-process app; a module's `pytestmark = pytest.mark.app_settings(**overrides)` changes
    its config for every test of the module."""
    marker = request.node.get_closest_marker("app_settings")
    return make_app(**(marker.kwargs if marker else {}))


# -- a real server -------------------------------------------------------------------------


@pytest.fixture
def live_server(db_path: str) -> Iterator[LiveServer]:
    server = LiveServer(db_path).start()
    yield server
    server.kill()


@pytest.fixture
def start_server(db_path: str):
    """Factory for tests that need flags, environment or several starts on one database."""
    servers: list[LiveServer] = []

    def start(*args: str, env: dict[str, str] | None = None, db: str | None = None) -> LiveServer:
        server = LiveServer(db or db_path, *args, env=env).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.kill()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that start a real server are marked `server` (make test-fast skips them)."""
    for item in items:
        if {"live_server", "start_server", "start_nginx"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.server)


# -- a real nginx in front -------------------------------------------------------------------


@pytest.fixture
def start_nginx(tmp_path: Path):
    """Factory: an nginx reverse proxy in front of `upstream` (a URL), with its config, pid,
    logs and temp files in a temporary directory; skipped when nginx is not installed."""
    if NGINX is None:
        pytest.skip("nginx is not installed (Debian: apt-get install nginx)")
    started: list[Nginx] = []

    def start(upstream: str) -> Nginx:
        where = tmp_path / f"nginx{len(started)}"
        where.mkdir()
        plain, tls = free_port(), free_port()
        # As root, nginx's workers would run as nobody and could not use the temp paths.
        user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
        conf = where / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                user=user, dir=where, plain_port=plain, tls_port=tls, upstream=upstream
            )
        )
        proc = subprocess.Popen(
            [NGINX, "-c", str(conf), "-p", str(where), "-g", "daemon off;"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        nginx = Nginx(proc, where, f"http://127.0.0.1:{plain}", f"http://127.0.0.1:{tls}")
        started.append(nginx)
        if not wait_until(lambda: proc.poll() is not None or _accepts(plain) and _accepts(tls)):
            raise RuntimeError("nginx did not start:\n" + nginx.error_log)
        if proc.poll() is not None:
            raise RuntimeError("nginx exited:\n" + nginx.error_log)
        return nginx

    yield start
    for nginx in started:
        nginx.proc.terminate()
        try:
            nginx.proc.wait(10)
        except subprocess.TimeoutExpired:
            nginx.proc.kill()
            nginx.proc.wait(10)


# -- accounts in the browser -----------------------------------------------------------------


@pytest.fixture
def alice(app) -> webtest.TestApp:
    """A browser signed in as alice (who signed up in it)."""
    signup(app)
    return app


@pytest.fixture
def bob(app) -> webtest.TestApp:
    other = browser(app)
    signup(other, "bob", OTHER_PASSWORD)
    return other


# -- the JSON API ----------------------------------------------------------------------------


@pytest.fixture
def alice_key(core) -> str:
    """The API key of user alice."""
    return accounts.add_user(core, "alice")[1]


@pytest.fixture
def bob_key(core) -> str:
    """The API key of user bob."""
    return accounts.add_user(core, "bob")[1]


# -- the command-line client -----------------------------------------------------------------


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def pastebox(tmp_path: Path, home: Path):
    """`python -m pastebox ARGS` with HOME a temporary directory and no PASTEBOX_* settings but
    `env`; stdin is `input` (bytes)."""

    def run(*args: str, input: bytes = b"", env: dict[str, str] | None = None) -> Ran:
        base = {k: v for k, v in os.environ.items() if not k.upper().startswith(LEAKY_ENV)}
        full = {**base, "HOME": str(home), "PYTHONPATH": str(ROOT), **(env or {})}
        done = subprocess.run(
            [sys.executable, "-m", "pastebox", *args],
            cwd=tmp_path,
            env=full,
            input=input,
            capture_output=True,
            timeout=CLI_TIMEOUT,
        )
        return Ran(done.returncode, done.stdout, done.stderr.decode("utf-8", "replace"))

    return run


@pytest.fixture
def dead_url() -> Iterator[str]:
    """A local port that is bound but not listening: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture
def add_user(pastebox, db_path: str):
    """`user add NAME --db DB` (the live server's database); returns the API key."""

    def add(name: str) -> str:
        result = pastebox("user", "add", name, "--db", db_path)
        assert result.returncode == 0, result.stderr
        return result.text.rstrip("\n").splitlines()[-1]

    return add


# -- exposure: the URLs of a paste and who may see it ----------------------------------------


@pytest.fixture
def owner_key(core) -> str:
    return accounts.add_user(core, "owner")[1]


@pytest.fixture
def other_key(core) -> str:
    return accounts.add_user(core, "other")[1]


# -- limits ----------------------------------------------------------------------------------


@pytest.fixture
def olive_key(core) -> str:
    return accounts.add_user(core, "olive")[1]
