"""transports/web/pages.py: the front page, classroom and terminal documents from fixed data."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from retroboard.domain.web import (
    Classroom,
    ClassroomNode,
    ConnectInfo,
    FrontPage,
    OnlineCaller,
    PublicGroup,
    RecentCaller,
)
from retroboard.transports.web import pages
from tests.helpers.html_snapshot import check_html

CONNECT = ConnectInfo("bbs.example.org", 2323, 2222, 1119, 8080)
WELCOME = '<pre class="art" role="img"><span class="fg11">HELLO</span> &amp; bye</pre>'
AT = datetime(2026, 12, 3, 12, 30, 5, tzinfo=UTC)

FRONT = FrontPage(
    board_name="Floppy Shack",
    welcome_html=WELCOME,
    online_count=3,
    online=(
        OnlineCaller(1, "Zed", "Reading comp.sys.retro", "telnet"),
        OnlineCaller(3, "amiga_fan", "In teleconference main", "web"),
    ),
    last_callers=(
        RecentCaller("amiga_fan", AT, "web"),
        RecentCaller("Zed", datetime(2026, 12, 2, 23, 59, 0, tzinfo=UTC), "ssh"),
    ),
    groups=(
        PublicGroup("comp.sys.retro", "Vintage computers", 42),
        PublicGroup("local.general", "General chat", 7),
    ),
    connect=CONNECT,
)
ROOM = Classroom(
    board_name="Floppy Shack",
    demo=True,
    nodes=(
        ClassroomNode(2, "guest1", True, "Reading comp.sys.retro", 75.4, 3.2, "web"),
        ClassroomNode(4, "guest2", True, "At the main menu", 4000.0, 61.0, "telnet"),
        ClassroomNode(1, "Zed", False, "In teleconference main", 12.0, 0.0, "telnet"),
        ClassroomNode(5, "(logging in)", False, "Logging in", 2.0, 2.0, "ssh"),
    ),
)

HOSTILE = (
    "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"
    "\x1b[2J\x1b]0;pwn\x07\u202e\u200b\ufeff&amp;\r\nend"
)
# what the page shows of it: escapes, controls and invisibles gone, one line
CLEAN = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>&amp; end"


class Doc(HTMLParser):
    """Every start tag with its attributes, every text piece, and script/style bodies."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._open: list[str] = []
        self.inline_code: list[str] = []
        self.decl: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.decl.append(decl)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._open and self._open[-1] in ("script", "style") and data.strip():
            self.inline_code.append(data)
        self.text.append(data)

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]


def parse(doc: str) -> Doc:
    p = Doc()
    p.feed(doc)
    p.close()
    return p


def assert_document(doc: str, title: str) -> Doc:
    """A whole, CSP-clean document: doctype, lang, charset, viewport, title; no inline script
    or style, no style or on* attribute, nothing loaded from another host."""
    assert doc.startswith("<!doctype html>\n")
    p = parse(doc)
    assert p.decl == ["doctype html"]
    assert p.named("html") == [{"lang": "en"}]
    metas = p.named("meta")
    assert {"charset": "utf-8"} in metas
    assert any(m.get("name") == "viewport" for m in metas)
    assert re.search(r"<title>(.*?)</title>", doc) is not None
    assert html.unescape(re.search(r"<title>(.*?)</title>", doc).group(1)) == title  # type: ignore[union-attr]
    assert not p.inline_code, p.inline_code
    assert not p.named("style")
    for tag, attrs in p.tags:
        for name, value in attrs.items():
            assert name != "style" and not name.startswith("on"), (tag, name)
            if name in ("href", "src", "action"):
                assert value is not None and (
                    value.startswith("/")
                    and not value.startswith("//")
                    or value.startswith("news://")
                ), (tag, name, value)
    for script in p.named("script"):
        assert script.get("src", "").startswith("/assets/")  # type: ignore[union-attr]
    return p


# ---- snapshots -----------------------------------------------------------------------------


def test_front_page_snapshot() -> None:
    doc = pages.front_page_html(FRONT)
    assert_document(doc, "Floppy Shack")
    check_html("front", doc)


