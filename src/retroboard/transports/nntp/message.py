"""Articles on the wire (RFC 5536 over RFC 3977): headers, overview lines, posted articles.

Pure functions, no I/O. What OVER says of an article agrees with what ARTICLE sends: ARTICLE's
headers come from `_values` + `_fixed_rows`, the overview from the values stored with the
article (domain.news.overview_parts) and the same header names, MIME rows and Path, so
`:bytes` is exactly the octets ARTICLE sends (headers, blank line, body; CRLF line ends;
before dot-stuffing). The message tests check the two agree for any text.
"""

from __future__ import annotations

import email.errors
import email.header
import email.policy
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import lru_cache, partial

from retroboard.domain.boards import Article, from_value
from retroboard.domain.news import (
    ONE_LINE,
    OverviewForm,
    OverviewRow,
    Submission,
    rfc5322_date,
    wire_bytes,
    wire_octets,
)
from retroboard.domain.usenet import UsenetRuleError, is_valid_message_id, validate_group_name
from retroboard.transports.nntp.options import NNTPOptions

__all__ = [
    "HEADER_MAX",
    "HEADERS_MAX",
    "TERMINATOR",
    "ArticleRejected",
    "article_headers",
    "article_text",
    "encode_lines",
    "header_value",
    "is_nntp_message_id",
    "overview_fields",
    "overview_block",
    "overview_form",
    "overview_header",
    "overview_line",
    "overview_lines",
    "parse_submission",
    "rfc5322_date",
    "undo_delsp",
]

TERMINATOR = b".\r\n"
HEADER_MAX = 998  # octets of one header line (RFC 5322 §2.1.1), CRLF not counted
HEADERS_MAX = 100  # header fields in one posted article

_ONE_LINE = ONE_LINE


# ----------------------------------------------------------------------------- wire text


_wire = wire_bytes  # every octet sent and counted
_octet_len = wire_octets


def encode_lines(lines: Iterable[str]) -> bytes:
    """Each line dot-stuffed (RFC 3977 §3.1.1), UTF-8, CRLF-terminated; no terminator.

    The lines are joined and encoded at once (one str.join, one encode); dot-stuffing is one
    replace of "\n." when some line starts with "."; only a block with a line that holds an
    LF of its own, or text that is not plain UTF-8, goes line by line."""
    if not isinstance(lines, list):
        lines = list(lines)
    if not lines:
        return b""
    text = "\r\n".join(lines)
    text += "\r\n"
    if text.count("\n") == len(lines):  # no line holds an LF of its own
        if text[0] == "." or "\n." in text:
            text = ("." if text[0] == "." else "") + text.replace("\n.", "\n..")
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:
            pass  # surrogates: each line its own way (_wire), as below
    return _encode_each(lines)


def _encode_each(lines: Iterable[str]) -> bytes:
    out: list[bytes] = []
    for line in lines:
        if line.startswith("."):
            line = "." + line
        out.append(_wire(line))
        out.append(b"\r\n")
    return b"".join(out)


def _one_line(value: str) -> str:
    return value.translate(_ONE_LINE)


def is_nntp_message_id(arg: str) -> bool:
    """RFC 3977 §3.6: a command's message-id argument: "<", printable US-ASCII without ">",
    ">", 3 to 250 octets. Laxer than the RFC 5536 form the board stores
    (domain.usenet.is_valid_message_id): a lax id is a well-formed argument (answer 430 when
    not found), a malformed one a syntax error (501)."""
    return (
        3 <= len(arg) <= 250
        and arg.startswith("<")
        and arg.endswith(">")
        and all("\x21" <= ch <= "\x7e" and ch != ">" for ch in arg[1:-1])
    )


# ----------------------------------------------------------------------------- headers


