"""Wildmats (RFC 3977 §4) as INN's uwildmat reads them, compiled once and cached.

A wildmat is a comma-separated list of patterns, each optionally negated by a leading "!";
the LAST pattern that matches decides (a negated one means "no match"), and none matching
means no match. Inside a pattern "*" matches any run of characters, "?" one character
(one UTF-8 character; a stray high octet counts as one), and, as INN extensions beyond RFC
3977, "[...]" is a character class ("^" first inverts it; "a-z" ranges; a "]" or "-" first
is literal) and "\\" makes the next character literal. Matching is done on UTF-8 octets as
INN does (lib/uwildmat.c), so invalid UTF-8 (arriving as surrogate escapes) behaves as there.

Differences from INN, deliberately: a pattern INN would silently never match because it is
malformed (an unterminated "[" class, a trailing lone "\\", a NUL) raises ValueError here,
so the session can answer 501 instead of an empty list. `strict=True` accepts only the RFC
3977 §4.1 grammar (no classes, no escapes, "!" only after a comma, no empty pattern, UTF-8):
RFC 3977's own example answers 501 to `LIST ACTIVE u[ks].*`.

The matcher never backtracks further than the most recent "*" (INN's ABORT rule made
explicit), so a pattern costs O(len(text) x len(pattern)) at worst, whatever its stars.
Patterns of ASCII literals and "*" only are matched on the str when the text is ASCII (the
same answer, without the octet walk).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

__all__ = ["compile_wildmat", "is_valid_utf8", "match_simple", "match_wildmat"]

_TRUE, _FALSE, _ABORT = 1, 0, -1
_STAR, _QUESTION, _BACKSLASH = 0x2A, 0x3F, 0x5C
_LBRACKET, _RBRACKET, _CARET, _DASH, _COMMA, _BANG = 0x5B, 0x5D, 0x5E, 0x2D, 0x2C, 0x21
_META_AFTER_STAR = frozenset((_LBRACKET, _QUESTION, _BACKSLASH))
_LITERAL_BREAKERS = frozenset((_LBRACKET, _QUESTION, _BACKSLASH))  # not "literals and *"
# RFC 3977 §4.1 wildmat-exact: printable ASCII except ! * , ? [ \ ] (and UTF-8 non-ASCII).
_RFC_SPECIAL = frozenset(b"!*,?[\\]")


def _octets(s: str) -> bytes:
    """The UTF-8 octets of `s`; surrogate escapes (undecodable octets) become those octets."""
    try:
        return s.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return s.encode("utf-8", "surrogatepass")


# ----------------------------------------------------------------------------- UTF-8 as INN


def _utf8_length(s: bytes, i: int, end: int) -> int:
    """Octets of the UTF-8 character at s[i] (s[i:end+1] is the string); 1 if malformed."""
    lead = s[i]
    length = 0
    mask = 0x80
    while mask and lead & mask == mask:
        length += 1
        mask >>= 1
    if length < 2 or length > 6 or end - i + 1 < length:
        return 1
    for j in range(i + 1, i + length):
        if s[j] & 0xC0 != 0x80:
            return 1
    return length


def _utf8_decode(s: bytes, i: int, end: int) -> tuple[int, int]:
    """(code point, octets) of the character at s[i]; a malformed one is its first octet."""
    length = _utf8_length(s, i, end)
    if length < 2:
        return s[i], 1
    value = s[i] & ((1 << (7 - length)) - 1)
    for j in range(i + 1, i + length):
        value = (value << 6) | (s[j] & 0x3F)
    return value, length


def _is_utf8_start(octet: int) -> bool:
    return octet & 0xC0 == 0xC0


def is_valid_utf8(data: bytes) -> bool:
    """INN's is_valid_utf8: lengths 2..6 with continuation octets (no overlong check)."""
    i, n = 0, len(data)
    while i < n:
        lead = data[i]
        i += 1
        length = 0
        mask = 0x80
        while mask and lead & mask == mask:
            length += 1
            mask >>= 1
        if length == 0:
            continue
        if length < 2 or length > 6:
            return False
        left = length - 1
        while left and i < n and data[i] & 0xC0 == 0x80:
            left -= 1
            i += 1
        if left:
            return False
    return True


# ----------------------------------------------------------------------------- matching


def _match_class(char: int, pat: bytes, start: int, end: int) -> bool:
    """INN's match_class: does code point `char` fall in the class pat[start:end+1]?"""
    p = start
    reversed_ = pat[p] == _CARET
    if reversed_:
        p += 1
    allow_range = False
    first = 0
    while p <= end:
        if allow_range and pat[p] == _DASH and p < end:
            p += 1
            last, width = _utf8_decode(pat, p, end)
            p += width
            if first <= char <= last:
                return not reversed_
            allow_range = False
        else:
            first, width = _utf8_decode(pat, p, end)
            p += width
            if char == first:
                return not reversed_
            allow_range = True
    return reversed_


