"""The reader page in a real browser: headless Chromium driven by Playwright, against the app
served on a loopback port over a database seeded with the shipped seed.

Debian's Chromium at /usr/bin/chromium (scripts/ensure-chromium.sh installs it; Playwright
cannot download a browser here). The tests skip only when it cannot be had at all.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Locator,
    Page,
    Playwright,
    sync_playwright,
)

from tests.helpers import BACKGROUND_HEADINGS, BODY_HEADINGS, SANCTIONS_DEFINITION, SEED_TITLE
from tests.live_server import LiveServer, live_server, seeded_app

CHROMIUM = Path("/usr/bin/chromium")
ENSURE_CHROMIUM = Path(__file__).resolve().parent.parent / "scripts" / "ensure-chromium.sh"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1280, "height": 900}


def chromium_or_skip() -> Path:
    """/usr/bin/chromium, installed with apt-get when missing; skip only if that fails."""
    if not CHROMIUM.exists() and shutil.which("bash"):
        subprocess.run(["bash", str(ENSURE_CHROMIUM)], check=False, timeout=900)
    if not CHROMIUM.exists():
        pytest.skip(
            f"headless Chromium is not at {CHROMIUM} and {ENSURE_CHROMIUM.name} could not"
            " install it (needs root and apt-get): the reader's browser tests did not run"
        )
    return CHROMIUM


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    app = seeded_app(tmp_path_factory.mktemp("reader") / "content.db")
    with live_server(app) as live:
        yield live


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    executable = chromium_or_skip()
    browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class Visit:
    """A fresh browser context on the reader, with everything it asked for and said."""

    page: Page
    origin: str
    requests: list[str] = field(default_factory=list)
    console: list[ConsoleMessage] = field(default_factory=list)
    errors: list[Any] = field(default_factory=list)

    def open(self) -> None:
        self.page.goto(f"{self.origin}/reader/")
        self.ready()

    def reload(self) -> None:
        self.page.reload()
        self.ready()

    def ready(self) -> None:
        # The script sets data-ready once it has rendered the issue (or an error).
        self.page.wait_for_selector("html[data-ready=true]", state="attached")

    def problems(self) -> list[str]:
        said = [f"{m.type}: {m.text}" for m in self.console if m.type in ("error", "warning")]
        return said + [f"pageerror: {e}" for e in self.errors]


@pytest.fixture
def visit(browser: Browser, server: LiveServer) -> Iterator[Visit]:
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    page = context.new_page()
    visit = Visit(page, server.origin)
    page.on("request", lambda request: visit.requests.append(request.url))
    page.on("console", lambda message: visit.console.append(message))
    page.on("pageerror", lambda error: visit.errors.append(error))
    yield visit
    context.close()


def texts(page: Page, selector: str) -> list[str]:
    """The visible text of every match, each checked to be on screen (not hidden)."""
    locator = page.locator(selector)
    for index in range(locator.count()):
        assert locator.nth(index).is_visible(), (selector, index)
    return [text.strip() for text in locator.all_inner_texts()]


def key_term(page: Page, term: str) -> Locator:
    """The term's button in the article's Key terms list."""
    rail = page.get_by_role("complementary", name="Key terms")
    return rail.get_by_role("button", name=term, exact=True)


def latest_issue(server: LiveServer) -> dict[str, Any]:
    """What the API says the reader must show: the latest issue, in full."""
    client = server.app.test_client()
    issue = client.get("/v1/issues/latest").get_json()["data"]
    bundle = client.get(f"/v1/issues/{issue['id']}/bundle").get_json()["data"]
    assert len(bundle["articles"]) == 1  # the shipped seed: one article
    return bundle


def latest_article(server: LiveServer) -> dict[str, Any]:
    return latest_issue(server)["articles"][0]


def test_a_reader_sees_the_latest_issue_article_in_full(visit: Visit, server: LiveServer) -> None:
    issue = latest_issue(server)
    article = issue["articles"][0]
    visit.open()
    page = visit.page
    assert page.title() == f"{issue['title']} · Insight Fortnight"
    assert texts(page, "#issue-line") == [f"{issue['title']} · 19 June 2024"]

    assert texts(page, "article h2.title") == [article["title"]] == [SEED_TITLE]
    assert texts(page, ".lede") == [article["lede"]]
    body = [s for s in article["sections"] if s["kind"] == "body"]
    background = [s for s in article["sections"] if s["kind"] == "background"]
    assert texts(page, ".body-section h3") == [s["heading"] for s in body] == BODY_HEADINGS
    assert texts(page, ".body-section p") == [p for s in body for p in s["paragraphs"]]
    assert [s["heading"] for s in background] == BACKGROUND_HEADINGS
    assert texts(page, ".background-section h4") == [
        f"{s['number']}. {s['heading']}" for s in background
    ]
    assert texts(page, ".background-section dt") == [
        item["label"] for s in background for item in s["items"]
    ]
    terms = [t["term"] for t in article["glossary"]]
    assert len(terms) == 5
    assert texts(page, ".term-list .term-chip") == terms
    questions = [q["text"] for q in article["questions"]]
    assert len(questions) == 2
    assert texts(page, ".questions li") == questions
    assert visit.problems() == []


def test_a_key_term_shows_its_definition_when_chosen(visit: Visit, server: LiveServer) -> None:
    definitions = {t["term"]: t["definition"] for t in latest_article(server)["glossary"]}
    assert definitions["Sanctions"] == SANCTIONS_DEFINITION
    visit.open()
    page = visit.page
    card = page.locator(".definition")
    assert card.is_hidden(), "definitions show on demand"

    chip = key_term(page, "Sanctions")
    chip.click()
    assert card.is_visible()
    assert card.locator("dfn").inner_text() == "Sanctions"
    assert card.locator("p").inner_text() == SANCTIONS_DEFINITION
    assert chip.get_attribute("aria-expanded") == "true"
    assert chip.get_attribute("aria-controls") == card.get_attribute("id")

    # A term where the text first uses it is a button too, and keyboard-operable.
    in_text = page.locator(".story-body .term-ref, .lede .term-ref").first
    name = in_text.inner_text()
    expected = next(d for t, d in definitions.items() if t.lower() == name.lower())
    in_text.focus()
    page.keyboard.press("Enter")
    assert card.locator("p").inner_text() == expected
    assert in_text.get_attribute("aria-expanded") == "true"
    assert chip.get_attribute("aria-expanded") == "false"

    page.keyboard.press("Escape")
    assert card.is_hidden()
    assert in_text.get_attribute("aria-expanded") == "false"
    assert visit.problems() == []


def test_no_request_leaves_the_origin_and_the_console_stays_quiet(
    visit: Visit, server: LiveServer
) -> None:
    visit.open()
    key_term(visit.page, "Cold War").click()
    visit.page.mouse.wheel(0, 4000)
    visit.page.wait_for_load_state("networkidle")
    foreign = [url for url in visit.requests if not url.startswith(f"{server.origin}/")]
    assert foreign == []
    paths = [url.removeprefix(server.origin) for url in visit.requests]
    assert paths[0] == "/reader/"
    assert all(path.startswith("/v1/") for path in paths[1:]), paths
    assert visit.problems() == []


def test_a_reload_revalidates_every_request_with_304s(visit: Visit, server: LiveServer) -> None:
    exchanges = server.recorder.exchanges
    start = len(exchanges)
    visit.open()
    first = exchanges[start:]
    assert first[0].path == "/reader/"
    api = [e for e in first if e.path.startswith("/v1/")]
    assert api and all(e.status == 200 for e in api), first

    start = len(exchanges)
    visit.reload()
    again = exchanges[start:]
    assert [e.path for e in again] == [e.path for e in first]
    assert all(e.status == 304 and e.if_none_match for e in again), again
    # The page still shows the article, from the revalidated copies.
    assert texts(visit.page, "article h2.title") == [SEED_TITLE]
    assert visit.problems() == []


def test_the_policy_blocks_a_script_the_page_did_not_ship(visit: Visit) -> None:
    visit.open()
    blocked = visit.page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.head.append(script);
            return window.injected === undefined;
        }"""
    )
    assert blocked
    assert any("Content Security Policy" in m.text for m in visit.console)