@lru_cache(maxsize=64)
def _fixed_rows(board_name: str, flowed: bool) -> tuple[tuple[str, str], ...]:
    content_type = "text/plain; charset=utf-8" + ("; format=flowed" if flowed else "")
    return (
        ("Organization", _one_line(board_name)),
        ("MIME-Version", "1.0"),
        ("Content-Type", content_type),
        ("Content-Transfer-Encoding", "8bit"),
    )


@lru_cache(maxsize=64)
def _fixed_octets(board_name: str, flowed: bool) -> int:
    return sum(
        _octet_len(f"{name}: {value}") + 2 for name, value in _fixed_rows(board_name, flowed)
    )


def _xref_value(host: str, xref: Sequence[tuple[str, int]]) -> str:
    return " ".join([host, *(f"{group}:{number}" for group, number in xref)])


# The per-article headers, in the order Article.headers shows them (References only when
# the article has some), then the MIME rows from _fixed_rows.
_NAMES: tuple[str, ...] = (
    "Path",
    "From",
    "Newsgroups",
    "Subject",
    "Date",
    "Message-ID",
    "References",
    "Lines",
    "Xref",
)
_NAMES_NO_REFS = tuple(name for name in _NAMES if name != "References")
# Octets each row adds besides its value: the name, ": " and CRLF.
_NAMES_OCTETS = sum(len(name) + 4 for name in _NAMES)
_NAMES_NO_REFS_OCTETS = sum(len(name) + 4 for name in _NAMES_NO_REFS)


def _values(
    path: str,
    author: str,
    author_name: str,
    newsgroups: Sequence[str],
    subject: str,
    date: datetime,
    message_id: str,
    references: Sequence[str],
    lines: int,
    xref: Sequence[tuple[str, int]],
    host: str,
) -> list[str]:
    """The values of the per-article headers (_NAMES, or _NAMES_NO_REFS when there are no
    references): the one builder behind both ARTICLE and the overview.

    Values are single-line (CR, LF, TAB, NUL become spaces). From is the board's
    from_value (the same text as the full-headers view), Date is rfc5322_date, the Xref
    host is this server's name.
    """
    path = path or f"{host}!not-for-mail"
    values = [
        path,
        from_value(author, author_name, path),
        ",".join(newsgroups),
        subject,
        rfc5322_date(date),
        message_id,
    ]
    if references:
        values.append(" ".join(references))
    values.append(str(lines))
    values.append(_xref_value(host, xref))
    probe = "".join(values)  # one scan for the common case: nothing to replace
    if "\r" in probe or "\n" in probe or "\t" in probe or "\x00" in probe:
        values = [value.translate(_ONE_LINE) for value in values]
    return values


def article_headers(article: Article, options: NNTPOptions) -> list[tuple[str, str]]:
    """RFC 5536 headers served for `article`: _values under their names, then the MIME
    rows (Organization, MIME-Version, Content-Type, Content-Transfer-Encoding)."""
    h = article.head
    values = _values(
        article.path,
        h.author,
        h.author_name,
        article.newsgroups,
        h.subject,
        h.date,
        h.message_id,
        h.references,
        article.lines,
        article.xref,
        options.host,
    )
    rows = list(zip(_NAMES if h.references else _NAMES_NO_REFS, values, strict=True))
    rows.extend(_fixed_rows(options.board_name, article.flowed))
    return rows


def article_text(article: Article, options: NNTPOptions) -> tuple[list[str], list[str]]:
    """(header lines "Name: value", body lines). ARTICLE sends headers, "", body; HEAD the
    headers; BODY the body. Body lines are the stored body split on LF, as stored."""
    headers = [f"{name}: {value}" for name, value in article_headers(article, options)]
    return headers, article.body.split("\n")


def _article_octets(article: Article, options: NNTPOptions) -> int:
    headers, body = article_text(article, options)
    return (
        sum(_octet_len(line) + 2 for line in headers)
        + 2
        + sum(_octet_len(line) + 2 for line in body)
    )


