"""Pure state model (no I/O) of the numbered-line editor, and the text helpers both editors use."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum

from retroboard.ui.widgets.texts import Texts, default_texts

MAX_LINES = 500
MAX_BYTES = 64 * 1024
_QUOTE_PREFIX = re.compile(r"^(?:[ \t]*>)+ ?")
_PICK = re.compile(r"^(\d+)(?:\s*-\s*(\d+))?$")
_COMMAND = re.compile(r"^/([a-z?])(?:\s*(\d+)(?:\s*-\s*(\d+))?|\s+(.+))?$", re.IGNORECASE)


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


def split_point(text: str, width: int) -> tuple[int, int]:
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
    end, start = split_point(text, width)
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


def keep_quoted(text: str, width: int) -> list[str]:
    """A line of a quote or of the text to resume, as line-editor lines: a quoted line
    (">...") is kept whole (quoting never re-wraps it); any other line is wrapped at `width`."""
    return [text] if text.startswith(">") else wrap_text(text, width, keep_quote_prefix=True)


def soft_ends(text: str, pieces: list[str]) -> list[str | None]:
    """How each of `pieces` (`text` wrapped) ends: None = a hard break (the last piece, and
    every piece of a quoted line: quotes are never re-joined), else the spaces the wrap took
    out ("" where a long word was cut in two)."""
    ends: list[str | None] = [None] * len(pieces)
    if text.startswith(">") or _QUOTE_PREFIX.match(text):
        return ends
    pos = 0
    for i, piece in enumerate(pieces):
        found = text.find(piece, pos)
        if found < 0:  # not a plain split of `text`: keep the pieces apart
            return [None] * len(pieces)
        if i:
            gap = text[pos:found]
            ends[i - 1] = gap if not gap.strip(" ") else " "
        pos = found + len(piece)
    return ends


def wrap_pieces(text: str, width: int) -> tuple[list[str], list[str | None]]:
    """`keep_quoted(text, width)` and how each piece ends (see `soft_ends`)."""
    pieces = keep_quoted(text, width)
    return pieces, soft_ends(text, pieces)


def byte_size(lines: list[str]) -> int:
    """Size of the message as stored: UTF-8, one newline between lines."""
    return len("\n".join(lines).encode("utf-8"))


def trim_trailing_blank(lines: list[str]) -> list[str]:
    """Drop blank lines at the end."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return lines[:end]


