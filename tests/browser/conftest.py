"""Browser fixtures: Debian's chromium driven by Playwright (one per session), a real server per
module, a fresh context per test. A test fails when one of its pages throws or logs an error,
a CSP violation included; it is skipped only when playwright or chromium is missing."""

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from helpers import PROBLEMS, SERVER_FLAGS, LiveServer

try:
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        ConsoleMessage,
        Page,
        Response,
        WebError,
        sync_playwright,
    )
except ImportError:  # the specs skip; the rest of the suite still runs
    sync_playwright = None

CHROMIUM_FALLBACK = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Pages answer in milliseconds, but the machine may be shared with benchmarks and other suites.
ACTION_TIMEOUT_MS = 30_000
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
FAILED_LOAD = "Failed to load resource"
# Chromium asks for /favicon.ico by itself for a page that names no icon (the text/plain Raw
# view); the server has none there, and no page of it asked for one.
BROWSER_OWN_REQUESTS = ("/favicon.ico",)


def chromium_path() -> str | None:
    found = shutil.which("chromium") or CHROMIUM_FALLBACK
    return found if os.access(found, os.X_OK) else None


class PageProblems:
    """Uncaught exceptions and console errors (CSP violations are console errors) of every page
    in a test's contexts.

    A document the server answered with an error status (the 404 and 410 pages, a refused form)
    makes chromium log "Failed to load resource" for its URL; that is the page under test, whose
    status the test asserts, so it is not a problem; nor is the browser's own favicon request.
    A failed subresource of a page still is."""

    def __init__(self) -> None:
        self.uncaught: list[str] = []
        self.console: list[tuple[str, str]] = []  # (text, url)
        self.error_documents: set[str] = set()

    def watch(self, context: "BrowserContext") -> None:
        context.on("weberror", self._on_error)
        context.on("console", self._on_console)
        context.on("response", self._on_response)

    def _on_error(self, error: "WebError") -> None:
        self.uncaught.append(str(error.error))

    def _on_console(self, message: "ConsoleMessage") -> None:
        if message.type == "error":
            self.console.append((message.text, message.location.get("url", "")))

    def _on_response(self, response: "Response") -> None:
        if response.request.resource_type == "document" and response.status >= 400:
            self.error_documents.add(response.url)

    def found(self) -> list[str]:
        problems = [f"uncaught exception: {text}" for text in self.uncaught]
        for text, url in self.console:
            expected = url in self.error_documents or urlsplit(url).path in BROWSER_OWN_REQUESTS
            if not (text.startswith(FAILED_LOAD) and expected):
                problems.append(f"console error at {url or 'the page'}: {text}")
        return problems


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """Fail (not error) the test whose pages reported problems while it ran."""
    result = yield
    problems = item.stash.get(PROBLEMS, None)
    found = problems.found() if problems else []
    if found:
        raise AssertionError("the page reported problems:\n  " + "\n  ".join(found))
    return result


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Specs using the browser are marked `browser`, and `server` when they start one."""
    # pytest calls this hook with every collected item, not only those under this folder.
    here = Path(__file__).resolve().parent
    for item in items:
        if here not in Path(item.path).resolve().parents:
            continue
        names = set(getattr(item, "fixturenames", ()))
        if "browser" in names:
            item.add_marker(pytest.mark.browser)
        if "server" in names:
            item.add_marker(pytest.mark.server)


@pytest.fixture(scope="session")
def browser() -> Iterator["Browser"]:
    if sync_playwright is None:
        pytest.skip("playwright is not installed: pip install -e '.[test]'")
    executable = chromium_path()
    if executable is None:
        pytest.skip("chromium is not installed: apt-get install chromium")
    with sync_playwright() as playwright:
        # Debian's chromium, never a downloaded one; playwright turns the sandbox off (root).
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One `python -m pastebox serve` for a module whose specs each make their own pastes."""
    db = tmp_path_factory.mktemp("browser") / "pastebox.db"
    live = LiveServer(str(db), *SERVER_FLAGS).start()
    yield live
    live.kill()


@pytest.fixture
def new_context(
    browser: "Browser", server: LiveServer, request: pytest.FixtureRequest
) -> Iterator[Callable[..., "BrowserContext"]]:
    """Factory for fresh contexts (own cookies, storage, permissions) on the module's server;
    keyword arguments go to `browser.new_context` (viewport, color_scheme, …)."""
    problems = PageProblems()
    request.node.stash[PROBLEMS] = problems
    contexts: list[BrowserContext] = []

    def make(**options) -> "BrowserContext":
        context = browser.new_context(base_url=server.url, **options)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        problems.watch(context)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context) -> "BrowserContext":
    return new_context()


@pytest.fixture
def page(context: "BrowserContext") -> "Page":
    return context.new_page()


@pytest.fixture
def screenshot() -> Callable[["Page", str], Path]:
    """Save the whole page as tests/browser/screenshots/NAME.png, for a person to look at."""

    def save(page: "Page", name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