def header_value(article: Article, options: NNTPOptions, name: str) -> str | None:
    """One header of `article` by case-insensitive name, or the metadata ":bytes" /
    ":lines" (RFC 3977 §8.5); None when the article has no such header."""
    key = name.lower()
    if key == ":bytes":
        return str(_article_octets(article, options))
    if key == ":lines":
        return str(article.lines)
    for header, value in article_headers(article, options):
        if header.lower() == key:
            return value
    return None


# ----------------------------------------------------------------------------- overview


def overview_fields(row: OverviewRow, options: NNTPOptions) -> list[str]:
    """The 8 fields after the number, in LIST OVERVIEW.FMT order (RFC 3977 §8.4): the OVER
    line split at its TABs (no field holds one)."""
    return overview_lines([row], options)[0].split("\t")[1:]


def overview_line(row: OverviewRow, options: NNTPOptions) -> str:
    """One OVER line: "number<TAB>Subject<TAB>...<TAB>Xref: host group:n"."""
    return overview_lines([row], options)[0]


def overview_lines(rows: Iterable[OverviewRow], options: NNTPOptions) -> list[str]:
    """The OVER line of each row: the number, the stored head, the From site, the stored
    tail, `:bytes`, `:lines` and the Xref, made in one f-string per row.

    `:bytes` is ARTICLE's octets: the row's stored octets (its header values and body, see
    OverviewRow) plus what this server adds: each header row's name, ": " and CRLF, the
    Path, the From site, Newsgroups, Lines and Xref values, the MIME rows, the blank line
    and the body's last CRLF. What is the same for many rows is worked out once: the site
    and octets of each Path, the Newsgroups text of each group tuple (one for a whole chunk,
    as the service hands them out)."""
    host = options.host
    fixed = (_fixed_octets(options.board_name, False), _fixed_octets(options.board_name, True))
    # ": " and CRLF of each row, the blank line, and the body's last CRLF.
    with_refs = _NAMES_OCTETS + 2 + 1
    no_refs = _NAMES_NO_REFS_OCTETS + 2 + 1
    host_octets = _octet_len(host) + 1  # the Xref value's host and the space after it
    paths: dict[str, tuple[str, int]] = {}
    joined: dict[tuple[str, ...], str] = {}
    out: list[str] = []
    append = out.append
    for number, head, tail, octets, lines, path, groups, xref, flowed in rows:
        known = paths.get(path)
        if known is None:
            served = (path or f"{host}!not-for-mail").translate(_ONE_LINE)
            site = served.split("!", 1)[0]
            known = paths[path] = (site, _octet_len(served + site))
        site, path_octets = known
        newsgroups = joined.get(groups)
        if newsgroups is None:
            newsgroups = joined[groups] = ",".join(groups).translate(_ONE_LINE)
        if len(xref) == 1:
            x_group, x_number = xref[0]
            xref_text = f"{x_group}:{x_number}"
        else:
            xref_text = " ".join(f"{group}:{n}" for group, n in xref)
        lines_text = str(lines)
        octets += path_octets + host_octets + len(newsgroups) + len(lines_text) + len(xref_text)
        octets += (no_refs if tail[-1] == "\t" else with_refs) + fixed[1 if flowed else 0]
        append(f"{number}\t{head}{site}{tail}\t{octets}\t{lines_text}\tXref: {host} {xref_text}")
    return out


def overview_form(options: NNTPOptions) -> OverviewForm:
    """The OverviewForm of this server's OVER lines (what overview_lines adds to a row), for
    a backend that assembles lines itself."""
    return OverviewForm(
        host=options.host,
        xref_octets=_octet_len(options.host) + 1,
        with_refs=_NAMES_OCTETS + 2 + 1,
        no_refs=_NAMES_NO_REFS_OCTETS + 2 + 1,
        fixed=_fixed_octets(options.board_name, False),
        flowed=_fixed_octets(options.board_name, True),
        lines_of=partial(overview_lines, options=options),
    )