def test_classroom_snapshot() -> None:
    doc = pages.classroom_html(ROOM)
    p = assert_document(doc, "Floppy Shack: classroom")
    assert {"http-equiv": "refresh", "content": "5"} in p.named("meta")
    check_html("classroom", doc)


def test_classroom_of_a_board_without_guests_snapshot() -> None:
    doc = pages.classroom_html(Classroom("Floppy Shack", False, ()))
    assert_document(doc, "Floppy Shack: classroom")
    assert "not a demo board" in doc
    check_html("classroom-no-demo", doc)


def test_terminal_page_snapshot() -> None:
    doc = pages.terminal_html("Floppy Shack", True)
    p = assert_document(doc, "Floppy Shack")
    assert p.named("script") == [{"src": "/assets/terminal.js", "defer": None}]
    assert {"rel": "stylesheet", "href": "/assets/terminal.css"} in p.named("link")
    assert {"id": "terminal", "class": "terminal"} in p.named("div")
    check_html("terminal", doc)


def test_terminal_page_without_assets_snapshot() -> None:
    doc = pages.terminal_html("Floppy Shack", False, CONNECT)
    p = assert_document(doc, "Floppy Shack")
    assert not p.named("script")
    assert all(link.get("href") != "/assets/terminal.css" for link in p.named("link"))
    assert "npm" in doc and "telnet bbs.example.org 2323" in doc
    check_html("terminal-unbuilt", doc)


def test_error_page() -> None:
    doc = pages.error_html("Floppy Shack", 503, "The board's database is not answering.")
    assert_document(doc, "Floppy Shack: 503")
    assert "503: The board&#x27;s database is not answering." in doc


# ---- what the front page says --------------------------------------------------------------


def words(doc: str) -> str:
    return " ".join(" ".join(parse(doc).text).split())


def test_front_page_says_how_to_connect() -> None:
    doc = pages.front_page_html(FRONT)
    text = words(doc)
    assert "telnet bbs.example.org 2323" in text
    assert "ssh bbs.example.org -p 2222" in text
    assert "ssh new@bbs.example.org -p 2222" in text
    assert "news://bbs.example.org:1119" in text
    p = parse(doc)
    hrefs = [a.get("href") for a in p.named("a")]
    assert "/terminal" in hrefs and "news://bbs.example.org:1119" in hrefs
    assert WELCOME in doc  # the renderer's fragment goes in as it is
    assert "3 callers connected, 2 of them listed below." in text
    assert "Zed Reading comp.sys.retro telnet" in text
    assert "2026-12-03 12:30 UTC" in text and 'datetime="2026-12-03T12:30:05Z"' in doc
    assert "comp.sys.retro Vintage computers 42" in text


def test_listeners_that_are_off_are_not_offered() -> None:
    from dataclasses import replace

    page = replace(FRONT, connect=ConnectInfo("h", 2323, 0, 0, 8080))
    text = words(pages.front_page_html(page))
    assert "telnet h 2323" in text
    assert "SSH" not in text and "ssh h" not in text and "news://" not in text


def test_the_browsers_host_is_shown_when_it_is_a_plain_name() -> None:
    doc = pages.front_page_html(FRONT, host="retro.school.example")
    assert "telnet retro.school.example 2323" in words(doc)
    assert "bbs.example.org" not in doc
    for odd in ('evil"><script>', "a b", "x/y", "", "-a", "[::1"):
        doc = pages.front_page_html(FRONT, host=odd)
        assert "telnet bbs.example.org 2323" in words(doc), odd
    assert "telnet [::1] 2323" in words(pages.front_page_html(FRONT, host="[::1]"))
    for with_port, shown in (("retro.example:8080", "retro.example"), ("[::1]:80", "[::1]")):
        assert f"telnet {shown} 2323" in words(pages.front_page_html(FRONT, host=with_port))


def test_empty_lists_say_so() -> None:
    from dataclasses import replace

    page = replace(FRONT, welcome_html="", online_count=1, online=(), last_callers=(), groups=())
    doc = pages.front_page_html(page)
    text = words(doc)
    assert "1 caller connected (none logged in yet)" in text
    assert "Nobody has called yet" in text and "No public groups" in text
    assert 'class="welcome"' not in doc