def _class_end(pat: bytes, p: int, end: int) -> int:
    """Index of the "]" closing the class whose first member is pat[p], or -1."""
    q = p + (1 if p <= end and pat[p] == _CARET else 0) + 1
    if q > end:
        return -1
    close = pat.find(b"]", q, end + 1)
    return close


def _match_pattern(text: bytes, pat: bytes, p: int, end: int) -> int:
    """INN's match_pattern on one pattern pat[p:end+1], without recursion.

    INN recurses at each place a "*" could end; once an inner call reaches a "*" of its own
    it can only return TRUE or ABORT, so only the most recent "*" is ever resumed. Here that
    one resume point is kept explicitly: (pattern index after the star, whether the item
    after it is a metacharacter, text index to try next).
    """
    n = len(text)
    t = 0
    star_p = -1
    star_meta = False
    star_t = 0
    text_end = n - 1
    while True:
        outcome = _FALSE
        while True:
            if p > end:
                outcome = _TRUE if t == n else _FALSE
                break
            c = pat[p]
            if t >= n and c != _STAR:
                return _ABORT
            if c == _QUESTION:
                t += _utf8_length(text, t, text_end) if _is_utf8_start(text[t]) else 1
                p += 1
            elif c == _STAR:
                p += 1
                while p <= end and pat[p] == _STAR:
                    p += 1
                if p > end:
                    return _TRUE
                star_p, star_meta, star_t = p, pat[p] in _META_AFTER_STAR, t
                break
            elif c == _LBRACKET:
                close = _class_end(pat, p + 1, end)
                if close < 0:
                    return _ABORT
                char, width = _utf8_decode(text, t, text_end)
                t += width
                if not _match_class(char, pat, p + 1, close - 1):
                    break
                p = close + 1
            else:
                if c == _BACKSLASH:
                    p += 1
                    if p > end:
                        return _ABORT
                    c = pat[p]
                if text[t] != c:
                    break
                t += 1
                p += 1
        if outcome == _TRUE:
            return _TRUE
        if star_p < 0:
            return _FALSE
        # One turn of INN's star loop.
        if star_t >= n:
            return _ABORT
        width = _utf8_length(text, star_t, text_end) if _is_utf8_start(text[star_t]) else 1
        if star_meta:
            t, p = star_t, star_p
            star_t += width
        else:
            want = pat[star_p]
            while star_t < n and text[star_t] != want:
                star_t += width
                if star_t < n:
                    width = (
                        _utf8_length(text, star_t, text_end) if _is_utf8_start(text[star_t]) else 1
                    )
            if star_t >= n:
                return _ABORT
            star_t += 1
            t, p = star_t, star_p + 1


def _split(pat: bytes, allow_poison: bool) -> list[tuple[int, int, int]]:
    """INN's match_expression split: (kind, start, end) per pattern; kind 0 plain,
    1 negated ("!"), 2 poison ("@", only with allow_poison)."""
    parts: list[tuple[int, int, int]] = []
    end = len(pat) - 1
    p = 0
    while p <= end + 1:
        kind = 0
        if p <= end and allow_poison and pat[p] == 0x40:
            kind = 2
        elif p <= end and pat[p] == _BANG:
            kind = 1
        if kind:
            p += 1
        escaped = False
        split = p
        while split <= end:
            if pat[split] == _LBRACKET:
                split += 1
                if split <= end and pat[split] == _RBRACKET:
                    split += 1
                while split <= end and pat[split] != _RBRACKET:
                    split += 1
            if split <= end and pat[split] == _COMMA and not escaped:
                break
            escaped = (not escaped) if split <= end and pat[split] == _BACKSLASH else False
            split += 1
        # INN's scan can step past the end after an unclosed "["; its pattern then ends at
        # the NUL, which no text octet matches: the same as ending at the last octet.
        parts.append((kind, p, min(split, end + 1) - 1))
        p = split + 1
    return parts


def _malformed(pat: bytes, start: int, end: int) -> str | None:
    """Why pattern pat[start:end+1] can never match in INN (it would ABORT), or None."""
    p = start
    while p <= end:
        c = pat[p]
        if c == _BACKSLASH:
            if p + 1 > end:
                return "a trailing backslash escapes nothing"
            p += 2
        elif c == _LBRACKET:
            close = _class_end(pat, p + 1, end)
            if close < 0:
                return "a [ character class is not closed"
            p = close + 1
        else:
            p += 1
    return None