class Action(Enum):
    """What the line editor widget should do after `handle_line`."""

    TEXT = "text"  # text was stored; show `message` if any
    SAVE = "save"
    ABORT = "abort"  # confirm, then abort
    CLEAR = "clear"  # confirm, then call clear()
    EDIT = "edit"  # prompt with line `line_no` pre-filled, then call replace_line()
    LIST = "list"  # show `message` (the numbered listing)
    HELP = "help"
    QUOTE = "quote"  # show `message` (the original's lines, numbered), ask which, quote_lines()
    INFO = "info"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of one entered line."""

    action: Action
    message: str = ""
    line_no: int | None = None


class LineEditorModel:
    """WWIV/Telegard-style numbered lines with slash commands.

    Each line remembers how it ends (`ends`): None = a hard break (Enter, or a quoted line),
    " " = a soft break that took the place of a space (word wrap while typing, or a long line
    split to the width), "" = a soft break inside a long word cut in two. The screen lines
    are listed and numbered; `result_paragraphs` joins the soft breaks back.
    """

    def __init__(
        self,
        initial: list[str] | None = None,
        quote: list[str] | None = None,
        *,
        width: int = 76,
        max_lines: int = MAX_LINES,
        max_bytes: int = MAX_BYTES,
        texts: Texts = default_texts,
    ) -> None:
        self.texts = texts  # words its messages (a skin's text function)
        self.width = max(1, width)
        self.max_lines = max_lines
        self.max_bytes = max_bytes
        self.quote = prepare_lines(quote)
        self.lines: list[str] = []
        self.ends: list[str | None] = []  # parallel to `lines`
        for line in prepare_lines(initial):
            pieces, ends = wrap_pieces(line, self.width)
            self.lines.extend(pieces)
            self.ends.extend(ends)
        if len(self.lines) > max_lines:
            del self.lines[max_lines:]
            del self.ends[max_lines:]
            if self.ends:
                self.ends[-1] = None  # a paragraph cut by the line limit ends where it was cut
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

    def result_paragraphs(self) -> list[str]:
        """The message to save as typed: soft breaks joined back into one line per paragraph
        (hard breaks kept), trailing blank lines removed. A quoted or blank line is never
        joined on, and a blank line always ends its paragraph."""
        out: list[str] = []
        joint: str | None = None  # how the previous line ends
        for line, end in zip(self.lines, self.ends, strict=True):
            if joint is None or not out or line.startswith(">") or not line.strip():
                out.append(line)
            else:
                out[-1] += joint + line
            joint = end if line.strip() else None
        return trim_trailing_blank(out)

    def clear(self) -> None:
        self.lines = []
        self.ends = []
        self.insert_at = None

    def handle_line(self, text: str, *, wrapped: bool = False, cut: bool = False) -> Result:
        """Process one entered line. `wrapped` = it ended by word wrap, not Enter (never a
        command): it ends with a soft break, "" instead of a space when `cut` (word wrap cut
        a long word in two)."""
        text = clean_line(text)
        if not wrapped:
            match = _COMMAND.match(text.strip())
            if match:
                letter, number, last, junk = match.groups()
                if last is not None:
                    return self._range(letter.upper(), int(number), int(last))
                return self._command(letter.upper(), number, junk)
            if self.insert_at is not None and not text.strip():
                self.insert_at = None  # an empty line ends insert mode (WWIV/PCBoard)
                return Result(Action.INFO, self.texts("editor_insert_done", n=self.next_number))
        pieces = wrap_text(text, self.width)
        ends = soft_ends(text, pieces)
        if wrapped and not text.startswith(">"):
            ends[-1] = "" if cut else " "
        return self._put(pieces, ends)

    def replace_line(self, n: int, text: str) -> Result:
        """Finish a `/E n`: line n becomes `text` (wrapped if it is too long)."""
        if not 1 <= n <= len(self.lines):
            return Result(Action.ERROR, self._no_line(n, len(self.lines)))
        text = clean_line(text)
        new = wrap_text(text, self.width)
        ends = soft_ends(text, new)
        if not text.startswith(">"):
            ends[-1] = self.ends[n - 1]  # the last piece ends as the old line did
        error = self._check(self.lines[: n - 1] + new + self.lines[n:])
        if error:
            return error
        self.lines[n - 1 : n] = new
        self.ends[n - 1 : n] = ends
        if self.insert_at is not None and self.insert_at >= n:
            self.insert_at += len(new) - 1
        return Result(Action.TEXT, self.texts("editor_line_changed", n=n))

    # ---- internals ---------------------------------------------------------------------
    def _full(self, by_lines: bool) -> Result:
        limit = (
            self.texts("editor_limit_lines", limit=self.max_lines)
            if by_lines
            else self.texts("editor_limit_kib", limit=self.max_bytes // 1024)
        )
        return Result(Action.ERROR, self.texts("editor_full", limit=limit))

    def _no_line(self, n: int, count: int) -> str:
        if count == 0:
            return self.texts("editor_no_line_empty", n=n)
        key = "editor_no_line_one" if count == 1 else "editor_no_line_many"
        return self.texts(key, n=n, count=count)

    def _check(self, candidate: list[str]) -> Result | None:
        if len(candidate) > self.max_lines:
            return self._full(True)
        if byte_size(candidate) > self.max_bytes:
            return self._full(False)
        return None

    def _put(self, new: list[str], ends: list[str | None]) -> Result:
        pos = self.insert_at if self.insert_at is not None else len(self.lines)
        candidate = self.lines[:pos] + new + self.lines[pos:]
        error = self._check(candidate)
        if error:
            return error
        self.lines = candidate
        self.ends[pos:pos] = ends
        if self.insert_at is not None:
            self.insert_at = pos + len(new)  # insert mode lasts until an empty line
        return Result(Action.TEXT)

    def _range(self, letter: str, first: int, last: int) -> Result:
        """`/D n-m`: delete lines n to m (inclusive); other commands take one number."""
        if letter != "D":
            return Result(Action.ERROR, self.texts("editor_no_range", letter=letter))
        count = len(self.lines)
        if first > last:
            return Result(Action.ERROR, self.texts("editor_bad_range", n=first, m=last))
        for n in (first, last):
            if not 1 <= n <= count:
                return Result(Action.ERROR, self._no_line(n, count))
        self._delete(first, last)
        if self.insert_at is not None and self.insert_at > first - 1:
            self.insert_at = max(first - 1, self.insert_at - (last - first + 1))
        key = "editor_deleted" if first == last else "editor_deleted_range"
        return Result(Action.INFO, self.texts(key, n=first, m=last))

    def _command(self, letter: str, number: str | None, junk: str | None) -> Result:
        simple: dict[str, Callable[[], Result]] = {
            "S": self._save,
            "A": lambda: Result(Action.ABORT, self.texts("editor_abort_message")),
            "L": self._list,
            "Q": self._quote,
            "C": lambda: Result(Action.CLEAR, self.texts("editor_clear_message")),
            "?": lambda: Result(Action.HELP, self.texts("editor_help")),
            "H": lambda: Result(Action.HELP, self.texts("editor_help")),
        }
        if letter in simple:
            if number is not None or junk is not None:
                return Result(Action.ERROR, self.texts("editor_no_number", letter=letter))
            return simple[letter]()
        if letter not in "EDI":
            return Result(Action.ERROR, self.texts("editor_unknown_command", letter=letter))
        if number is None:
            what = self.texts("editor_not_a_number", junk=junk) if junk is not None else ""
            return Result(Action.ERROR, self.texts("editor_usage", what=what, letter=letter))
        n, count = int(number), len(self.lines)
        if letter == "I" and n == count + 1:
            self.insert_at = None
            return Result(Action.INFO, self.texts("editor_at_end", n=n))
        if not 1 <= n <= count:
            return Result(Action.ERROR, self._no_line(n, count))
        if letter == "E":
            return Result(Action.EDIT, self.texts("editor_editing", n=n), n)
        if letter == "I":
            self.insert_at = n - 1
            return Result(Action.INFO, self.texts("editor_inserting", n=n))
        self._delete(n, n)
        if self.insert_at is not None and self.insert_at > n - 1:
            self.insert_at -= 1
        return Result(Action.INFO, self.texts("editor_deleted", n=n))

    def _delete(self, first: int, last: int) -> None:
        """Delete lines first..last (1-based). The line above them ends its paragraph if the
        last deleted line did (else it keeps running on into the line below)."""
        above = self.ends[first - 2] if first > 1 else None
        gone = self.ends[last - 1]
        if above is not None:
            self.ends[first - 2] = None if gone is None else (above if above == gone else " ")
        del self.lines[first - 1 : last]
        del self.ends[first - 1 : last]

    def _save(self) -> Result:
        if self.is_empty:
            return Result(Action.ERROR, self.texts("editor_nothing_to_save"))
        return Result(Action.SAVE)

    def _list(self) -> Result:
        return Result(Action.LIST, "\n".join(self.listing()) or self.texts("editor_empty"))

    def _quote(self) -> Result:
        if not self.quote:
            return Result(Action.ERROR, self.texts("editor_no_quote"))
        listing = [f"{n:>2}> {line}" for n, line in enumerate(self.quote, 1)]
        return Result(Action.QUOTE, "\n".join(listing))

    def quote_lines(self, spec: str) -> Result:
        """Finish a `/Q`: quote the original's lines `spec` names ("1-3,5"; blank: all of them)
        at the insert point. A bad spec is refused with a message and nothing is quoted."""
        picked: set[int] = set()
        count = len(self.quote)
        for part in filter(None, (p.strip() for p in spec.split(","))):
            match = _PICK.match(part)
            if not match:
                return Result(Action.ERROR, self.texts("editor_quote_bad_pick", pick=part))
            first = int(match.group(1))
            last = int(match.group(2) or first)
            if not 1 <= first <= last <= count:
                return Result(
                    Action.ERROR, self.texts("editor_quote_no_such", pick=part, count=count)
                )
            picked.update(range(first - 1, last))
        chosen = [self.quote[i] for i in sorted(picked)] if picked else self.quote
        return self._insert_quote(chosen)

    def _insert_quote(self, chosen: list[str]) -> Result:
        quoted: list[str] = []
        quoted_ends: list[str | None] = []
        for line in chosen:
            pieces, ends = wrap_pieces(line, self.width)
            quoted.extend(pieces)
            quoted_ends.extend(ends)
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
        self.ends[pos:pos] = [*quoted_ends[: taken - 1], None]  # the last one taken ends hard
        if pos:
            self.ends[pos - 1] = None  # the quote is a block of its own
        self.insert_at = None
        if taken < len(quoted):
            return Result(
                Action.INFO, self.texts("editor_quoted_part", taken=taken, total=len(quoted))
            )
        key = "editor_quoted_one" if taken == 1 else "editor_quoted_many"
        return Result(Action.INFO, self.texts(key, count=taken))
