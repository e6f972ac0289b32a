"""The web terminal's built assets (web/ -> src/retroboard/transports/web/static/, by
`cd web && npm ci && npm run build`, or by setup.py during `pip install .`): the files the
/terminal page links are there, newer than their sources, and load nothing from another host.

Skipped only on a developer machine without npm (and so without a build); in CI (CI set), where
.ci/run builds them first, a missing build fails."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
STATIC = ROOT / "src" / "retroboard" / "transports" / "web" / "static"
BUILD = "cd web && npm ci && npm run build"
# XML namespace names (createElementNS), identifiers that are never fetched.
NAMESPACES = {"http://www.w3.org/1999/xhtml", "http://www.w3.org/2000/svg"}
URL = re.compile(r"""https?://[^\s"'`<>()\\]*""", re.I)


@pytest.fixture(scope="module")
def static() -> Path:
    if not (STATIC / "BUILT").exists():
        if shutil.which("npm") is None and not os.environ.get("CI"):
            pytest.skip(f"web assets not built and npm is not installed (install Node.js, {BUILD})")
        pytest.fail(f"web assets not built in {STATIC.relative_to(ROOT)}: run `{BUILD}`")
    return STATIC


def _linked_assets() -> set[str]:
    """The /assets/ files the terminal page links (its fixed names; the page's own list too)."""
    names = {"terminal.js", "terminal.css"}
    if importlib.util.find_spec("retroboard.transports.web.pages") is not None:
        from retroboard.transports.web import pages

        page = pages.terminal_html("Board", True)
        names |= set(re.findall(r"""(?:src|href)="/assets/([^"]+)\"""", page))
    return names


def test_the_files_the_terminal_page_links_are_built(static: Path) -> None:
    for name in sorted(_linked_assets()):
        path = static / name
        assert path.is_file() and path.stat().st_size > 0, f"/assets/{name} not built ({BUILD})"
    js = (static / "terminal.js").read_text("utf-8")
    assert "retroboardTerm" in js and '"/ws"' in js  # web/src/terminal.js is in the bundle
    assert "xterm-helper-textarea" in js  # and so is xterm.js
    css = (static / "terminal.css").read_text("utf-8")
    assert ".xterm-viewport" in css and "DejaVu Mono" in css  # xterm.css and the page's css


def test_the_build_is_newer_than_its_sources(static: Path) -> None:
    built = (static / "BUILT").stat().st_mtime
    sources = [WEB / "package.json", WEB / "package-lock.json", WEB / "build.mjs"]
    sources += sorted((WEB / "src").rglob("*"))
    stale = [str(p.relative_to(ROOT)) for p in sources if p.is_file() and p.stat().st_mtime > built]
    assert not stale, f"web assets older than {stale}: run `{BUILD}`"


def test_the_stylesheet_loads_only_its_own_files(static: Path) -> None:
    css = (static / "terminal.css").read_text("utf-8")
    urls = re.findall(r"""url\(\s*["']?([^"')]+)""", css)
    imports = re.findall(r"""@import\s+["']([^"']+)""", css)
    assert not imports, f"terminal.css still @imports {imports} (esbuild should inline them)"
    assert urls, "terminal.css names no font file"
    for url in urls:
        assert not re.match(r"^\s*([a-z]+:)?//", url, re.I), f"terminal.css loads {url}"
        assert url.startswith("./") and (static / url).is_file(), f"terminal.css: {url} not built"
    assert not URL.findall(css), f"terminal.css names another host: {URL.findall(css)[:3]}"


def test_the_script_names_no_other_host(static: Path) -> None:
    js = (static / "terminal.js").read_text("utf-8")
    outside = sorted({u for u in URL.findall(js) if u not in NAMESPACES})
    assert not outside, f"terminal.js names another host (no CDN, closed network): {outside[:5]}"
    assert not re.search(r"""\bimport\s*\(|\bimportScripts\s*\(|["'`]//[\w.-]+""", js)
