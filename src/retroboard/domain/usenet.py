"""Usenet conventions: group names, Message-IDs, References, subjects, quoting and post limits."""

from __future__ import annotations

import codecs
import math
import re
import secrets
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from retroboard.domain.errors import ValidationError
from retroboard.domain.flowed import as_flowed
from retroboard.domain.flowed import decode as decode_flowed

__all__ = [
    "BODY_MAX",
    "UsenetRuleError",
    "GROUP_NAME_MAX",
    "MESSAGE_ID_MAX",
    "SUBJECT_MAX",
    "attribution_line",
    "check_post",
    "children_at",
    "followup_references",
    "format_references",
    "hierarchy_parts",
    "is_valid_message_id",
    "make_message_id",
    "parent_prefixes",
    "parse_references",
    "quote_body",
    "reply_subject",
    "rot13",
    "validate_group_name",
]

GROUP_NAME_MAX = 80
SUBJECT_MAX = 120
BODY_MAX = 64 * 1024  # bytes of UTF-8
MESSAGE_ID_MAX = 250  # RFC 5536 section 3.1.3


class UsenetRuleError(ValidationError, ValueError):
    """A group name, Message-ID or post broke a rule; `str(e)` is fit to show a user."""


# ----------------------------------------------------------------------------- group names

_GROUP_CHAR = re.compile(r"[A-Za-z0-9+_.-]")
_RESERVED_FIRST = {"control", "to"}  # RFC 5536 3.1.4
_RESERVED_ANY = {"all", "ctl"}


def validate_group_name(name: str) -> str:
    """Return the normalised (stripped, lowercased) group name, or raise UsenetRuleError.

    Rules: at least two dot-separated components, each made of a-z 0-9 + - _ and not all
    digits; no empty components; at most GROUP_NAME_MAX characters; RFC 5536 reserved
    names (control.*, to.*, components "all" and "ctl") are refused.
    """
    if not isinstance(name, str):
        raise TypeError("group name must be a str")
    stripped = name.strip()
    if not stripped:
        raise UsenetRuleError("Group name is empty.")
    if len(stripped) > GROUP_NAME_MAX:
        raise UsenetRuleError(
            f"Group name is too long ({len(stripped)} characters; the limit is {GROUP_NAME_MAX})."
        )
    if any(ch.isspace() for ch in stripped):
        raise UsenetRuleError("Group names cannot contain spaces.")
    # Check characters before lowercasing: some non-ASCII letters lowercase to ASCII.
    for ch in stripped:
        if not _GROUP_CHAR.fullmatch(ch):
            raise UsenetRuleError(
                f"Group names may only use letters a-z, digits, dots and + - _ (found '{ch}')."
            )
    normal = stripped.lower()
    parts = normal.split(".")
    if any(not part for part in parts):
        raise UsenetRuleError(
            "Group name has an empty part (check for leading, trailing or doubled dots)."
        )
    if len(parts) < 2:
        raise UsenetRuleError("Group name needs at least two parts, like local.general.")
    for part in parts:
        if part.isdigit():
            raise UsenetRuleError(f"Group name part '{part}' is all digits; add a letter.")
        if part in _RESERVED_ANY:
            raise UsenetRuleError(f"Group name part '{part}' is reserved.")
    if parts[0] in _RESERVED_FIRST:
        raise UsenetRuleError(f"Group names starting with '{parts[0]}.' are reserved.")
    return normal


def hierarchy_parts(name: str) -> list[str]:
    """Split a group name into its components: "comp.sys.amiga" -> ["comp", "sys", "amiga"]."""
    return [part for part in name.split(".") if part]


def parent_prefixes(name: str) -> list[str]:
    """The hierarchies above a group, outermost first: "a.b.c" -> ["a", "a.b"]."""
    parts = hierarchy_parts(name)
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def children_at(names: Iterable[str], prefix: str) -> list[tuple[str, bool]]:
    """The distinct entries one level below `prefix` ("" is the top), for level-by-level browsing.

    Each entry is (full_name, is_group). A name that is both a group and the parent of
    other groups (e.g. "comp.lang" next to "comp.lang.python") yields two entries: the
    group (True) first, then the hierarchy (False). The result is sorted by name.
    """
    base = hierarchy_parts(prefix)
    depth = len(base)
    entries: set[tuple[str, bool]] = set()
    for name in names:
        parts = hierarchy_parts(name)
        if len(parts) <= depth or parts[:depth] != base:
            continue
        full = ".".join(parts[: depth + 1])
        entries.add((full, len(parts) == depth + 1))
    return sorted(entries, key=lambda entry: (entry[0], not entry[1]))


# ----------------------------------------------------------------------------- message ids

_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_DOT_ATOM = rf"{_ATEXT}+(?:\.{_ATEXT}+)*"
_NO_FOLD_LITERAL = r"\[[\x21-\x5a\x5e-\x7e]*\]"
_MESSAGE_ID = re.compile(rf"<{_DOT_ATOM}@(?:{_DOT_ATOM}|{_NO_FOLD_LITERAL})>")
_DOT_ATOM_RE = re.compile(_DOT_ATOM)
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(number: int) -> str:
    digits = []
    while True:
        number, rest = divmod(number, 36)
        digits.append(_B36[rest])
        if not number:
            return "".join(reversed(digits))


