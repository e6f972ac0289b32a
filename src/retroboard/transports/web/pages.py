"""The web pages as HTML documents: pure functions of the domain.web read models.

    front_page_html(page: FrontPage, *, host: str | None = None) -> str          GET /
    classroom_html(room: Classroom) -> str                                       GET /classroom
    terminal_html(board_name: str, assets_built: bool,
                  connect: ConnectInfo | None = None) -> str                     GET /terminal
    error_html(board_name: str, status: int, message: str) -> str               404, 503, ...
    site_css() -> str                                     GET /assets/site.css (text/css)
    HtmlPages()        the same as the object server.WebServer(pages=...) takes (its Pages)

Every page is a whole document (<!doctype html>, lang, charset, viewport, the board's name as
title) with no inline script, no inline style and no style attribute (the CSP is script-src
'self', style-src 'self'): /terminal links /assets/terminal.css and loads
<script src="/assets/terminal.js" defer> (the front-end build's files; left out, with a note,
when `assets_built` is False); the front page and the classroom link /assets/site.css, whose
text is `site_css()` here (the page layout and the art palette of ui.art_html's classes), so
the server can answer it without the npm build. /classroom refreshes itself every
CLASSROOM_REFRESH seconds (<meta http-equiv="refresh">).

All text from the board (its name, handles, activities, group names and descriptions, the
host) is cleaned of control characters, terminal escapes and invisible Unicode
(domain.text.sanitize) and HTML-escaped. The one exception is FrontPage.welcome_html, which
is the board's own art renderer's output (ui.art_html: escaped there) and goes in as it is.

`host` on the front page is the host name the browser used (the Host header; a port after it
is dropped); when it is a plain host name or address it is shown in the connect lines instead of
page.connect.host, so a board behind a name shows that name.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from functools import lru_cache

from retroboard.domain.text import sanitize
from retroboard.domain.web import Classroom, ConnectInfo, FrontPage

CLASSROOM_REFRESH = 5  # seconds between two loads of /classroom on the projector
SITE_CSS_PATH = "/assets/site.css"
TERMINAL_CSS_PATH = "/assets/terminal.css"
TERMINAL_JS_PATH = "/assets/terminal.js"
TEXT_MAX = 200  # characters of any one piece of board text shown (a name, a description)
_PORT = re.compile(r"(?<=[A-Za-z0-9\]]):[0-9]{1,5}\Z")
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\]")


def _text(value: object, limit: int = TEXT_MAX) -> str:
    """Board text as inert HTML: one line, no controls/escapes/invisibles, capped, escaped."""
    return _inert(str(value), limit)


@lru_cache(maxsize=4096)
def _inert(value: str, limit: int) -> str:
    """_text's work, remembered: a page shows the same handles, activities, transports and
    group names again and again (~850 pieces on a front page with 200 callers online)."""
    clean = " ".join(sanitize(value, multiline=False).split())
    if len(clean) > limit:
        clean = clean[: limit - 1] + "…"
    return html.escape(clean, quote=True)


def _document(title: str, body: str, *, head: str = "", body_class: str = "") -> str:
    cls = f' class="{body_class}"' if body_class else ""
    return (
        "<!doctype html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{title}</title>\n"
        f"{head}"
        "</head>\n"
        f"<body{cls}>\n"
        f"{body}"
        "</body>\n"
        "</html>\n"
    )


def _site_head() -> str:
    return f'<link rel="stylesheet" href="{SITE_CSS_PATH}">\n'


def _when(at: datetime) -> str:
    """A UTC time as <time>: "2026-12-03 12:31 UTC"."""
    utc = at.astimezone(UTC) if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return (
        f'<time datetime="{utc.strftime("%Y-%m-%dT%H:%M:%SZ")}">'
        f"{utc.strftime('%Y-%m-%d %H:%M')} UTC</time>"
    )


def duration(seconds: float) -> str:
    """Seconds as a projector reads them: "42s", "3m 05s", "1h 02m"."""
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    return f"{s // 3600}h {s % 3600 // 60:02d}m"


def _shown_host(connect: ConnectInfo, host: str | None) -> str:
    if host is not None:
        cleaned = _PORT.sub("", host.strip())  # "bbs.example:8080" (the Host header) too
        if _HOST.fullmatch(cleaned):
            return cleaned
    return connect.host


def _connect_section(connect: ConnectInfo, host: str) -> str:
    h = _text(host)
    items: list[str] = []
    if connect.telnet_port:
        items.append(
            f'<li class="how-telnet">telnet: <code>telnet {h} {connect.telnet_port}</code>'
            " (any telnet client; SyncTERM for CP437 art)</li>"
        )
    if connect.ssh_port:
        items.append(
            f'<li class="how-ssh">SSH: <code>ssh {h} -p {connect.ssh_port}</code>'
            f" &middot; to register a new account: <code>ssh new@{h} -p {connect.ssh_port}</code>"
            "</li>"
        )
    if connect.nntp_port:
        url = f"news://{h}:{connect.nntp_port}"
        items.append(
            f'<li class="how-nntp">a newsreader (NNTP): <a href="{url}">{url}</a>'
            f" (server {h}, port {connect.nntp_port})</li>"
        )
    items.append(
        '<li class="how-web">in this browser: <a href="/terminal">open the terminal</a></li>'
    )
    return (
        '<section class="connect" id="connect">\n<h2>How to connect</h2>\n<ul>\n'
        + "\n".join(items)
        + "\n</ul>\n</section>\n"
    )


def front_page_html(page: FrontPage, *, host: str | None = None) -> str:
    """GET /: the board's name, its welcome art, how to connect, who is online, the last
    callers and the public groups (see the module docstring)."""
    name = _text(page.board_name)
    shown = _shown_host(page.connect, host)
    parts = [f'<header class="board">\n<h1>{name}</h1>\n</header>\n<main>\n']
    if page.welcome_html:
        parts.append(f'<section class="welcome">\n{page.welcome_html}\n</section>\n')
    parts.append(_connect_section(page.connect, shown))

    count, listed = page.online_count, len(page.online)
    callers = "caller" if count == 1 else "callers"
    if count and not listed:
        more = " (none logged in yet)"
    elif listed < count:
        more = f", {listed} of them listed below"
    else:
        more = ""
    parts.append(
        '<section class="online" id="online">\n'
        f'<h2>Who\'s online</h2>\n<p class="count">{count} {callers} connected{more}.</p>\n'
    )
    if page.online:
        rows = "\n".join(
            f'<tr><td class="node">{c.node}</td><td class="handle">{_text(c.handle)}</td>'
            f'<td class="doing">{_text(c.doing)}</td><td class="via">{_text(c.transport)}</td></tr>'
            for c in page.online
        )
        parts.append(
            '<table class="who">\n<thead><tr><th>Node</th><th>Handle</th><th>Doing</th>'
            f"<th>Via</th></tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>\n"
        )
    parts.append("</section>\n")

    parts.append('<section class="last-callers" id="last-callers">\n<h2>Last callers</h2>\n')
    if page.last_callers:
        rows = "\n".join(
            f'<tr><td class="handle">{_text(c.handle)}</td><td class="at">{_when(c.at)}</td>'
            f'<td class="via">{_text(c.transport)}</td></tr>'
            for c in page.last_callers
        )
        parts.append(
            '<table class="callers">\n<thead><tr><th>Handle</th><th>When</th><th>Via</th>'
            f"</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>\n"
        )
    else:
        parts.append('<p class="none">Nobody has called yet.</p>\n')
    parts.append("</section>\n")

    parts.append('<section class="groups" id="groups">\n<h2>Message groups</h2>\n')
    if page.groups:
        rows = "\n".join(
            f'<tr><td class="group">{_text(g.name)}</td>'
            f'<td class="description">{_text(g.description)}</td>'
            f'<td class="articles">{g.articles}</td></tr>'
            for g in page.groups
        )
        parts.append(
            '<table class="group-list">\n<thead><tr><th>Group</th><th>About</th>'
            f"<th>Articles</th></tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>\n"
        )
    else:
        parts.append('<p class="none">No public groups.</p>\n')
    parts.append("</section>\n</main>\n")
    parts.append(
        '<footer>\n<p><a href="/terminal">Web terminal</a> &middot; '
        '<a href="/classroom">Classroom view</a></p>\n</footer>\n'
    )
    return _document(name, "".join(parts), head=_site_head(), body_class="front")


def classroom_html(room: Classroom) -> str:
    """GET /classroom: every node, guests first, what each is doing, for how long, how idle
    and over what; reloads itself every CLASSROOM_REFRESH seconds."""
    name = _text(room.board_name)
    head = f'<meta http-equiv="refresh" content="{CLASSROOM_REFRESH}">\n' + _site_head()
    guests = sum(1 for n in room.nodes if n.guest)
    parts = [f'<header class="board">\n<h1>{name}: classroom</h1>\n</header>\n<main>\n']
    if room.demo:
        parts.append(
            f'<p class="summary">{len(room.nodes)} connected, {guests} '
            f"{'guest' if guests == 1 else 'guests'}. "
            "Log in as <code>guest</code> to get a node of your own.</p>\n"
        )
    else:
        parts.append(
            '<p class="summary">This board is not a demo board: it has no guest nodes. '
            f"{len(room.nodes)} connected.</p>\n"
        )
    if room.nodes:
        rows = "\n".join(
            f'<tr class="{"guest" if n.guest else "member"}"><td class="node">{n.node}</td>'
            f'<td class="handle">{_text(n.handle)}</td><td class="doing">{_text(n.doing)}</td>'
            f'<td class="for">{duration(n.doing_seconds)}</td>'
            f'<td class="idle">{duration(n.idle_seconds)}</td>'
            f'<td class="via">{_text(n.transport)}</td></tr>'
            for n in room.nodes
        )
        parts.append(
            '<table class="classroom">\n<thead><tr><th>Node</th><th>Who</th><th>Doing</th>'
            f"<th>For</th><th>Idle</th><th>Via</th></tr></thead>\n<tbody>\n{rows}\n</tbody>\n"
            "</table>\n"
        )
    else:
        parts.append('<p class="none">Nobody is connected.</p>\n')
    parts.append(
        f"</main>\n<footer>\n<p>This page reloads every {CLASSROOM_REFRESH} seconds. "
        '<a href="/">Front page</a></p>\n</footer>\n'
    )
    return _document(f"{name}: classroom", "".join(parts), head=head, body_class="classroom")


def terminal_html(board_name: str, assets_built: bool, connect: ConnectInfo | None = None) -> str:
    """GET /terminal: the page xterm.js runs in (/assets/terminal.js finds <div id="terminal">
    and opens the WebSocket /ws). Without built assets: a page that says how to build them
    (and how to connect by telnet when `connect` is given)."""
    name = _text(board_name)
    if assets_built:
        head = (
            f'<link rel="stylesheet" href="{TERMINAL_CSS_PATH}">\n'
            f'<script src="{TERMINAL_JS_PATH}" defer></script>\n'
        )
        body = (
            '<div id="terminal" class="terminal"></div>\n'
            '<noscript><p class="noscript">The web terminal needs JavaScript. '
            '<a href="/">The front page</a> says how to connect by telnet or SSH.</p>'
            "</noscript>\n"
        )
        return _document(name, body, head=head, body_class="rb-terminal")
    hint = ""
    if connect is not None and connect.telnet_port:
        hint = f" Meanwhile: <code>telnet {_text(connect.host)} {connect.telnet_port}</code>."
    body = (
        f'<main>\n<h1>{name}</h1>\n<p class="unbuilt">The web terminal is not built on this '
        "board: its scripts come from <code>web/</code> (run <code>npm ci &amp;&amp; npm run "
        f"build</code> there, or <code>pip install .</code> with npm installed).{hint}</p>\n"
        '<p><a href="/">Front page</a></p>\n</main>\n'
    )
    return _document(name, body, head=_site_head(), body_class="rb-terminal unbuilt")


def error_html(board_name: str, status: int, message: str) -> str:
    """A small page for an error status (404, 503 when the database fails, ...)."""
    name = _text(board_name)
    body = (
        f'<main>\n<h1>{name}</h1>\n<p class="error">{int(status)}: {_text(message)}</p>\n'
        '<p><a href="/">Front page</a></p>\n</main>\n'
    )
    return _document(f"{name}: {int(status)}", body, head=_site_head(), body_class="error")


# The PC palette of ui.art_html's classes (fg0-fg15, bg0-bg15, blink, ul), as VGA shows it.
PALETTE = (
    "#000000", "#aa0000", "#00aa00", "#aa5500", "#0000aa", "#aa00aa", "#00aaaa", "#aaaaaa",
    "#555555", "#ff5555", "#55ff55", "#ffff55", "#5555ff", "#ff55ff", "#55ffff", "#ffffff",
)  # fmt: skip

_LAYOUT_CSS = """\
body { margin: 0 auto; max-width: 60rem; padding: 1rem; background: #10131a; color: #d8dde6;
  font-family: system-ui, sans-serif; line-height: 1.4; }
