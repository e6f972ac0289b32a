"""The web terminal in a real browser (headless Debian Chromium, driven by playwright): a
visitor opens the front page, follows its link to /terminal, registers, reaches the main
menu, reads a thread, and the board redraws when the window changes size; a telnet caller and
a browser caller see each other in who's online and talk in the teleconference.

Screens are read from xterm.js's own buffer (tests/helpers/browser.py), and every wait only
matches output drawn after the key it waits on. Screenshots go to build/screenshots/.

One `retroboard serve` for the module (telnet and --http-port on free ports) and one Chromium.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from retroboard.config import Settings
from tests.helpers.browser import BrowserTerm, chromium, needs_chromium
from tests.helpers.clients import ProgramClient
from tests.helpers.serve import free_port, serve

pytestmark = [pytest.mark.asyncio(loop_scope="module"), needs_chromium]

BOARD_NAME = "Heron Point BBS"
PASSWORD = "Web-pass-1"
MENU = r"\[G\] Goodbye"
IN_CHAT = r"/\? lists the commands"
PAIR = ("ada", "bea")  # the telnet and the browser caller of the chat test
SUBJECT = "Amiga 500 power supply hum"
BODY = "Mine hums loudly when the drive spins up."


@dataclass
class Live:
    telnet: int
    http: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http}"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def board(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Live]:
    from retroboard.app import Board
    from retroboard.db.migrate import upgrade

    data = tmp_path_factory.mktemp("web")
    settings = replace(
        Settings(data=data), argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1
    )
    seeding = Board(settings)
    await upgrade(seeding.db)
    try:
        users = seeding.services.users
        alice = await users.register("alice", "Alice-pass-1")
        for handle in PAIR:
            await users.register(handle, PASSWORD)
        await seeding.services.articles.post(alice, ["misc.test"], SUBJECT, BODY + "\n")
    finally:
        await seeding.db.dispose()
    telnet, http = free_port(), free_port()
    log = data / "board.log"
    env = {"RETROBOARD_BOARD_NAME": BOARD_NAME}
    with serve(data, log, telnet_port=telnet, http_port=http, env=env):
        yield Live(telnet, http, log)
    assert "Traceback" not in log.read_text()


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def browser(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Any]:
    """One headless Chromium (a fresh profile) for the module; each test opens its own tab."""
    async with chromium(tmp_path_factory.mktemp("chromium") / "profile", 1280, 800) as context:
        yield context


@pytest_asyncio.fixture(loop_scope="module")
async def page(browser: Any) -> AsyncIterator[Any]:
    tab = await browser.new_page()
    try:
        yield tab
    finally:
        await tab.close()


async def open_terminal(page: Any, board: Live) -> BrowserTerm:
    """As a visitor: the front page, its link to the terminal, until the socket is open."""
    term = BrowserTerm(page)
    response = await page.goto(board.url + "/")
    assert response is not None and response.status == 200
    await follow_to_terminal(term, board)
    return term


async def follow_to_terminal(term: BrowserTerm, board: Live) -> None:
    """Click the front page's link to /terminal; the page comes with its security policy."""
    async with term.page.expect_response(board.url + "/terminal") as arrived:
        await term.page.locator('a[href="/terminal"]').first.click()
    response = await arrived.value
    assert response.status == 200
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "style-src 'self'" in csp, response.headers
    await term.attach()


async def register(term: BrowserTerm, handle: str) -> str:
    """The new-user application typed into the browser's terminal; returns the menu screen."""
    await term.wait_for(r"Handle:\s*$")
    await term.line("new")
    await term.wait_for(r"Handle \(2-20 letters\):\s*$")
    await term.line(handle)
    await term.wait_for(r"Password \(8 or more characters\):\s*$")
    await term.line(PASSWORD)
    await term.wait_for(r"confirm:\s*$")
    await term.line(PASSWORD)
    await term.wait_for(r"Real name \(optional\):\s*$")
    await term.line("")
    await term.wait_for(r"Location, city/state \(optional\):\s*$")
    await term.line("Leeds")
    await term.wait_for(r"\(Y/n\)")
    await term.type("y")
    return await term.wait_for(MENU)


async def back_to_menu(term: BrowserTerm) -> str:
    for _ in range(6):
        await term.press("q")
        await term.settle()
        if "[G] Goodbye" in await term.text():
            return await term.text()
    raise AssertionError(f"q never reached the main menu:\n{await term.text()}")


