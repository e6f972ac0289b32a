"""RFC 3676 format=flowed (DelSp=no): store paragraphs, re-flow them to each reader's width."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

LINE_MAX = 78  # RFC 3676 §4.2: flowed lines SHOULD be no longer than 78 characters
SIGNATURE = "-- "
_STUFF = (" ", ">", "From ")


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One logical line: `pieces` are its stored lines (unstuffed, soft spaces kept).

    `text` is the pieces joined; `depth` the quote depth; `signature` is true from the
    "-- " line on. Quoted, signature and code-like (leading space) paragraphs are fixed:
    they are never re-flowed.
    """

    depth: int
    pieces: tuple[str, ...]
    signature: bool = False

    @property
    def text(self) -> str:
        return "".join(self.pieces)

    @property
    def fixed(self) -> bool:
        return self.depth > 0 or self.signature or self.text.startswith(" ")


def _lines(text: str | Iterable[str]) -> list[str]:
    if isinstance(text, str):
        return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [line for item in text for line in _lines(item)]


def _depth(line: str) -> tuple[int, str]:
    """The quote depth of a line and the rest after the markers (one space unstuffed)."""
    depth = len(line) - len(line.lstrip(">"))
    rest = line[depth:]
    return depth, rest[1:] if rest.startswith(" ") else rest


def _stuff(line: str) -> str:
    return " " + line if line.startswith(_STUFF) else line


def _soft_chunks(text: str, limit: int) -> list[str]:
    """Split `text` after spaces into chunks of at most `limit` (a longer word stays whole);
    every chunk but the last ends with the space it was broken after."""
    chunks: list[str] = []
    while len(text) > limit:
        cut = text.rfind(" ", 0, limit)  # the break goes after the space at `cut`
        if cut <= 0 or not text[:cut].strip():
            cut = text.find(" ", limit)
            if cut < 0:
                break
        chunks.append(text[: cut + 1])
        text = text[cut + 1 :]
    chunks.append(text)
    return chunks


def encode(typed: str | Iterable[str]) -> str:
    """The stored format=flowed text for lines as typed (every typed line ends with a hard break).

    A typed line longer than 78 is broken after spaces into soft lines (each ends with a
    space); stored lines starting with " ", "From " or ">" (a broken line's later pieces) are
    space-stuffed; a quoted line (">...") is its markers, one space (its stuffing) and its
    text as typed after the first space; trailing spaces of hard lines are dropped. Quoted lines, code-like lines (leading space)
    and everything from the "-- " signature line on are stored whole, never broken.
    """
    out: list[str] = []
    signature = False
    for line in _lines(typed):
        if line == SIGNATURE:
            signature = True
            out.append(line)
            continue
        if line.startswith(">"):
            depth, rest = _depth(line)
            rest = rest.rstrip(" ")
            out.append(">" * depth + (" " + rest if rest else ""))  # that space is the stuffing
            continue
        line = line.rstrip(" ")
        if signature or line.startswith(" "):
            out.append(_stuff(line))
            continue
        for chunk in _soft_chunks(line, LINE_MAX - 1):
            out.append(_stuff(chunk))
    return "\n".join(out)


def as_flowed(body: str, flowed: bool) -> str:
    """`body` as format=flowed text: a flowed body as it is; a fixed one (stored before bodies
    were flowed, or sent by a newsreader that does not flow) encoded line for line, so every
    line stays a hard break, a leading space is kept (stuffed) and trailing spaces are dropped
    (a line longer than 78 is broken into soft lines, which re-flow to one paragraph)."""
    return body if flowed else encode(body)


def decode(stored: str) -> list[Paragraph]:
    """The paragraphs of a stored body (flowed or not: a line without a trailing space is a
    hard break, so an old body gives one paragraph per line)."""
    paragraphs: list[Paragraph] = []
    pieces: list[str] = []
    depth = 0
    signature = False
    for line in _lines(stored):
        d, rest = _depth(line)
        if pieces and d != depth:  # a quote-depth change ends a paragraph (RFC 3676 §4.5)
            paragraphs.append(Paragraph(depth, tuple(pieces), signature))
            pieces = []
        if d == 0 and line == SIGNATURE:
            signature = True
        depth = d
        pieces.append(rest)
        sig_line = rest == SIGNATURE or (d == 0 and line == SIGNATURE)
        if sig_line or not rest.endswith(" "):
            paragraphs.append(Paragraph(depth, tuple(pieces), signature))
            pieces = []
    if pieces:
        paragraphs.append(Paragraph(depth, tuple(pieces), signature))
    return paragraphs


def _wrap_words(text: str, width: int) -> list[str]:
    """Greedy word wrap at `width` (text that fits is kept as it is); a longer word is cut."""
    if len(text.rstrip(" ")) <= width:
        return [text.rstrip(" ")]
    rows: list[str] = []
    row = ""
    for word in text.split():
        while len(word) > width:
            if row:
                rows.append(row)
                row = ""
            rows.append(word[:width])
            word = word[width:]
        if not word:
            continue
        if not row:
            row = word
        elif len(row) + 1 + len(word) <= width:
            row += " " + word
        else:
            rows.append(row)
            row = word
    rows.append(row)
    return rows


def _cut(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def reflow(stored: str, width: int) -> list[str]:
    """The screen rows of a stored body at `width` columns.

    Plain paragraphs are re-flowed (word-wrapped) to the width. Fixed ones keep their
    stored lines: a quoted line that is too wide is wrapped with its "> " marker repeated on
    every row; signature and code-like lines are cut at the width.
    """
    width = max(1, width)
    rows: list[str] = []
    for p in decode(stored):
        if p.depth:
            marker = ">" * p.depth + " "
            room = max(1, width - len(marker))
            for piece in p.pieces:
                piece = piece.rstrip(" ")
                if not piece:
                    rows.append(">" * p.depth)
                    continue
                rows.extend(marker + part for part in _wrap_words(piece, room))
        elif p.fixed:
            for piece in p.pieces:
                rows.extend(_cut(piece if piece == SIGNATURE else piece.rstrip(" "), width))
        else:
            rows.extend(_wrap_words(p.text, width))
    return rows