def overview_block(lines: list[str]) -> bytes:
    """OVER lines as sent: UTF-8, each with CRLF, one encode for the block. No line needs
    dot-stuffing (each starts with its number)."""
    if not lines:
        return b""
    text = "\r\n".join(lines)
    text += "\r\n"
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return _encode_each(lines)


_OVERVIEW_INDEX = {
    "subject": 1,
    "from": 2,
    "date": 3,
    "message-id": 4,
    "references": 5,
    ":bytes": 6,
    ":lines": 7,
    "xref": 8,
}


def overview_header(line: str, name: str) -> str | None:
    """The value of one overview field of an OVER line, for HDR (case-insensitive; "Xref"
    without its name); None when `name` is not an overview field."""
    index = _OVERVIEW_INDEX.get(name.lower())
    if index is None:
        return None
    value = line.split("\t", 9)[index]
    return value[len("Xref: ") :] if index == 8 else value


# ----------------------------------------------------------------------------- POST


class ArticleRejected(ValueError):
    """A posted article the board will not take. `str()` is the text after the code."""

    def __init__(self, reason: str, code: int = 441) -> None:
        super().__init__(reason)
        self.code = code


_SINGLE = frozenset(
    (
        "newsgroups",
        "subject",
        "message-id",
        "references",
        "content-type",
        "mime-version",
        "content-transfer-encoding",
    )
)
_PLAIN_ENCODINGS = {"7bit", "8bit", "binary"}
_TEXT_CHARSETS = {"utf-8", "utf8", "us-ascii", "ascii"}


def _field_name_ok(name: str) -> bool:
    # RFC 5322 §3.6.8: ftext is printable US-ASCII except ":" (and no space).
    return bool(name) and all("\x21" <= ch <= "\x7e" and ch != ":" for ch in name)


def _decode(line: bytes, what: str) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        raise ArticleRejected(f"{what} is not UTF-8") from None


def _check_value(name: str, value: str) -> None:
    for ch in value:
        if ch == "\r" or ch == "\n":
            raise ArticleRejected(f"{name} header holds a bare CR or LF")
        if ch == "\x00":
            raise ArticleRejected(f"{name} header holds NUL")
        if ch < " " and ch != "\t" or ch == "\x7f":
            raise ArticleRejected(f"{name} header holds a control character")


def _headers(lines: Sequence[bytes]) -> list[tuple[str, str]]:
    """(name, unfolded value) per field; the value without the one space after the colon."""
    fields: list[tuple[str, str]] = []
    for number, raw in enumerate(lines, 1):
        if len(raw) > HEADER_MAX:
            raise ArticleRejected(
                f"header line {number} is {len(raw)} octets long (the limit is {HEADER_MAX})"
            )
        line = _decode(raw, f"header line {number}")
        if line[:1] in (" ", "\t"):
            if not fields:
                raise ArticleRejected("the article starts with a continuation line")
            name, value = fields[-1]
            _check_value(name, line)
            fields[-1] = (name, value + line)  # unfolding removes only the line break
            continue
        name, colon, value = line.partition(":")
        if not colon:
            raise ArticleRejected(f"header line {number} has no colon")
        if not _field_name_ok(name):
            raise ArticleRejected(f"header line {number} has an invalid name {name[:40]!r}")
        _check_value(name, value)
        fields.append((name, value))
        if len(fields) > HEADERS_MAX:
            raise ArticleRejected(f"more than {HEADERS_MAX} headers")
    checked: list[tuple[str, str]] = []
    for name, value in fields:
        if not value.strip(" \t"):
            raise ArticleRejected(f"{name} header is empty")
        if value[0] not in " \t":
            # RFC 5536 §2.2: the colon is followed by a space (after unfolding).
            raise ArticleRejected(f"{name} header: no space after the colon")
        checked.append((name, value[1:]))
    return checked