async def test_front_page_terminal_register_read_a_thread_and_resize(
    board: Live, page: Any
) -> None:
    term = BrowserTerm(page)
    response = await page.goto(board.url + "/")
    assert response is not None and response.status == 200
    assert (await page.locator("h1").first.inner_text()).strip() == BOARD_NAME
    body = await page.locator("body").inner_text()
    assert re.search(rf"\btelnet \S+ {board.telnet}\b", body), body  # how to connect
    await page.screenshot(path=str(_shots() / "front-1280x800.png"), full_page=True)
    front_csp = await term.csp_violations()

    await follow_to_terminal(term, board)
    cols, rows = await term.size()
    assert cols >= 80 and rows >= 25  # the page fits at least 80x25 in the window
    await term.wait_for(r"Handle:\s*$")
    await term.settle()
    await term.screenshot("welcome-1280x800.png")

    menu = await register(term, "webuser")
    assert "Welcome, webuser!" in menu
    await term.settle()
    await term.screenshot("menu-1280x800.png")

    # the board was told the window's size: its information screen says so
    await term.press("i")
    await term.wait_for(rf"\b{cols}x{rows}\b")
    await back_to_menu(term)

    # read alice's thread in misc.test
    await term.press("m")
    await term.wait_for("groups")
    await term.press("g")
    await term.wait_for(r"Go to group:\s*$")
    await term.line("misc.test")
    await term.wait_for(re.escape(SUBJECT))
    await term.press("Enter")
    screen = await term.wait_for(re.escape(BODY))
    assert "alice" in screen and SUBJECT in screen
    await term.settle()
    await term.screenshot("thread-1280x800.png")
    await back_to_menu(term)

    # a smaller window: xterm.js fits fewer columns, the board redraws the menu to fit
    await term.settle()
    new_cols, new_rows = await term.resize(800, 600)
    assert new_cols != cols
    await term.wait_for(MENU)
    await term.settle()
    await term.screenshot("menu-800x600.png")
    await term.press("i")
    await term.wait_for(rf"\b{new_cols}x{new_rows}\b")
    await back_to_menu(term)

    # log off: the board hangs up, the page says the connection is closed
    assert await term.ws_state() == "open"
    await term.press("g")
    await term.wait_for(r"Log off now\?")
    await term.type("y")
    await term.wait_for("NO CARRIER")
    await term.wait_for("Connection closed")
    assert await term.ws_state() == "closed"
    # the pages work under their own security policy: nothing of theirs was blocked
    assert front_csp == [] and await term.csp_violations() == [], (front_csp, term.errors)
    assert not [e for e in term.errors if "Content Security Policy" in e], term.errors


@pytest.mark.skipif(
    shutil.which("telnet") is None, reason="needs the telnet program (apt-get install telnet)"
)
async def test_telnet_and_browser_callers_see_each_other_and_chat(board: Live, page: Any) -> None:
    ada = ProgramClient.telnet(board.telnet)
    try:
        await ada.wait_for(r"Handle:\s*$")
        await ada.line("ada")
        await ada.wait_for(r"Password:\s*$")
        await ada.line(PASSWORD)
        await ada.wait_for(MENU)
        await page.set_viewport_size({"width": 800, "height": 600})  # the smaller window
        bea = await open_terminal(page, board)
        await bea.wait_for(r"Handle:\s*$")
        await bea.settle()
        await bea.screenshot("welcome-800x600.png")
        await bea.line("bea")
        await bea.wait_for(r"Password:\s*$")
        await bea.line(PASSWORD)
        await bea.wait_for(MENU)

        # the front page lists both, each with how they called
        front = await page.context.new_page()
        try:
            await front.goto(board.url + "/")
            handles = await front.locator("#online tbody td.handle").all_inner_texts()
            via = await front.locator("#online tbody td.via").all_inner_texts()
            listed = sorted(row for row in zip(handles, via, strict=True) if row[0] in PAIR)
            assert listed == [("ada", "telnet"), ("bea", "web")], (handles, via)
        finally:
            await front.close()

        # who's online, both ways: bea over the web, ada over telnet
        await ada.send("w")
        await ada.wait_for(r" bea +.* +web\s*$")
        await ada.settle()
        assert re.search(r" ada +.* telnet\s*$", ada.text, re.M), ada.text
        await bea.press("w")
        screen = await bea.wait_for(r" ada +.* +telnet\s*$")
        assert re.search(r" bea +.* web\s*$", screen, re.M), screen
        await ada.send("q")
        await ada.wait_for(MENU)
        await back_to_menu(bea)

        # the teleconference: each sees the other's line
        await ada.send("t")
        await ada.wait_for(IN_CHAT)
        joined = ada.mark()
        await bea.press("t")
        await bea.wait_for(IN_CHAT)
        await ada.wait_for(r"^\*\*\* bea has joined", after=joined)
        await ada.line("hello from the telnet side")
        await bea.wait_for(r"^<ada> hello from the telnet side$")
        said = ada.mark()
        await bea.line("and hello from the browser")
        await ada.wait_for(r"^<bea> and hello from the browser$", after=said)
        await bea.settle()
        await bea.screenshot("chat-800x600.png")
    finally:
        ada.close()


def _shots() -> Path:
    from tests.helpers.browser import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


async def test_a_paste_bigger_than_a_message_reaches_the_board(board: Live, page: Any) -> None:
    """A paste of 24,000 octets (12,000 two-octet characters) goes to the board in pieces
    within its 4,096-octet message limit (split inside characters), instead of one message
    the board would answer by closing the socket (1009); the login prompt takes the line."""
    term = await open_terminal(page, board)
    await term.wait_for(r"Handle:\s*$")
    await term.mark()
    await page.evaluate("window.retroboardTerm.paste('\\u00e9'.repeat(12000))")
    await term.press("Enter")
    await term.wait_for(r"(Password|Handle):\s*$", timeout=40)  # 12,000 keys at the key rate
    assert await term.ws_state() == "open"
    assert "Connection closed" not in await term.text()
