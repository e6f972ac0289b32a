"""Pure state models (no I/O) for the numbered-line editor and the full-screen editor."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum

MAX_LINES = 500
MAX_BYTES = 64 * 1024
_QUOTE_PREFIX = re.compile(r"^(?:[ \t]*>)+ ?")
_COMMAND = re.compile(r"^/([a-z?])(?:\s*(\d+)|\s+(.+))?$", re.IGNORECASE)
HELP_TEXT = """\
Commands go on a line by themselves (upper or lower case):
  /S    Save the message          /A    Abort (asks first)
  /L    List the message          /Q    Quote the original
  /E n  Edit line n               /D n  Delete line n
  /I n  Insert before line n      /C    Clear everything (asks first)
  /?    This help (also /H)
Long lines wrap by themselves; press Enter to end a paragraph."""


def clean_line(text: str) -> str:
    """Make text safe to show: tabs become spaces, other control characters become '?'."""
    text = text.expandtabs(4)
    return "".join(c if c.isprintable() else "?" for c in text)


def prepare_lines(lines: Iterable[str] | None) -> list[str]:
    """Split embedded newlines (LF or CR LF) and clean every line."""
    out: list[str] = []
    for item in lines or ():
        out.extend(clean_line(part.rstrip("\r")) for part in item.split("\n"))
    return out


def _split_point(text: str, width: int) -> tuple[int, int]:
    """Where to break an over-long line: (end of the head, start of the tail)."""
    idx = text.rfind(" ", 0, width + 1)
    if idx > 0 and text[:idx].strip():
        return idx, idx + 1
    return width, width


def wrap_line(text: str, width: int) -> tuple[str, str]:
    """Split `text` at the last space that fits `width`: (line, carry); carry is '' if it fits.

    A single word longer than the width is cut at the width.
    """
    width = max(1, width)
    if len(text) <= width:
        return text, ""
    end, start = _split_point(text, width)
    return text[:end].rstrip(" "), text[start:].lstrip(" ")


def wrap_text(text: str, width: int, *, keep_quote_prefix: bool = False) -> list[str]:
    """Wrap one line into as many lines as needed; quoted lines keep their '> ' prefix."""
    width = max(1, width)
    prefix = ""
    if keep_quote_prefix:
        match = _QUOTE_PREFIX.match(text)
        prefix = match.group(0) if match and len(match.group(0)) <= width // 2 else ""
    line, carry = wrap_line(text, width)
    out = [line]
    while carry:
        line, carry = wrap_line(carry, width - len(prefix))
        out.append(prefix + line)
    return out


def byte_size(lines: list[str]) -> int:
    """Size of the message as stored: UTF-8, one newline between lines."""
    return len("\n".join(lines).encode("utf-8"))


def trim_trailing_blank(lines: list[str]) -> list[str]:
    """Drop blank lines at the end."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return lines[:end]


def _no_line(n: int, count: int) -> str:
    if count == 0:
        return f"No line {n} — the message is empty."
    return f"No line {n} — the message has {count} line{'s' if count != 1 else ''}."