def _unstructured(name: str, value: str) -> str:
    """An unstructured header (Subject) with RFC 2047 encoded-words decoded."""
    value = value.strip()
    if "=?" not in value:
        return value
    try:
        decoded = str(email.header.make_header(email.header.decode_header(value)))
    except (email.errors.HeaderParseError, UnicodeError, LookupError, ValueError):
        raise ArticleRejected(f"{name} header has an encoded word that cannot be read") from None
    _check_value(name, decoded)
    return decoded


# The Content-Type newsreaders send (text/plain with plain token or quoted-token parameters,
# no comments, no RFC 2231 continuations): its parameters read directly, ~40x cheaper than
# the email package's header parser, which takes every other value.
_PLAIN_TYPE = re.compile(
    r'[ \t]*text/plain[ \t]*((?:;[ \t]*[A-Za-z][A-Za-z0-9-]*=(?:[A-Za-z0-9._-]+|"[A-Za-z0-9._-]+")'
    r"[ \t]*)*)",
    re.IGNORECASE,
)
_PLAIN_PARAM = re.compile(r';[ \t]*([A-Za-z][A-Za-z0-9-]*)="?([A-Za-z0-9._-]+)"?[ \t]*')


def _plain_params(value: str) -> dict[str, str] | None:
    """The parameters (names and values lowercased) of a simple text/plain Content-Type, or
    None when the value is anything else (a repeated name included)."""
    match = _PLAIN_TYPE.fullmatch(value)
    if match is None:
        return None
    params: dict[str, str] = {}
    for name, param in _PLAIN_PARAM.findall(match.group(1)):
        key = name.lower()
        if key in params:
            return None
        params[key] = param.lower()
    return params


def _content_type(value: str | None) -> tuple[bool, bool, str | None]:
    """(flowed, delsp, charset) from a Content-Type value; rejects anything but text/plain."""
    if value is None:
        return False, False, None
    simple = _plain_params(value)
    if simple is not None:
        return _type_params(simple)
    header = email.policy.default.header_factory("Content-Type", value)
    kind = value.split(";", 1)[0].strip().lower()
    if kind.count("/") != 1 or not all(kind.partition("/")[::2]):
        raise ArticleRejected(f"Content-Type {value.strip()[:60]!r} cannot be read")
    if kind.startswith("multipart/"):
        raise ArticleRejected("multipart articles (attachments) are not accepted: send text/plain")
    if kind != "text/plain":
        raise ArticleRejected(f"Content-Type {kind} is not accepted: send text/plain")
    params = {k.lower(): str(v).lower() for k, v in getattr(header, "params", {}).items()}
    return _type_params(params)


def _type_params(params: dict[str, str]) -> tuple[bool, bool, str | None]:
    """(flowed, delsp, charset) from text/plain's parameters (lowercased)."""
    fmt = params.get("format", "fixed")
    if fmt not in ("fixed", "flowed"):
        raise ArticleRejected(f"format={fmt} is not accepted (fixed or flowed)")
    flowed = fmt == "flowed"
    delsp = params.get("delsp", "no")
    if delsp not in ("no", "yes"):
        raise ArticleRejected(f"delsp={delsp} is not understood (yes or no)")
    return flowed, flowed and delsp == "yes", params.get("charset")


def _quote_depth(line: str) -> tuple[int, str]:
    """RFC 3676 §4.5: quote depth and the rest after the markers, one stuffing space off."""
    depth = len(line) - len(line.lstrip(">"))
    rest = line[depth:]
    return depth, rest[1:] if rest.startswith(" ") else rest


def _soft(line: str) -> bool:
    depth, rest = _quote_depth(line)
    return rest.endswith(" ") and rest != "-- " and not (depth == 0 and line == "-- ")


