"""Pure state model (no I/O) of the full-screen editor: a text buffer with a cursor and word wrap."""

from __future__ import annotations

from collections.abc import Callable

from retroboard.ui.widgets.editor_model import (
    MAX_BYTES,
    MAX_LINES,
    byte_size,
    prepare_lines,
    split_point,
    trim_trailing_blank,
    wrap_text,
)
from retroboard.ui.widgets.texts import Texts, default_texts


def _blen(text: str) -> int:
    return len(text.encode("utf-8"))


def _soft_joints(line: str, pieces: list[str]) -> list[str | None]:
    """How each of `pieces` (`line` wrapped) joins the one above: None for the first and for
    quoted lines (never re-joined), else the spaces the wrap took out ("" inside a cut word)."""
    if line.startswith(">"):
        return [None] * len(pieces)
    joints: list[str | None] = [None]
    pos = len(pieces[0])
    for piece in pieces[1:]:
        rest = line[pos:]
        gap = len(rest) - len(rest.lstrip(" "))
        joints.append(rest[:gap])
        pos += gap + len(piece)
    return joints


class FullScreenModel:
    """A text buffer with a cursor, a scroll offset and forward word wrap at `width`.

    Each line after the first remembers how it joins the line above: None = a hard break
    (Enter), " " = a soft wrap that took the place of a space, "" = a long word cut in two.
    """

    def __init__(
        self,
        initial: list[str] | None = None,
        quote: list[str] | None = None,
        *,
        width: int = 79,
        height: int = 20,
        max_lines: int = MAX_LINES,
        max_bytes: int = MAX_BYTES,
        texts: Texts = default_texts,
    ) -> None:
        self.texts = texts  # words its notices (a skin's text function)
        self.width, self.height = max(1, width), max(1, height)
        self.max_lines, self.max_bytes = max_lines, max_bytes
        self.quote = prepare_lines(quote)
        lines: list[str] = []
        joints: list[str | None] = []
        for line in prepare_lines(initial):
            pieces = wrap_text(line, self.width, keep_quote_prefix=True)
            lines.extend(pieces)
            joints.extend(_soft_joints(line, pieces))
        self._lines = lines[:max_lines] or [""]
        self._joints: list[str | None] = joints[: len(self._lines)] or [None]
        self._bytes = byte_size(self._lines)
        self.overwrite = False
        self.notice = ""  # set when an operation is refused or partial; the widget clears it
        self.row = len(self._lines) - 1
        self.col = len(self._lines[-1])
        self.top = 0  # the first line in the text area
        self.skip = 0  # screen rows of line `top` scrolled off above (a line wider than the area)
        self._goal = self.col
        self._settle()

    # ---- reading ---------------------------------------------------------------------------
    @property
    def lines(self) -> list[str]:
        return list(self._lines)

    @property
    def line_count(self) -> int:
        return len(self._lines)

    @property
    def byte_size(self) -> int:
        return self._bytes

    @property
    def is_empty(self) -> bool:
        return not any(line.strip() for line in self._lines)

    def line(self, i: int) -> str:
        return self._lines[i]

    def window(self) -> list[str]:
        """The lines that fit the text area, from the scroll offset."""
        return self._lines[self.top : self.top + self.height]

    def screen_rows(self) -> list[str]:
        """The text area's rows from the scroll position. A line wider than the area (after a
        narrowing resize) takes several rows: the view is wrapped, the text is not."""
        out: list[str] = []
        i, sub, w = self.top, self.skip, self.width
        while len(out) < self.height and i < len(self._lines):
            line, count = self._lines[i], self._rows_of(i)
            while sub < count and len(out) < self.height:
                out.append(line[sub * w : (sub + 1) * w])
                sub += 1
            i, sub = i + 1, 0
        return out

    def cursor_position(self) -> tuple[int, int]:
        """The cursor's (row, column) in the text area, both from 0."""
        sub = self._cursor_sub()
        row = sum(self._rows_of(i) for i in range(self.top, self.row)) - self.skip + sub
        return row, self.col - sub * self.width

    def text(self) -> str:
        return "\n".join(self._lines)

    def result_lines(self) -> list[str]:
        """The message to save: trailing blank lines removed."""
        return trim_trailing_blank(self._lines)

    def result_paragraphs(self) -> list[str]:
        """The message to save as typed: soft wraps joined back into one line per paragraph
        (hard breaks kept), trailing blank lines removed."""
        out: list[str] = []
        for line, joint in zip(self._lines, self._joints, strict=True):
            if joint is None or not out:
                out.append(line)
            else:
                out[-1] += joint + line
        return trim_trailing_blank(out)

    # ---- editing -----------------------------------------------------------------------------
    def insert_char(self, ch: str) -> bool:
        """Type one printable character (insert or overwrite mode), wrapping as needed."""
        if len(ch) != 1 or not ch.isprintable():
            return False

        def op() -> None:
            line, col = self._lines[self.row], self.col
            rest = line[col + 1 :] if self.overwrite and col < len(line) else line[col:]
            self._set(self.row, line[:col] + ch + rest)
            self.col += 1
            self._wrap_from(self.row)

        return self._apply(op)

    def insert_text(self, text: str) -> bool:
        """Type a string; '\\n' is Enter. Stops at the first refused character."""
        for ch in text:
            if not (self.enter() if ch == "\n" else self.insert_char(ch)):
                return False
        return True

    def enter(self) -> bool:
        """Split the line at the cursor (at the start of a wrapped line: make the break hard)."""
        if self.col == 0 and self._joints[self.row] is not None:
            self._joints[self.row] = None
            return True
        return self._apply(self._split)

    def backspace(self) -> bool:
        """Delete the character before the cursor; at column 0 join with the line above."""
        row, col = self.row, self.col
        if col > 0:
            line = self._lines[row]
            return self._apply(lambda: self._edit(row, line[: col - 1] + line[col:], col - 1))
        if row == 0:
            return False
        prev = self._lines[row - 1]
        if self._joints[row] == "" and prev:  # inside a cut word: remove its last letter
            return self._apply(lambda: self._edit(row - 1, prev[:-1], 0, cursor_row=row))

        def op() -> None:
            self.row, self.col = row - 1, len(prev)
            self._join(row - 1)

        return self._apply(op)

    def delete(self) -> bool:
        """Delete the character under the cursor; at the end of a line join the next one."""
        row, col = self.row, self.col
        line = self._lines[row]
        if col < len(line):
            return self._apply(lambda: self._edit(row, line[:col] + line[col + 1 :], col))
        if row + 1 >= len(self._lines):
            return False
        nxt = self._lines[row + 1]
        if self._joints[row + 1] == "" and nxt:
            return self._apply(lambda: self._edit(row + 1, nxt[1:], col, cursor_row=row))
        return self._apply(lambda: self._join(row))

    def delete_line(self) -> bool:
        """Ctrl-Y: remove the cursor's line."""

        def op() -> None:
            if len(self._lines) == 1:
                self._set(0, "")
            else:
                joint = self._joints[self.row]
                self._remove(self.row)
                if self.row < len(self._lines) and (joint is None or self.row == 0):
                    self._joints[self.row] = None
                self.row = min(self.row, len(self._lines) - 1)
            self.col = 0

        return self._apply(op)

    def insert_quote(self, picked: list[int] | None = None) -> bool:
        """Insert the quote lines at the cursor (as many as fit), or only the `picked` ones (by
        index in `quote`, as the quote window chose them); the cursor goes after them."""
        if not self.quote:
            self.notice = self.texts("editor_no_quote")
            return False
        chosen = self.quote if picked is None else [self.quote[i] for i in sorted(set(picked))]
        quoted = [w for q in chosen for w in wrap_text(q, self.width, keep_quote_prefix=True)]
        taken = 0

        def op() -> bool:
            nonlocal taken
            if self.col > 0:
                self._split()
            self._joints[self.row] = None
            for q in quoted:
                if (
                    len(self._lines) >= self.max_lines
                    or self._bytes + _blen(q) + 1 > self.max_bytes
                ):
                    break
                self._insert(self.row, q, None)
                self.row += 1
                taken += 1
            return taken > 0

        ok = self._apply(op)
        if not ok:
            self.notice = self.texts("fse_quote_does_not_fit", limit=self._limit_text())
        elif taken < len(quoted):
            self.notice = self.texts("editor_quoted_part", taken=taken, total=len(quoted))
        return ok

    # ---- moving -------------------------------------------------------------------------------
    def left(self) -> None:
        if self.col > 0:
            self.col -= 1
        elif self.row > 0:
            self.row -= 1
            self.col = len(self._lines[self.row])
        self._settle()

    def right(self) -> None:
        if self.col < len(self._lines[self.row]):
            self.col += 1
        elif self.row + 1 < len(self._lines):
            self.row, self.col = self.row + 1, 0
        self._settle()

    def up(self, count: int = 1) -> None:
        self.row = max(0, self.row - count)
        self.col = min(self._goal, len(self._lines[self.row]))
        self._settle(keep_goal=True)

    def down(self, count: int = 1) -> None:
        self.row = min(len(self._lines) - 1, self.row + count)
        self.col = min(self._goal, len(self._lines[self.row]))
        self._settle(keep_goal=True)

    def home(self) -> None:
        self.col = 0
        self._settle()

    def end(self) -> None:
        self.col = len(self._lines[self.row])
        self._settle()

    def page_up(self) -> None:
        step = max(1, self.height - 1)
        self.top, self.skip = max(0, self.top - step), 0
        self.up(step)

    def page_down(self) -> None:
        step = max(1, self.height - 1)
        self.top, self.skip = max(0, min(self.top + step, len(self._lines) - self.height)), 0
        self.down(step)

    def toggle_overwrite(self) -> None:
        self.overwrite = not self.overwrite

    def resize(self, width: int, height: int) -> None:
        """New text-area size: the text is not rewrapped (lines wider than the area take several
        screen rows); the cursor stays where it is in the text and is scrolled into view."""
        self.width, self.height = max(1, width), max(1, height)
        self.top, self.skip = max(0, min(self.top, len(self._lines) - self.height)), 0
        self._settle(keep_goal=True)

    # ---- internals -------------------------------------------------------------------------
    def _set(self, i: int, text: str) -> None:
        self._bytes += _blen(text) - _blen(self._lines[i])
        self._lines[i] = text

    def _insert(self, i: int, text: str, joint: str | None) -> None:
        self._lines.insert(i, text)
        self._joints.insert(i, joint)
        self._bytes += _blen(text) + 1

    def _remove(self, i: int) -> None:
        self._bytes -= _blen(self._lines.pop(i)) + 1
        self._joints.pop(i)
        if self._joints:
            self._joints[0] = None

    def _edit(self, i: int, text: str, col: int, cursor_row: int | None = None) -> None:
        self._set(i, text)
        self.row = i if cursor_row is None else cursor_row
        self.col = col

    def _split(self) -> None:
        line = self._lines[self.row]
        self._set(self.row, line[: self.col])
        self._insert(self.row + 1, line[self.col :], None)
        self.row, self.col = self.row + 1, 0

    def _join(self, i: int) -> None:
        """Append line i+1 to line i (the break between them is deleted), then rewrap."""
        self._set(i, self._lines[i] + self._lines[i + 1])
        self._remove(i + 1)
        self._wrap_from(i)

    def _wrap_from(self, r: int) -> None:
        """Push overflowing words forward into continuation lines, keeping the cursor's char."""
        while r < len(self._lines) and len(self._lines[r]) > self.width:
            text = self._lines[r]
            end, start = split_point(text, self.width)
            tail, joint = text[start:], (" " if start > end else "")
            self._set(r, text[:end])
            nxt = r + 1
            if nxt < len(self._lines) and self._joints[nxt] is not None:
                moved = tail + (self._joints[nxt] or "")  # the tail, then the old break
                self._set(nxt, moved + self._lines[nxt])
                if self.row == nxt:
                    self.col += len(moved)
                self._joints[nxt] = joint
            else:
                self._insert(nxt, tail, joint)
                if self.row >= nxt:
                    self.row += 1
            if self.row == r and self.col > end:
                self.row, self.col = nxt, self.col - start
            r = nxt

    def _limit_text(self, notice: bool = False) -> str:
        """Why the message is full: in a sentence (`notice`), or as part of one."""
        end = "_notice" if notice else ""
        if len(self._lines) >= self.max_lines:
            return self.texts("fse_full_lines" + end, limit=self.max_lines)
        return self.texts("fse_full_kib" + end, limit=self.max_bytes // 1024)

    def _apply(self, op: Callable[[], bool | None]) -> bool:
        """Run an edit; undo it if it returns False or breaks the size limits (set `notice`)."""
        saved = (list(self._lines), list(self._joints), self._bytes, self.row, self.col)
        keep = op() is not False
        too_big = len(self._lines) > self.max_lines or self._bytes > self.max_bytes
        if too_big:
            self.notice = self._limit_text(notice=True)
        if too_big or not keep:
            self._lines, self._joints, self._bytes, self.row, self.col = saved
            return False
        self._settle()
        return True

    def _settle(self, keep_goal: bool = False) -> None:
        """Clamp the cursor and scroll so the cursor's row is visible."""
        self.row = max(0, min(self.row, len(self._lines) - 1))
        self.col = max(0, min(self.col, len(self._lines[self.row])))
        if not keep_goal:
            self._goal = self.col
        self.skip = (
            min(self.skip, self._rows_of(self.top) - 1) if self.top < len(self._lines) else 0
        )
        sub = self._cursor_sub()
        if (self.row, sub) < (self.top, self.skip):
            self.top, self.skip = self.row, sub
            return
        ahead = self.cursor_position()[0]  # screen rows from the top row to the cursor's
        while ahead >= self.height:  # scroll one screen row at a time
            self.skip += 1
            if self.skip >= self._rows_of(self.top):
                self.top, self.skip = self.top + 1, 0
            ahead -= 1

    def _rows_of(self, i: int) -> int:
        """How many screen rows line i takes in the text area."""
        return max(1, -(-len(self._lines[i]) // self.width))

    def _cursor_sub(self) -> int:
        """Which screen row of its line the cursor is on (at the end of a full row: that row)."""
        return min(self.col // self.width, self._rows_of(self.row) - 1)


class QuotePicker:
    """The quote window (SlyEdit style): the original's lines with a highlight bar; Space
    toggles a line, Enter quotes the chosen ones (none chosen: the highlighted one)."""

    def __init__(self, lines: list[str], height: int) -> None:
        self.lines = lines
        self.height = max(1, height)
        self.chosen: set[int] = set()
        self.at = 0  # the highlighted line
        self.top = 0

    def move(self, step: int) -> None:
        """Move the highlight by `step` lines (negative: up), scrolling to keep it shown."""
        self.at = max(0, min(len(self.lines) - 1, self.at + step))
        if self.at < self.top:
            self.top = self.at
        elif self.at >= self.top + self.height:
            self.top = self.at - self.height + 1

    def toggle(self) -> None:
        """Choose or un-choose the highlighted line, then go to the next one."""
        self.chosen ^= {self.at}
        self.move(1)

    def toggle_all(self) -> None:
        """Choose every line, or none when all are chosen already."""
        everything = set(range(len(self.lines)))
        self.chosen = set() if self.chosen == everything else everything

    def picked(self) -> list[int]:
        """The lines to quote, in order: the chosen ones, else the highlighted one."""
        return sorted(self.chosen) if self.chosen else [self.at]

    def window(self) -> list[tuple[int, str]]:
        """The shown lines: (index, text) from the scroll position."""
        end = self.top + self.height
        return list(enumerate(self.lines))[self.top : end]
