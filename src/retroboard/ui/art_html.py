"""ANSI art as an HTML fragment: the same painted cells the telnet caller sees, as text in spans.

    art_html(art: Art, *, label: str = "") -> str

The result is one `<pre class="art">` (`class="art ice"` for iCE art) holding the art's rows
joined by LF, each row a run of text and `<span class="...">` runs. Every character is
HTML-escaped; there are no attributes besides `class`, `role` and `aria-label` (escaped), no
inline style (the pages' CSP is style-src 'self') and no link. Colours are classes of the PC
palette, as ANSI.SYS shows them (default grey on black):

- `fg0` .. `fg15`: the text colour (bold makes 0-7 bright: 8-15); `fg7` is the default and is
  not written.
- `bg0` .. `bg15`: the background; `bg0` (black) is the default and is not written. 8-15 only
  come from iCE art (blink meant a bright background).
- `blink`: blinking text (art without the iCE flag); `ul`: underlined. Reverse video swaps the
  two colours before the classes are chosen.

The stylesheet for these classes is `transports.web.pages.ART_CSS` (the transport owns the
CSS it serves). Rendering is pure and deterministic; callers cache it (ui.web_front does, per
art object, which the art library replaces when the file changes).
"""

from __future__ import annotations

import html

from retroboard.ui.art import Art, Style

DEFAULT_FG = 7  # ANSI.SYS: light grey text ...
DEFAULT_BG = 0  # ... on black

# Characters that must never reach the page as they are: C0/C1 controls (the art's painter
# never leaves them in cells, but an Art made by hand could hold any string) and the line and
# paragraph separators and bidi controls, which would change how the rows read.
_UNSAFE: dict[int, str | None] = {c: " " for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))}
_UNSAFE.update({c: " " for c in (0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A))})
_UNSAFE.update({c: None for c in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)})


def style_classes(style: Style, ice: bool) -> str:
    """The class attribute's value for a cell in `style` ("" for grey on black, nothing else).

    `ice`: the art's blink means a bright background (SAUCE iCE flag)."""
    fg = (DEFAULT_FG if style.fg is None else style.fg) + (8 if style.bold else 0)
    bg = DEFAULT_BG if style.bg is None else style.bg
    if style.blink and ice:
        bg += 8
    if style.reverse:
        fg, bg = bg, fg
    parts: list[str] = []
    if fg != DEFAULT_FG:
        parts.append(f"fg{fg}")
    if bg != DEFAULT_BG:
        parts.append(f"bg{bg}")
    if style.blink and not ice:
        parts.append("blink")
    if style.underline:
        parts.append("ul")
    return " ".join(parts)


def _escape(text: str) -> str:
    return html.escape(text.translate(_UNSAFE), quote=True)


def art_html(art: Art, *, label: str = "") -> str:
    """`art` as one `<pre class="art">` element (see the module docstring). `label` is the
    accessible name (aria-label, with role="img"); the SAUCE title, else the art's name, when
    not given. An art without rows gives an empty string."""
    if not art.rows:
        return ""
    ice = art.ice
    classes: dict[Style, str] = {}
    lines: list[str] = []
    for row in art.rows:
        parts: list[str] = []
        run: list[str] = []
        current: str | None = None
        for ch, style in row:
            cls = classes.get(style)
            if cls is None:
                cls = classes[style] = style_classes(style, ice)
            if cls != current:
                if run:
                    parts.append(_run(current or "", "".join(run)))
                    run = []
                current = cls
            run.append(ch)
        if run:
            parts.append(_run(current or "", "".join(run)))
        lines.append("".join(parts))
    name = label or (art.sauce.title if art.sauce is not None and art.sauce.title else art.name)
    kind = "art ice" if ice else "art"
    aria = f' aria-label="{_escape(name)}"' if name else ""
    return f'<pre class="{kind}" role="img"{aria}>' + "\n".join(lines) + "</pre>"


def _run(cls: str, text: str) -> str:
    body = _escape(text)
    return f'<span class="{cls}">{body}</span>' if cls else body