@pytest.mark.parametrize(
    ("seconds", "want"), [(0, "0s"), (59.9, "59s"), (75, "1m 15s"), (3725, "1h 02m"), (-3, "0s")]
)
def test_durations(seconds: float, want: str) -> None:
    assert pages.duration(seconds) == want


# ---- hostile text is inert -----------------------------------------------------------------


def assert_inert(doc: str) -> None:
    p = parse(doc)
    assert [t for t, _ in p.tags if t in ("img", "script")] in ([], ["script"])
    assert "<img" not in doc and "<script>" not in doc
    assert "\x1b" not in doc and "\x07" not in doc
    for ch in "\u202e\u200b\ufeff":
        assert ch not in doc
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc
    assert "&amp;amp;" in doc  # an entity in the text is shown as typed, not decoded


def test_hostile_text_on_the_front_page_is_inert() -> None:
    page = FrontPage(
        board_name=HOSTILE,
        welcome_html="",
        online_count=1,
        online=(OnlineCaller(1, HOSTILE, HOSTILE, HOSTILE),),
        last_callers=(RecentCaller(HOSTILE, AT, HOSTILE),),
        groups=(PublicGroup(HOSTILE, HOSTILE, 1),),
        connect=ConnectInfo(HOSTILE, 23, 22, 119, 80),
    )
    doc = pages.front_page_html(page)
    assert_inert(doc)
    p = assert_document(doc, CLEAN)
    for a in p.named("a"):
        assert a.get("href") in ("/terminal", "/classroom") or str(a.get("href")).startswith(
            "news://"
        )


def test_hostile_text_in_the_classroom_is_inert() -> None:
    room = Classroom(HOSTILE, True, (ClassroomNode(1, HOSTILE, True, HOSTILE, 1.0, 1.0, HOSTILE),))
    doc = pages.classroom_html(room)
    assert_inert(doc)
    assert_document(doc, CLEAN + ": classroom")


def test_hostile_board_name_on_the_terminal_and_error_pages_is_inert() -> None:
    for doc in (
        pages.terminal_html(HOSTILE, True),
        pages.terminal_html(HOSTILE, False, ConnectInfo(HOSTILE, 23, 0, 0, 0)),
        pages.error_html(HOSTILE, 404, HOSTILE),
    ):
        p = parse(doc)
        assert "<img" not in doc and "\x1b" not in doc and "\u202e" not in doc
        assert [a.get("src") for a in p.named("script")] in ([], ["/assets/terminal.js"])
        assert "&lt;script&gt;" in doc


def test_long_text_is_cut() -> None:
    doc = pages.front_page_html(FrontPage("B" * 5000, "", 0, (), (), (), CONNECT))
    assert "B" * pages.TEXT_MAX not in doc and "B" * (pages.TEXT_MAX - 1) + "…" in doc


# ---- the stylesheet ------------------------------------------------------------------------


def test_site_css_has_every_art_class() -> None:
    css = pages.site_css()
    for i in range(16):
        assert f"pre.art .fg{i} " in css and f"pre.art .bg{i} " in css
    assert "pre.art .blink" in css and "pre.art .ul" in css
    assert "@import" not in css
    assert re.findall(r"url\(([^)]*)\)", css) == [f'"{pages.ART_FONT_PATH}"']  # only our own
    assert css.count("{") == css.count("}")


def test_the_art_font_is_the_one_the_web_build_ships() -> None:
    static = Path(pages.__file__).parent / "static"
    if not (static / "BUILT").exists():
        pytest.skip("the web assets are not built (npm)")
    assert (static / pages.ART_FONT_PATH.removeprefix("/assets/")).is_file()


def test_html_pages_is_the_servers_pages_object() -> None:
    p = pages.HtmlPages()
    assert p.front_page(FRONT) == pages.front_page_html(FRONT)
    assert "telnet retro.example 2323" in words(p.front_page(FRONT, host="retro.example"))
    assert p.classroom(ROOM) == pages.classroom_html(ROOM)
    assert p.terminal("Floppy Shack") == pages.terminal_html("Floppy Shack", True)
    assert p.error("B", 404, "x") == pages.error_html("B", 404, "x")
    assert p.site_css() == pages.site_css()