class Action(Enum):
    """What the line editor widget should do after `handle_line`."""

    TEXT = "text"  # text was stored; show `message` if any
    SAVE = "save"
    ABORT = "abort"  # confirm, then abort
    CLEAR = "clear"  # confirm, then call clear()
    EDIT = "edit"  # prompt with line `line_no` pre-filled, then call replace_line()
    LIST = "list"  # show `message` (the numbered listing)
    HELP = "help"
    INFO = "info"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of one entered line."""

    action: Action
    message: str = ""
    line_no: int | None = None


class LineEditorModel:
    """WWIV/Telegard-style numbered lines with slash commands."""

    def __init__(
        self,
        initial: list[str] | None = None,
        quote: list[str] | None = None,
        *,
        width: int = 76,
        max_lines: int = MAX_LINES,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.width = max(1, width)
        self.max_lines = max_lines
        self.max_bytes = max_bytes
        self.quote = prepare_lines(quote)
        self.lines: list[str] = []
        for line in prepare_lines(initial):
            self.lines.extend(wrap_text(line, self.width, keep_quote_prefix=True))
        del self.lines[max_lines:]
        self.insert_at: int | None = None  # 0-based index the next line goes to

    @property
    def next_number(self) -> int:
        """The number of the line the user types next."""
        return (self.insert_at if self.insert_at is not None else len(self.lines)) + 1

    @property
    def is_empty(self) -> bool:
        return not any(line.strip() for line in self.lines)

    def listing(self) -> list[str]:
        """The message with line numbers, as the prompts show them."""
        return [f"{n:>2}: {line}" for n, line in enumerate(self.lines, 1)]

    def result_lines(self) -> list[str]:
        """The message to save: trailing blank lines removed."""
        return trim_trailing_blank(self.lines)

    def clear(self) -> None:
        self.lines = []
        self.insert_at = None

    def handle_line(self, text: str, *, wrapped: bool = False) -> Result:
        """Process one entered line. `wrapped` = it ended by word wrap, not Enter (never a command)."""
        text = clean_line(text)
        if not wrapped:
            match = _COMMAND.match(text.strip())
            if match:
                return self._command(match.group(1).upper(), match.group(2), match.group(3))
        return self._put(wrap_text(text, self.width), keep_inserting=wrapped)

    def replace_line(self, n: int, text: str) -> Result:
        """Finish a `/E n`: line n becomes `text` (wrapped if it is too long)."""
        if not 1 <= n <= len(self.lines):
            return Result(Action.ERROR, _no_line(n, len(self.lines)))
        new = wrap_text(clean_line(text), self.width)
        error = self._check(self.lines[: n - 1] + new + self.lines[n:])
        if error:
            return error
        self.lines[n - 1 : n] = new
        if self.insert_at is not None and self.insert_at >= n:
            self.insert_at += len(new) - 1
        return Result(Action.TEXT, f"Line {n} changed.")

    # ---- internals ---------------------------------------------------------------------
    def _full(self, by_lines: bool) -> Result:
        limit = f"{self.max_lines} lines" if by_lines else f"{self.max_bytes // 1024} KiB"
        return Result(
            Action.ERROR,
            f"The message is full ({limit} at most). /S to save, or /D n to make room.",
        )

    def _check(self, candidate: list[str]) -> Result | None:
        if len(candidate) > self.max_lines:
            return self._full(True)
        if byte_size(candidate) > self.max_bytes:
            return self._full(False)
        return None

    def _put(self, new: list[str], *, keep_inserting: bool) -> Result:
        pos = self.insert_at if self.insert_at is not None else len(self.lines)
        candidate = self.lines[:pos] + new + self.lines[pos:]
        error = self._check(candidate)
        if error:
            return error
        self.lines = candidate
        if self.insert_at is not None:
            self.insert_at = pos + len(new) if keep_inserting else None
        return Result(Action.TEXT)

    def _command(self, letter: str, number: str | None, junk: str | None) -> Result:
        simple: dict[str, Callable[[], Result]] = {
            "S": self._save,
            "A": lambda: Result(Action.ABORT, "Abort message?"),
            "L": self._list,
            "Q": self._quote,
            "C": lambda: Result(Action.CLEAR, "Clear the message?"),
            "?": lambda: Result(Action.HELP, HELP_TEXT),
            "H": lambda: Result(Action.HELP, HELP_TEXT),
        }
        if letter in simple:
            if number is not None or junk is not None:
                return Result(Action.ERROR, f"/{letter} takes no line number. Type /? for help.")
            return simple[letter]()
        if letter not in "EDI":
            return Result(Action.ERROR, f"Unknown command /{letter}. Type /? for help.")
        if number is None:
            what = f"'{junk}' is not a line number. " if junk is not None else ""
            return Result(Action.ERROR, f"{what}Usage: /{letter} n, for example /{letter} 3.")
        n, count = int(number), len(self.lines)
        if letter == "I" and n == count + 1:
            self.insert_at = None
            return Result(Action.INFO, f"New lines go at the end (line {n}).")
        if not 1 <= n <= count:
            return Result(Action.ERROR, _no_line(n, count))
        if letter == "E":
            return Result(Action.EDIT, f"Editing line {n}. Enter keeps it, ESC cancels.", n)
        if letter == "I":
            self.insert_at = n - 1
            return Result(
                Action.INFO, f"Inserting before line {n}: the next line you type goes there."
            )
        del self.lines[n - 1]
        if self.insert_at is not None and self.insert_at > n - 1:
            self.insert_at -= 1
        return Result(Action.INFO, f"Line {n} deleted.")

    def _save(self) -> Result:
        if self.is_empty:
            return Result(Action.ERROR, "Nothing to save — type your message, or /A to abort.")
        return Result(Action.SAVE)

    def _list(self) -> Result:
        return Result(Action.LIST, "\n".join(self.listing()) or "(The message is empty.)")

    def _quote(self) -> Result:
        if not self.quote:
            return Result(Action.ERROR, "There is no message to quote.")
        quoted = [
            w for line in self.quote for w in wrap_text(line, self.width, keep_quote_prefix=True)
        ]
        pos = self.insert_at if self.insert_at is not None else len(self.lines)
        taken = 0
        size = byte_size(self.lines)
        while taken < len(quoted) and len(self.lines) + taken < self.max_lines:
            extra = len(quoted[taken].encode("utf-8")) + 1
            if size + extra > self.max_bytes:
                break
            size += extra
            taken += 1
        if not taken:
            return self._full(len(self.lines) >= self.max_lines)
        self.lines[pos:pos] = quoted[:taken]
        self.insert_at = None
        if taken < len(quoted):
            return Result(
                Action.INFO, f"Quoted {taken} of {len(quoted)} lines — the message is full."
            )
        return Result(Action.INFO, f"Quoted {taken} line{'s' if taken != 1 else ''}.")


def _blen(text: str) -> int:
    return len(text.encode("utf-8"))


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
    ) -> None:
        self.width, self.height = max(1, width), max(1, height)
        self.max_lines, self.max_bytes = max_lines, max_bytes
        self.quote = prepare_lines(quote)
        lines = [
            w
            for line in prepare_lines(initial)
            for w in wrap_text(line, self.width, keep_quote_prefix=True)
        ]
        self._lines = lines[:max_lines] or [""]
        self._joints: list[str | None] = [None] * len(self._lines)
        self._bytes = byte_size(self._lines)
        self.overwrite = False
        self.notice = ""  # set when an operation is refused or partial; the widget clears it
        self.row = len(self._lines) - 1
        self.col = len(self._lines[-1])
        self.top = 0
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

    def text(self) -> str:
        return "\n".join(self._lines)

    def result_lines(self) -> list[str]:
        """The message to save: trailing blank lines removed."""
        return trim_trailing_blank(self._lines)

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

    def insert_quote(self) -> bool:
        """Insert the quote lines at the cursor (as many as fit); the cursor goes after them."""
        if not self.quote:
            self.notice = "There is no message to quote."
            return False
        quoted = [w for q in self.quote for w in wrap_text(q, self.width, keep_quote_prefix=True)]
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
            self.notice = f"The quote does not fit: {self._limit_text()}."
        elif taken < len(quoted):
            self.notice = f"Quoted {taken} of {len(quoted)} lines — the message is full."
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
        self.top = max(0, self.top - step)
        self.up(step)

    def page_down(self) -> None:
        step = max(1, self.height - 1)
        self.top = max(0, min(self.top + step, len(self._lines) - self.height))
        self.down(step)

    def toggle_overwrite(self) -> None:
        self.overwrite = not self.overwrite

    def resize(self, width: int, height: int) -> None:
        """New text-area size: nothing is rewrapped; cursor and scroll are clamped."""
        self.width, self.height = max(1, width), max(1, height)
        self.col = min(self.col, len(self._lines[self.row]), self.width)
        self.top = max(0, min(self.top, len(self._lines) - self.height))
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
            end, start = _split_point(text, self.width)
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

    def _limit_text(self) -> str:
        if len(self._lines) >= self.max_lines:
            return f"the message is full ({self.max_lines} lines at most)"
        return f"the message is full ({self.max_bytes // 1024} KiB at most)"

    def _apply(self, op: Callable[[], bool | None]) -> bool:
        """Run an edit; undo it if it returns False or breaks the size limits (set `notice`)."""
        saved = (list(self._lines), list(self._joints), self._bytes, self.row, self.col)
        keep = op() is not False
        too_big = len(self._lines) > self.max_lines or self._bytes > self.max_bytes
        if too_big:
            limit = self._limit_text()
            self.notice = limit[:1].upper() + limit[1:] + "."
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
        if self.row < self.top:
            self.top = self.row
        elif self.row >= self.top + self.height:
            self.top = self.row - self.height + 1