def is_valid_message_id(s: str) -> bool:
    """True for an RFC 5322 / 5536 Message-ID: "<dot-atom@dot-atom-or-[literal]>"."""
    return len(s) <= MESSAGE_ID_MAX and _MESSAGE_ID.fullmatch(s) is not None


def make_message_id(domain: str, unique: str | None = None) -> str:
    """A new Message-ID "<unique@domain>"; by default unique is time-based plus random."""
    if not _DOT_ATOM_RE.fullmatch(domain):
        raise UsenetRuleError(f"'{domain}' is not a valid Message-ID domain.")
    if unique is None:
        unique = f"{_base36(time.time_ns() // 1000)}.{secrets.token_hex(8)}"
    elif not _DOT_ATOM_RE.fullmatch(unique):
        raise UsenetRuleError(f"'{unique}' is not a valid Message-ID unique part.")
    mid = f"<{unique}@{domain}>"
    if not is_valid_message_id(mid):
        raise UsenetRuleError("Message-ID is too long.")
    return mid


# ----------------------------------------------------------------------------- subjects

_RE_PREFIX = re.compile(r"\s*re(?:\[\d+\]|\^\d+)?\s*:\s*", re.IGNORECASE)


def reply_subject(subject: str) -> str:
    """The subject for a reply: exactly one "Re: " in front, clipped to SUBJECT_MAX.

    Any chain of leading "Re:", "RE:", "re :", "Re[2]:" or "Re^2:" is removed first.
    An empty subject gives "Re:".
    """
    rest = subject.strip()
    while match := _RE_PREFIX.match(rest):
        rest = rest[match.end() :]
    return ("Re: " + rest)[:SUBJECT_MAX].rstrip()


# ----------------------------------------------------------------------------- references


def followup_references(
    parent_references: Sequence[str], parent_message_id: str, limit: int = 21
) -> list[str]:
    """The References of a reply: the parent's references, then the parent's Message-ID.

    The parent's id always comes last (an earlier copy of it is dropped). When the list
    is longer than `limit`, the first id and the last `limit - 1` are kept (RFC 5537).
    """
    if limit < 2:
        raise ValueError("limit must be at least 2")
    refs = [ref for ref in parent_references if ref != parent_message_id]
    refs.append(parent_message_id)
    if len(refs) > limit:
        refs = refs[:1] + refs[-(limit - 1) :]
    return refs


def parse_references(header: str) -> list[str]:
    """The valid Message-IDs in a References header, in order; anything else is skipped."""
    return [mid for mid in re.findall(r"<[^<>\s]*>", header) if is_valid_message_id(mid)]


def format_references(ids: Iterable[str]) -> str:
    """A References header value: the ids separated by single spaces."""
    return " ".join(ids)


# ----------------------------------------------------------------------------- quoting

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def attribution_line(author_handle: str, real_name: str | None, date: datetime) -> str:
    """The BBS attribution, e.g. "On 12 Mar 1988 14:03, Ada Lovelace (ada) wrote:".

    The date is shown in UTC (naive dates count as UTC); month names ignore the locale.
    """
    when = date.replace(tzinfo=UTC) if date.tzinfo is None else date.astimezone(UTC)
    stamp = f"{when.day:02d} {_MONTHS[when.month - 1]} {when.year:04d} {when:%H:%M}"
    name = real_name.strip() if real_name else ""
    who = f"{name} ({author_handle})" if name else author_handle
    return f"On {stamp}, {who} wrote:"


def quote_body(body: str, width: int = 76, *, flowed: bool = True) -> list[str]:
    """The stored lines of `body` quoted for a reply, never rewrapped; `flowed` says whether
    it is stored as format=flowed (a fixed body is read line for line: see as_flowed).

    Each stored line gets the quote prefix: plain lines "> ", already-quoted lines one more
    ">" ("> x" becomes ">> x"), blank lines ">". Soft-break spaces are dropped, so a
    76-character line stays one 78-character line. The signature (from the "-- " line) and
    trailing blank lines are dropped. `width` is accepted for API stability only.
    """
    del width  # lines are never rewrapped
    quoted: list[str] = []
    for paragraph in decode_flowed(as_flowed(body, flowed)):
        if paragraph.signature:
            break
        marker = ">" * (paragraph.depth + 1)
        for piece in paragraph.pieces:
            piece = piece.rstrip(" ")
            quoted.append(f"{marker} {piece}" if piece.strip() else marker)
    while quoted and quoted[-1] == ">":
        quoted.pop()
    return quoted


def rot13(text: str) -> str:
    """ROT13 the ASCII letters of `text` (the classic spoiler cipher); it is its own inverse."""
    return codecs.encode(text, "rot13")


# ----------------------------------------------------------------------------- limits


def check_post(subject: str, body: str) -> None:
    """Raise UsenetRuleError (a ValidationError and a ValueError) if a post breaks a limit."""
    if not subject.strip():
        raise UsenetRuleError("Subject is empty.")
    if "\n" in subject or "\r" in subject:
        raise UsenetRuleError("Subject must be one line.")
    if len(subject) > SUBJECT_MAX:
        raise UsenetRuleError(
            f"Subject is too long ({len(subject)} characters; the limit is {SUBJECT_MAX})."
        )
    if not body.strip():
        raise UsenetRuleError("Message is empty.")
    size = len(body.encode("utf-8", errors="surrogatepass"))
    if size > BODY_MAX:
        raise UsenetRuleError(
            f"Message is too long ({math.ceil(size / 1024)} KB; the limit is {BODY_MAX // 1024} KB)."
        )
