"""The words a widget shows: a skin's text function (the caller's `ctx.text`), by default the
default skin's."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from retroboard.ui.skin import DEFAULT, Skin, load_skins

Texts = Callable[..., str]  # (key, **values) -> the skin's text, as SessionContext.text


@cache
def _default_skin() -> Skin:
    return load_skins()[DEFAULT]


def default_texts(key: str, **values: object) -> str:
    """The default skin's text for `key` (a widget used without a session's skin)."""
    return _default_skin().text(key, **values)