def undo_delsp(lines: Sequence[str]) -> list[str]:
    """format=flowed lines sent with delsp=yes (RFC 3676 §4.2: a soft break's trailing space
    is deleted when the lines are joined) rewritten as the board stores them, delsp=no,
    with the same paragraphs: a soft line whose text before that space ends in a space
    keeps its break without it; any other soft line is joined to the next (same quote
    depth, not a signature line)."""
    out: list[str] = []
    current: str | None = None
    for line in lines:
        if current is None:
            current = line
            continue
        depth, rest = _quote_depth(line)
        joinable = (
            _soft(current)
            and _quote_depth(current)[0] == depth
            and rest != "-- "
            and not (depth == 0 and line == "-- ")
        )
        if not joinable:
            out.append(current)
            current = line
        elif _soft(current[:-1]):
            out.append(current[:-1])
            current = line
        else:
            current = current[:-1] + rest
    if current is not None:
        out.append(current)
    return out


def parse_submission(lines: list[bytes], options: NNTPOptions) -> Submission:
    """A POSTed article (lines dot-unstuffed, without CRLF and the final ".") checked and
    parsed; raises ArticleRejected (441) with a reason fit to send after the code."""
    size = sum(len(line) + 2 for line in lines)
    if size > options.max_article_bytes:
        raise ArticleRejected(
            f"article is {size} octets (the limit is {options.max_article_bytes})"
        )
    try:
        blank = lines.index(b"")
    except ValueError:
        raise ArticleRejected("the article has no body (no empty line after the headers)") from None
    fields = _headers(lines[:blank])
    seen: dict[str, str] = {}
    for name, value in fields:
        key = name.lower()
        if key in seen and key in _SINGLE:
            raise ArticleRejected(f"more than one {name} header")
        seen.setdefault(key, value)
    if "control" in seen:
        raise ArticleRejected("control messages are not accepted")

    if "newsgroups" not in seen:
        raise ArticleRejected("Newsgroups header is missing")
    groups: list[str] = []
    for part in seen["newsgroups"].split(","):
        name = part.strip(" \t")
        if not name:
            raise ArticleRejected("Newsgroups has an empty group name")
        try:
            normal = validate_group_name(name)
        except UsenetRuleError as exc:
            raise ArticleRejected(f"Newsgroups: {name[:80]!r}: {exc}") from None
        if normal not in groups:
            groups.append(normal)

    if "subject" not in seen:
        raise ArticleRejected("Subject header is missing")
    subject = _unstructured("Subject", seen["subject"])
    if not subject:
        raise ArticleRejected("Subject header is empty")

    message_id = None
    if "message-id" in seen:
        message_id = seen["message-id"].strip(" \t")
        if not is_valid_message_id(message_id):
            raise ArticleRejected(f"Message-ID {message_id[:80]!r} is not valid (RFC 5536 §3.1.3)")

    parent = None
    if "references" in seen:
        refs = seen["references"].split()
        for ref in refs:
            if not is_valid_message_id(ref):
                raise ArticleRejected(f"References holds an invalid Message-ID {ref[:80]!r}")
        parent = refs[-1] if refs else None

    encoding = seen.get("content-transfer-encoding", "8bit").strip().lower()
    if encoding not in _PLAIN_ENCODINGS:
        raise ArticleRejected(
            f"Content-Transfer-Encoding {encoding} is not accepted: send 8bit UTF-8 text"
        )
    flowed, delsp, charset = _content_type(seen.get("content-type"))

    body_lines: list[str] = []
    for number, raw in enumerate(lines[blank + 1 :], 1):
        if b"\x00" in raw:
            raise ArticleRejected(f"body line {number} holds NUL")
        if b"\r" in raw or b"\n" in raw:
            raise ArticleRejected(f"body line {number} holds a bare CR or LF")
        body_lines.append(_decode(raw, f"body line {number}"))
    body = "\n".join(undo_delsp(body_lines) if delsp else body_lines)
    if charset is not None and charset.lower() not in _TEXT_CHARSETS and not body.isascii():
        raise ArticleRejected(f"charset {charset} is not accepted: send UTF-8")
    return Submission(
        newsgroups=tuple(groups),
        subject=subject,
        body=body,
        flowed=flowed,
        parent_message_id=parent,
        message_id=message_id,
    )