def _strict_problem(pattern: str, pat: bytes) -> str | None:
    """Why `pattern` is not an RFC 3977 §4.1 wildmat, or None."""
    if not is_valid_utf8(pat) or any(0xD800 <= ord(ch) <= 0xDFFF for ch in pattern):
        return "a wildmat must be UTF-8"
    for index, piece in enumerate(pat.split(b",")):
        if index and piece.startswith(b"!"):
            piece = piece[1:]
        if not piece:
            return "a wildmat has an empty pattern"
        for octet in piece:
            if octet < 0x21 or octet == 0x7F:
                return "a wildmat may not hold spaces or control characters"
            if octet in _RFC_SPECIAL and octet not in (_STAR, _QUESTION):
                return f"'{chr(octet)}' is not allowed in a wildmat (RFC 3977 §4.1)"
    return None


def match_wildmat(text: str | bytes, pattern: str | bytes, *, poison: bool = False) -> int:
    """INN's uwildmat (poison=False: 1 match, 0 no match) or uwildmat_poison (poison=True:
    1 match, 0 fail, 2 poisoned by an "@" pattern). Malformed patterns simply fail, as in
    INN; use compile_wildmat for the checked, cached form the session uses."""
    t = text if isinstance(text, bytes) else _octets(text)
    pat = pattern if isinstance(pattern, bytes) else _octets(pattern)
    if pat == b"*":
        return 1
    if not pat:
        return 1 if not t else 0
    match = False
    poisoned = False
    for kind, start, end in _split(pat, poison):
        reverse = kind != 0
        is_poison = kind == 2
        if match == (not reverse) and is_poison == poisoned:
            continue
        if _match_pattern(t, pat, start, end) == _TRUE:
            poisoned = is_poison
            match = not reverse
    if poisoned:
        return 2
    return 1 if match else 0


def match_simple(text: str | bytes, pattern: str | bytes) -> bool:
    """INN's uwildmat_simple: one pattern, "," and "!" are ordinary characters."""
    t = text if isinstance(text, bytes) else _octets(text)
    pat = pattern if isinstance(pattern, bytes) else _octets(pattern)
    if pat == b"*":
        return True
    return _match_pattern(t, pat, 0, len(pat) - 1) == _TRUE


def _always(_text: str) -> bool:
    return True


def _literal_glob(pieces: tuple[str, ...]) -> Callable[[str], bool]:
    """A pattern of literals and "*" only (`pieces` = pattern.split("*")), matched on str:
    first piece a prefix, last a suffix, the middle ones leftmost in order. The same answer
    as the octet matcher for ASCII text; the caller checks that."""
    if len(pieces) == 1:
        whole = pieces[0]
        return lambda text: text == whole
    head, tail, middle = pieces[0], pieces[-1], [piece for piece in pieces[1:-1] if piece]
    least = len(head) + len(tail) + sum(len(piece) for piece in middle)

    def matches(text: str) -> bool:
        if len(text) < least or not text.startswith(head) or not text.endswith(tail):
            return False
        at, stop = len(head), len(text) - len(tail)
        for piece in middle:
            found = text.find(piece, at, stop)
            if found < 0:
                return False
            at = found + len(piece)
        return True

    return matches


@lru_cache(maxsize=256)
def compile_wildmat(pattern: str, *, strict: bool = False) -> Callable[[str], bool]:
    """A predicate for `pattern` (see the module doc); raises ValueError when malformed.

    The split into patterns and the checks are done once; results per text are not cached
    (group names are few, but a client's texts are not ours to keep).
    """
    if not isinstance(pattern, str):
        raise TypeError("a wildmat is a str")
    pat = _octets(pattern)
    if b"\x00" in pat:
        raise ValueError("a wildmat may not hold NUL")
    if strict:
        problem = _strict_problem(pattern, pat)
        if problem:
            raise ValueError(problem)
    if pat == b"*":
        return _always
    if not pat:
        return lambda text: not text
    parts = _split(pat, False)
    for _kind, start, end in parts:
        problem = _malformed(pat, start, end)
        if problem:
            raise ValueError(problem)
    plan = tuple((kind != 0, start, end) for kind, start, end in parts)
    # Patterns of ASCII literals and "*" (most wildmats newsreaders send: "comp.*") are
    # matched on the str when the text is ASCII too; anything else goes octet by octet.
    fast: tuple[tuple[bool, Callable[[str], bool]], ...] | None = None
    if pat.isascii() and not any(octet in _LITERAL_BREAKERS for octet in pat):
        ascii_pattern = pat.decode("ascii")
        fast = tuple(
            (reverse, _literal_glob(tuple(ascii_pattern[start : end + 1].split("*"))))
            for reverse, start, end in plan
        )

    def matches(text: str) -> bool:
        match = False
        if fast is not None and text.isascii():
            for reverse, glob in fast:
                if match != (not reverse) and glob(text):
                    match = not reverse
            return match
        t = _octets(text)
        for reverse, start, end in plan:
            if match == (not reverse):
                continue
            if _match_pattern(t, pat, start, end) == _TRUE:
                match = not reverse
        return match

    return matches
