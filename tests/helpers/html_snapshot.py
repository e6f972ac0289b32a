"""HTML snapshots of the web pages and the art renderer: tests/snapshots/web/<name>.html.

`check_html(name, text)` compares `text` with the file and fails with a unified diff; with
RETROBOARD_UPDATE_SNAPSHOTS=1 it writes the file instead (as the screen snapshots do):

    RETROBOARD_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/unit/test_art_html.py tests/unit/test_web_pages.py
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

WEB_SNAPSHOTS = Path(__file__).resolve().parent.parent / "snapshots" / "web"
UPDATE_ENV = "RETROBOARD_UPDATE_SNAPSHOTS"


def check_html(name: str, text: str) -> None:
    path = WEB_SNAPSHOTS / f"{name}.html"
    if os.environ.get(UPDATE_ENV) == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        return
    if not path.exists():
        pytest.fail(f"no snapshot {path}; make it with {UPDATE_ENV}=1")
    want = path.read_text("utf-8")
    if text != want:
        diff = "".join(
            difflib.unified_diff(
                want.splitlines(keepends=True),
                text.splitlines(keepends=True),
                f"{path.name} (kept)",
                f"{path.name} (now)",
                n=2,
            )
        )
        pytest.fail(f"{path.name} differs ({UPDATE_ENV}=1 to accept):\n{diff[:6000]}")
