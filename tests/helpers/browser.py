"""Headless Chromium for end-to-end tests: Debian's /usr/bin/chromium driven by Python playwright
(its bundled driver; no browser download), and the web terminal's screen read from xterm.js.

`BrowserTerm` reads the page's xterm.js Terminal, `window.retroboardTerm`: `text()` is
`buffer.active`'s visible lines (translateToString). Like the pyte clients in
tests/helpers/clients.py, `wait_for` matches only output written after a mark (by default the
last input sent), never text left on the screen from an earlier frame. For that an init script
(before the page's own scripts) catches the Terminal as the page assigns it and tees every
`write` into a second, never-opened Terminal of the same class and size (the shadow). A mark
writes into the shadow, in stream order, a screenful of a private-use character (cursor and
attributes saved and restored around it); a cell still holding it was not drawn since. So
`text_after()` is the screen with those cells as NUL (blank if blank on the real terminal):
the same rule as the pyte helper's generations (a cell redrawn with the same character counts
as drawn), and scrolled text keeps its stamp. A match must also be on the real terminal's
screen. `resize` marks in the Terminal's onResize, right after xterm.js reflowed and before
the board can answer, so only the board's redraw at the new size counts.

The pages run under their Content-Security-Policy (no bypass): the helper reads the page with
playwright's evaluate (not subject to it) and polls from Python, since wait_for_function
evaluates its predicate with eval, which script-src 'self' refuses.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
# The flags the project starts Chromium with on a closed network (no update checks, no QUIC,
# no sync, no first-run UI); playwright adds its own automation flags.
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
HIDDEN = "\x00"


def _skip_reason() -> str | None:
    if not os.access(CHROMIUM, os.X_OK):
        return f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "needs the playwright package (pip install -e '.[test]')"
    return None


SKIP_REASON = _skip_reason()
needs_chromium = pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")


@asynccontextmanager
async def chromium(profile: Path, width: int = 1280, height: int = 800) -> AsyncIterator[Any]:
    """A headless Chromium with a fresh profile folder (`profile`, created); yields its
    playwright BrowserContext. Closed, with the driver, on exit."""
    from playwright.async_api import async_playwright

    os.makedirs(profile, exist_ok=True)
    async with async_playwright() as p:
        context = await p.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            viewport={"width": width, "height": height},
            timeout=30_000,
        )
        await context.add_init_script(script=_JS_INIT)
        try:
            yield context
        finally:
            await context.close()


# Runs in every page before its scripts: catches window.retroboardTerm when the page sets it.
_JS_INIT = r"""(() => {
  const STAMP = '\ue000';
  let real = null;
  const hook = (t) => {
    const st = {writes: 0, last: performance.now(), marksSent: 0, marksDone: 0, armed: false,
                markWrites: 0};
    const shadow = new t.constructor({cols: t.cols, rows: t.rows,
                                      scrollback: t.options.scrollback, allowProposedApi: true});
    const write = t.write.bind(t);
    t.write = (data, cb) => { st.writes += 1; shadow.write(data); return write(data, cb); };
    t.onWriteParsed(() => { st.last = performance.now(); });
    st.mark = () => {
      let seq = '\x1b7';
      for (let r = 1; r <= shadow.rows; r++) seq += '\x1b[' + r + ';1H' + STAMP.repeat(shadow.cols);
      seq += '\x1b8';
      st.marksSent += 1;
      st.markWrites = st.writes;
      shadow.write(seq, () => { st.marksDone += 1; });
      return st.writes;
    };
    t.onResize(({cols, rows}) => {
      shadow.resize(cols, rows);
      if (st.armed) { st.armed = false; st.mark(); }
    });
    st.after = () => {
      if (st.marksDone < st.marksSent) return null;  // the stamp is not in place yet
      // a stamped cell reads as NUL if the real terminal has something there, else blank
      const b = shadow.buffer.active, rb = t.buffer.active, out = [];
      for (let y = 0; y < shadow.rows; y++) {
        const line = b.getLine(b.baseY + y), real = rb.getLine(rb.baseY + y);
        let row = '';
        for (let x = 0; line && x < shadow.cols; x++) {
          const c = line.getCell(x);
          if (!c || c.getWidth() === 0) continue;  // the right half of a wide character
          const ch = c.getChars() || ' ';
          if (ch !== STAMP) { row += ch; continue; }
          const rc = real && real.getCell(x);
          row += rc && (rc.getChars() || ' ').trim() !== '' ? '\u0000' : ' ';
        }
        out.push(row.replace(/\s+$/, ''));
      }
      return out.join('\n');
    };
    window.__rbt = st;
  };
  window.__rbtCsp = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__rbtCsp.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline'));
  });
  Object.defineProperty(window, 'retroboardTerm', {
    configurable: true,
    get() { return real; },
    set(t) { real = t; try { hook(t); } catch (e) { window.__rbtError = String(e); } },
  });
})();"""

_JS_TEXT = """() => {
  const t = window.retroboardTerm, b = t.buffer.active, out = [];
  for (let y = 0; y < t.rows; y++) {
    const line = b.getLine(b.baseY + y);
    out.push(line ? line.translateToString(true) : '');
  }
  return out.join('\\n');
}"""


class BrowserTerm:
    """The /terminal page of one browser tab: type like a user, read xterm.js's screen."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []  # console errors and uncaught page errors
        page.on(
            "console",
            lambda m: (
                self.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None
            ),
        )
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

    async def attach(self, timeout: float = 10.0) -> None:
        """Wait until the page's WebSocket is open and its terminal is readable."""
        # polled from here: wait_for_function evaluates its predicate with eval, which the
        # page's Content-Security-Policy (script-src 'self') forbids
        ready = "!!(document.body && document.body.dataset.ws === 'open' && window.retroboardTerm)"
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while not await self.page.evaluate(ready):
            if loop.time() >= end:
                raise AssertionError(
                    f"the terminal page's WebSocket did not open in {timeout} s: "
                    f"ws={await self.ws_state()} errors={self.errors} "
                    f"csp={await self.csp_violations()}"
                )
            await asyncio.sleep(0.05)
        hooked = await self.page.evaluate("!!window.__rbt || (window.__rbtError || false)")
        assert hooked is True, f"the terminal was not hooked (init script): {hooked}"
        await self.page.locator(".xterm").first.click()  # focus, as a user clicking in it
        # no mark yet: the page is new, so everything on its screen was drawn for it

    async def csp_violations(self) -> list[str]:
        """The Content-Security-Policy violations this page reported (securitypolicyviolation
        events: directive and what was blocked)."""
        found: list[str] = await self.page.evaluate("window.__rbtCsp || []")
        return found

    async def ws_state(self) -> str | None:
        state: str | None = await self.page.evaluate("document.body.dataset.ws || null")
        return state

    async def size(self) -> tuple[int, int]:
        cols, rows = await self.page.evaluate(
            "[window.retroboardTerm.cols, window.retroboardTerm.rows]"
        )
        return int(cols), int(rows)

    async def mark(self) -> int:
        """From now on text_after() shows only cells drawn after this. Returns the count of
        writes the page made so far."""
        writes: int = await self.page.evaluate("window.__rbt.mark()")
        return writes

    async def text(self) -> str:
        """The visible screen, each line as xterm.js's translateToString(true) gives it."""
        text: str = await self.page.evaluate(_JS_TEXT)
        return text

    async def lines(self) -> list[str]:
        return (await self.text()).split("\n")

    async def text_after(self) -> str | None:
        """The visible screen with the cells not drawn since the last mark read as NUL (None
        while the mark is not parsed yet). Before any mark, the whole screen."""
        text: str | None = await self.page.evaluate("window.__rbt.after()")
        return text

    async def writes_since_mark(self) -> int:
        n: int = await self.page.evaluate("window.__rbt.writes - window.__rbt.markWrites")
        return n

    async def wait_for(self, pattern: str, timeout: float = 8.0) -> str:
        """Wait until `pattern` matches the screen as drawn after the last mark (see the
        module doc); returns the whole visible screen."""
        rx = re.compile(pattern, re.I | re.M)
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            after = await self.text_after()
            if after is not None and rx.search(after):
                screen = await self.text()
                if rx.search(screen):  # and the real terminal shows it
                    return screen
            if loop.time() >= end:
                break
            await asyncio.sleep(0.05)
        raise AssertionError(
            f"timed out waiting for {pattern!r} on the browser's terminal; screen:\n"
            f"{await self.text()}\n--- drawn since the mark (NUL = older):\n"
            f"{(after or '(mark not parsed)').replace(HIDDEN, '.')}\n"
            f"--- ws={await self.ws_state()} errors={self.errors}"
        )

    async def settle(self, quiet: float = 0.2, limit: float = 3.0) -> None:
        """Wait until xterm.js has parsed nothing new for `quiet` seconds."""
        loop = asyncio.get_running_loop()
        end = loop.time() + limit
        while loop.time() < end:
            idle: float = await self.page.evaluate("performance.now() - window.__rbt.last")
            if idle >= quiet * 1000:
                return
            await asyncio.sleep(0.05)

    async def type(self, text: str) -> None:
        """Mark, then type `text` with the keyboard (one key event per character)."""
        await self.mark()
        await self.page.keyboard.type(text)

    async def press(self, key: str) -> None:
        """Mark, then press one key by its playwright name ("Enter", "ArrowDown", "q")."""
        await self.mark()
        await self.page.keyboard.press(key)

    async def line(self, text: str) -> None:
        """Mark, type `text`, press Enter."""
        await self.mark()
        if text:
            await self.page.keyboard.type(text)
        await self.page.keyboard.press("Enter")

    async def resize(self, width: int, height: int, timeout: float = 5.0) -> tuple[int, int]:
        """Resize the window; the mark is the frame just after xterm.js reflowed (see the
        module doc). Returns the terminal's new (cols, rows) once they changed."""
        before = await self.size()
        await self.page.evaluate("window.__rbt.armed = true")
        await self.page.set_viewport_size({"width": width, "height": height})
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while loop.time() < end:
            now = await self.size()
            if now != before and not await self.page.evaluate("window.__rbt.armed"):
                return now
            await asyncio.sleep(0.05)
        raise AssertionError(f"the terminal stayed {before} after resizing to {width}x{height}")

    async def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / name
        await self.page.screenshot(path=str(path))
        return path