a { color: #7fc8ff; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
code { font-family: "DejaVu Sans Mono", monospace; background: #1d2230; padding: 0 .25rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .2rem .5rem; border-bottom: 1px solid #2a3040; }
td.node, td.articles, td.for, td.idle { text-align: right; white-space: nowrap; }
tr.guest td.handle { font-weight: bold; }
body.classroom { max-width: none; font-size: 1.4rem; }
.welcome { overflow-x: auto; }
"""


# The web build's copy of DejaVu Sans Mono (web/: @fontsource/dejavu-mono, all of CP437's
# glyphs); without the build the art falls back to the system's DejaVu Sans Mono or monospace.
ART_FONT_PATH = "/assets/fonts/dejavu-mono-latin-400-normal.woff2"


def site_css() -> str:
    """The stylesheet of the front page and the classroom (GET /assets/site.css): layout, and
    the art palette (pre.art: DejaVu Sans Mono, grey on black; line-height normal: rows of
    blocks touch as in the terminal, and letters keep their descenders)."""
    art = [
        '@font-face { font-family: "DejaVu Mono"; font-style: normal; font-weight: 400;'
        f' font-display: swap; src: url("{ART_FONT_PATH}") format("woff2"); }}',
        "pre.art { display: inline-block; margin: 0; padding: .5rem; background: #000;"
        ' color: #aaaaaa; font-family: "DejaVu Sans Mono", "DejaVu Mono", monospace;'
        " font-size: 14px; line-height: normal; white-space: pre; }",
        "pre.art .ul { text-decoration: underline; }",
        "pre.art .blink { animation: art-blink 1s steps(1) infinite; }",
        "@keyframes art-blink { 50% { color: transparent; } }",
    ]
    art += [f"pre.art .fg{i} {{ color: {c}; }}" for i, c in enumerate(PALETTE)]
    art += [f"pre.art .bg{i} {{ background: {c}; }}" for i, c in enumerate(PALETTE)]
    return _LAYOUT_CSS + "\n".join(art) + "\n"


class HtmlPages:
    """These pages as the object server.WebServer takes (its `Pages` protocol):
    `WebServer(..., pages=HtmlPages())`. `front_page` also takes the browser's host (the
    request's Host without its port) to show in the connect lines; `terminal` assumes the
    assets are built (the server shows its own build hint when they are not)."""

    def front_page(self, page: FrontPage, host: str | None = None) -> str:
        return front_page_html(page, host=host)

    def classroom(self, room: Classroom) -> str:
        return classroom_html(room)

    def terminal(self, board_name: str) -> str:
        return terminal_html(board_name, True)

    def error(self, board_name: str, status: int, message: str) -> str:
        return error_html(board_name, status, message)

    def site_css(self) -> str:
        return site_css()
