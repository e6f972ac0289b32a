"""Articles on the wire (transports/nntp/message.py): headers and overview from one builder
(:bytes equals what ARTICLE sends), dot-stuffing, dates, and POSTed articles checked strictly
(INN's test articles, RFC 3977's POST examples, injection and size limits, MIME)."""

from __future__ import annotations

import email
import email.policy
import email.utils
import json
import locale
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retroboard.domain import flowed
from retroboard.domain.boards import Article, ArticleHead, Status, from_value
from retroboard.domain.news import (
    OVERVIEW_EXTRA,
    OVERVIEW_FIELDS,
    OverviewRow,
    Submission,
    overview_of,
)
from retroboard.domain.usenet import UsenetRuleError, is_valid_message_id, make_message_id
from retroboard.transports.nntp.message import (
    TERMINATOR,
    ArticleRejected,
    article_headers,
    article_text,
    encode_lines,
    header_value,
    is_nntp_message_id,
    overview_block,
    overview_fields,
    overview_form,
    overview_header,
    overview_line,
    overview_lines,
    parse_submission,
    rfc5322_date,
    undo_delsp,
)
from retroboard.transports.nntp.options import NNTPOptions

DATA = Path(__file__).resolve().parents[1] / "data" / "nntp"
OPTIONS = NNTPOptions(host="news.test.example", board_name="The Retro Board")
WHEN = datetime(2026, 12, 3, 9, 45, 0, tzinfo=UTC)


def make_article(
    body: str = "Hello there.\nSecond line.",
    *,
    flowed: bool = False,
    subject: str = "Amiga 500 power supply hum",
    author: str = "alice",
    author_name: str = "Alice Liddell",
    references: tuple[str, ...] = (),
    xref: tuple[tuple[str, int], ...] = (("comp.sys.retro", 7),),
    newsgroups: tuple[str, ...] = ("comp.sys.retro",),
    lines: int | None = None,
) -> Article:
    head = ArticleHead(
        id=1,
        message_id="<abc.123@news.test.example>",
        subject=subject,
        author=author,
        author_name=author_name,
        date=WHEN,
        references=references,
        thread_id=1,
        number=xref[0][1] if xref else 0,
    )
    return Article(
        head=head,
        body=body,
        newsgroups=newsgroups,
        xref=xref,
        status=Status.POSTED,
        path="news.test.example!not-for-mail",
        lines=body.count("\n") + 1 if lines is None else lines,
        flowed=flowed,
    )


def row_of(article: Article) -> OverviewRow:
    """The overview row the news service builds for `article` (same stored values)."""
    return overview_of(article, article.head.number)


def wire_article(article: Article) -> bytes:
    """What ARTICLE's multi-line block carries before dot-stuffing: headers, blank, body."""
    headers, body = article_text(article, OPTIONS)
    return b"".join(line.encode("utf-8") + b"\r\n" for line in [*headers, "", *body])


# ----------------------------------------------------------------------------- lines, dates


def test_encode_lines_dot_stuffs_and_ends_each_line_with_crlf() -> None:
    assert encode_lines(["a", ".", "..x", "", ".hidden", "caf\u00e9"]) == (
        b"a\r\n..\r\n...x\r\n\r\n..hidden\r\ncaf\xc3\xa9\r\n"
    )
    assert encode_lines([]) == b""
    assert TERMINATOR == b".\r\n"


def unstuff(block: bytes) -> list[bytes]:
    """A reader's view of a dot-stuffed block (RFC 3977 §3.1.1)."""
    assert block.endswith(b"\r\n") or block == b""
    lines = block.split(b"\r\n")[:-1]
    return [line[1:] if line.startswith(b".") else line for line in lines]


LINE_TEXT = st.text(
    alphabet=st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)), max_size=20
)
DOTTY = st.lists(st.sampled_from([".", "..", ". x", ".\u00e9", ""])).map("".join)


@given(st.lists(st.one_of(LINE_TEXT, DOTTY, st.tuples(DOTTY, LINE_TEXT).map("".join))))
def test_encode_lines_round_trips_with_dot_unstuffing(lines: list[str]) -> None:
    block = encode_lines(lines)
    assert unstuff(block) == [line.encode("utf-8") for line in lines]
    # The terminator can only appear where the block ends: no line of it is a lone ".".
    assert b"\r\n.\r\n" not in b"\r\n" + block


def test_rfc5322_date() -> None:
    assert rfc5322_date(WHEN) == "Thu, 03 Dec 2026 09:45:00 +0000"
    assert rfc5322_date(datetime(2026, 12, 3, 9, 45)) == "Thu, 03 Dec 2026 09:45:00 +0000"
    east = datetime(2026, 12, 3, 11, 45, tzinfo=timezone(timedelta(hours=2)))
    assert rfc5322_date(east) == "Thu, 03 Dec 2026 09:45:00 +0000"
    assert email.utils.parsedate_to_datetime(rfc5322_date(WHEN)) == WHEN


def test_rfc5322_date_ignores_the_locale() -> None:
    try:
        old = locale.setlocale(locale.LC_TIME)
        locale.setlocale(locale.LC_TIME, "de_DE.UTF-8")
    except locale.Error:
        pytest.skip("no de_DE locale here")
    try:
        assert rfc5322_date(WHEN).startswith("Thu, 03 Dec")
    finally:
        locale.setlocale(locale.LC_TIME, old)


def test_date_agrees_with_the_full_headers_view() -> None:
    article = make_article()
    shown = dict(article.headers(OPTIONS.board_name))
    served = dict(article_headers(article, OPTIONS))
    for name in ("Path", "From", "Newsgroups", "Subject", "Date", "Message-ID", "Lines"):
        assert served[name] == shown[name], name


# ----------------------------------------------------------------------------- headers


def test_article_headers() -> None:
    article = make_article(references=("<p1@x.example>", "<p2@x.example>"), flowed=True)
    h = dict(article_headers(article, OPTIONS))
    assert h == {
        "Path": "news.test.example!not-for-mail",
        "From": from_value("alice", "Alice Liddell", "news.test.example!not-for-mail"),
        "Newsgroups": "comp.sys.retro",
        "Subject": "Amiga 500 power supply hum",
        "Date": "Thu, 03 Dec 2026 09:45:00 +0000",
        "Message-ID": "<abc.123@news.test.example>",
        "References": "<p1@x.example> <p2@x.example>",
        "Lines": "2",
        "Xref": "news.test.example comp.sys.retro:7",
        "Organization": "The Retro Board",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=utf-8; format=flowed",
        "Content-Transfer-Encoding": "8bit",
    }
    fixed = dict(article_headers(make_article(), OPTIONS))
    assert fixed["Content-Type"] == "text/plain; charset=utf-8"
    assert "References" not in fixed


def test_header_values_are_single_line() -> None:
    article = make_article(subject="one\r\ntwo\tthree\nfour\x00", author_name="A\nB")
    headers, _ = article_text(article, OPTIONS)
    for line in headers:
        assert not re.search(r"[\r\n\t\x00]", line), line
    assert header_value(article, OPTIONS, "subject") == "one  two three four "


def test_article_parses_as_rfc5322_with_the_stdlib() -> None:
    article = make_article(body="caf\u00e9 cr\u00e8me\n\n-- \nsig", flowed=True)
    msg = email.message_from_bytes(wire_article(article), policy=email.policy.default)
    assert msg["Message-ID"] == article.head.message_id
    assert msg.get_content_type() == "text/plain"
    assert msg.get_param("format") == "flowed"
    content = msg.get_content().replace("\r\n", "\n")
    assert content.rstrip("\n").split("\n") == article.body.split("\n")
    assert not msg.defects


def test_header_value_by_name_and_metadata() -> None:
    article = make_article()
    assert header_value(article, OPTIONS, "MESSAGE-id") == article.head.message_id
    assert header_value(article, OPTIONS, "X-Nothing") is None
    assert header_value(article, OPTIONS, "references") is None
    assert header_value(article, OPTIONS, ":lines") == "2"
    assert header_value(article, OPTIONS, ":bytes") == str(len(wire_article(article)))


# ----------------------------------------------------------------------------- overview

BODIES = {
    "fixed": ("Mine hums loudly.\nIs that the capacitors going?", False),
    "flowed": ("This paragraph is long enough that it was broken with a soft \nbreak.", True),
    "non-ascii": ("Gr\u00fc\u00dfe aus K\u00f6ln \u2014 \u65e5\u672c\u8a9e \U0001f600", True),
    "multi-line": ("a\n\n.\n..leading dots\n \n> quoted\n-- \nsig\n\n", False),
    "empty": ("", False),
    "one-dot": (".", False),
}


@pytest.mark.parametrize("name", sorted(BODIES))
def test_overview_bytes_is_exactly_what_article_sends(name: str) -> None:
    body, flowed = BODIES[name]
    for subject in ("plain", "\u00fcber caf\u00e9"):
        article = make_article(
            body,
            flowed=flowed,
            subject=subject,
            author_name="Z\u00f6e",
            references=("<r@x.example>",),
            xref=(("comp.sys.retro", 7), ("misc.test", 1234567)),
            newsgroups=("comp.sys.retro", "misc.test"),
        )
        fields = overview_fields(row_of(article), OPTIONS)
        assert int(fields[5]) == len(wire_article(article))
        assert header_value(article, OPTIONS, ":bytes") == fields[5]
        assert fields[6] == str(len(body.split("\n")))


def test_overview_line_fields_in_overview_fmt_order() -> None:
    article = make_article(references=("<p1@x.example>",))
    line = overview_line(row_of(article), OPTIONS)
    number, *fields = line.split("\t")
    assert number == "7"
    assert len(fields) == len(OVERVIEW_FIELDS) + len(OVERVIEW_EXTRA) == 8
    served = dict(article_headers(article, OPTIONS))
    assert fields[:5] == [
        served["Subject"],
        served["From"],
        served["Date"],
        served["Message-ID"],
        served["References"],
    ]
    assert fields[7] == "Xref: news.test.example comp.sys.retro:7"


@pytest.mark.parametrize("bad", ["\t", "\r", "\n", "\x00", "\r\n"])
def test_overview_fields_never_hold_tab_cr_lf_or_nul(bad: str) -> None:
    article = make_article(subject=f"a{bad}b", author_name=f"x{bad}y")
    line = overview_line(row_of(article), OPTIONS)
    assert line.count("\t") == 8 and not re.search("[\r\n\x00]", line)
    assert line.split("\t")[1] == "a" + " " * len(bad) + "b"
    assert "x" + " " * len(bad) + "y" in line.split("\t")[2]
    headers, _ = article_text(article, OPTIONS)
    assert f"Subject: a{' ' * len(bad)}b" in headers


def test_overview_header_for_hdr() -> None:
    article = make_article()
    line = overview_line(row_of(article), OPTIONS)
    served = dict(article_headers(article, OPTIONS))
    for asked, header in [("Subject", "Subject"), ("from", "From"), ("DATE", "Date")]:
        assert overview_header(line, asked) == served[header]
    assert overview_header(line, "message-ID") == served["Message-ID"]
    assert overview_header(line, "xref") == served["Xref"]
    assert overview_header(line, "references") == ""
    assert overview_header(line, ":bytes") == str(len(wire_article(article)))
    assert overview_header(line, ":lines") == "2"
    assert overview_header(line, "Organization") is None


# ----------------------------------------------------------------------------- message ids


def _message_id_vectors() -> dict[str, list[str | None]]:
    path = DATA / "inn-test-vectors.json"
    if not path.exists():
        return {}
    data: dict[str, list[str | None]] = json.loads(path.read_text())["message_id"]
    return data


def test_inn_message_id_vectors_against_the_board_validator() -> None:
    vectors = _message_id_vectors()
    if not vectors:
        pytest.skip("shared NNTP test data missing")
    for mid in vectors["always_valid"]:
        assert mid is not None and is_valid_message_id(mid), mid
    for group in ("always_invalid", "valid_only_with_lax_syntax"):
        for mid in vectors[group]:
            assert mid is None or not is_valid_message_id(mid), mid
    for mid in vectors["valid_only_if_surrounding_whitespace_stripped"]:
        assert mid is not None and not is_valid_message_id(mid)
        assert is_valid_message_id(mid.strip(" \t"))
    for mid in vectors["invalid_even_if_stripped"]:
        assert mid is not None and not is_valid_message_id(mid.strip(" \t"))


def test_command_message_ids_follow_rfc3977_section_3_6() -> None:
    vectors = _message_id_vectors()
    if not vectors:
        pytest.skip("shared NNTP test data missing")
    for mid in vectors["always_valid"]:
        assert mid is not None and is_nntp_message_id(mid), mid
    # INN's lax ids are well-formed arguments (430 when unknown), not syntax errors.
    lax_ok = [m for m in vectors["valid_only_with_lax_syntax"] if m and is_nntp_message_id(m)]
    assert "<invalid>" in lax_ok and "<inva..lid@test>" in lax_ok
    for mid in ("", "<>", "a@b", "<a b@c>", "<a>b@c>", "<a@b", "<" + "x" * 249 + ">"):
        assert not is_nntp_message_id(mid), mid


# ----------------------------------------------------------------------------- POST


def post(*lines: str | bytes, options: NNTPOptions = OPTIONS) -> Submission:
    raw = [line if isinstance(line, bytes) else line.encode("utf-8") for line in lines]
    return parse_submission(raw, options)


def rejected(*lines: str | bytes, options: NNTPOptions = OPTIONS) -> str:
    with pytest.raises(ArticleRejected) as info:
        post(*lines, options=options)
    assert info.value.code == 441
    return str(info.value)


HEAD = ("From: bob@example.com", "Newsgroups: comp.sys.retro", "Subject: Hello")


def test_a_plain_post() -> None:
    sub = post(*HEAD, "", "First line.", "", "  indented", "")
    assert sub == Submission(
        newsgroups=("comp.sys.retro",),
        subject="Hello",
        body="First line.\n\n  indented\n",
        flowed=False,
        parent_message_id=None,
        message_id=None,
    )


def test_rfc3977_post_example() -> None:
    text = (DATA / "rfc3977-example-sessions.txt").read_text()
    blocks = re.findall(r"\[C\] POST\n\[S\] 340[^\n]*\n((?:\[C\][^\n]*\n)+)", text)
    assert blocks, "no POST example found"
    for block in blocks:
        lines = [line[4:] for line in block.splitlines()]
        assert lines[-1] == "."
        sub = parse_submission([line.encode() for line in lines[:-1]], OPTIONS)
        assert sub.newsgroups == ("misc.test",)
        assert sub.subject == "I am just a test article"
        assert sub.body == "This is just a test article."


def test_the_acceptance_follow_up() -> None:
    sub = post(
        "From: bob@news.test.example (bob)",
        "Newsgroups: comp.sys.retro",
        "Subject: Re: Amiga 500 power supply hum",
        "References: <abc.123@news.test.example>",
        "Content-Type: text/plain; charset=UTF-8",
        "",
        "Recap it before it takes the board with it.",
        "Posted from a newsreader: heron55",
    )
    assert sub.parent_message_id == "<abc.123@news.test.example>"
    assert sub.body.endswith("heron55") and not sub.flowed


def test_references_parent_is_the_last_id_and_folding_is_joined() -> None:
    sub = post(
        "Newsgroups: comp.sys.retro, misc.test ,COMP.SYS.RETRO",
        "Subject: Re: a",
        " folded subject",
        "References: <a@x.example>",
        "\t<b@x.example>",
        "Message-ID: <mine.1@client.example>",
        "",
        "x",
    )
    assert sub.newsgroups == ("comp.sys.retro", "misc.test")
    assert sub.subject == "Re: a folded subject"
    assert sub.parent_message_id == "<b@x.example>"
    assert sub.message_id == "<mine.1@client.example>"


def test_flowed_and_encoded_subject() -> None:
    sub = post(
        "Newsgroups: comp.sys.retro",
        "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= aus =?ISO-8859-1?Q?K=F6ln?=",
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="UTF-8"; format=Flowed; DelSp=No',
        "Content-Transfer-Encoding: 8bit",
        "",
        "A soft ",
        "break.",
        "",
    )
    assert sub.flowed and sub.subject == "Gr\u00fc\u00dfe aus K\u00f6ln"
    assert sub.body == "A soft \nbreak.\n"


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("Content-Type: multipart/mixed; boundary=xyz", "multipart"),
        ("Content-Type: text/html; charset=utf-8", "text/html"),
        ("Content-Type: text/plain; format=flowed; delsp=maybe", "delsp"),
        ("Content-Type: garbage", "cannot be read"),
        ("Content-Transfer-Encoding: base64", "base64"),
        ("Content-Transfer-Encoding: quoted-printable", "quoted-printable"),
        ("Control: cancel <a@b.example>", "control"),
    ],
)
def test_mime_that_is_not_plain_text_is_refused_with_a_reason(header: str, reason: str) -> None:
    assert reason in rejected(*HEAD, header, "", "body")


def test_a_non_utf8_charset_is_refused_unless_the_body_is_ascii() -> None:
    latin = "Content-Type: text/plain; charset=ISO-8859-1"
    assert post(*HEAD, latin, "", "plain ascii").body == "plain ascii"
    assert "UTF-8" in rejected(*HEAD, latin, "", b"K\xf6ln")
    assert "charset" in rejected(*HEAD, latin, "", "K\u00f6ln")


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        ((*HEAD, "Subject: again", "", "x"), "more than one Subject"),
        (("Newsgroups: comp.sys.retro", "", "x"), "Subject header is missing"),
        (("Subject: x", "", "x"), "Newsgroups header is missing"),
        (("Newsgroups: comp.sys.retro", "Subject:  ", "", "x"), "empty"),
        (("Newsgroups: comp.sys.retro", "Subject:x", "", "x"), "no space"),
        (("Newsgroups: comp.sys.retro", "Subject : x", "", "x"), "invalid name"),
        (("Newsgroups: comp.sys.retro", "Subject x", "", "x"), "no colon"),
        ((" folded: first", *HEAD, "", "x"), "continuation"),
        ((*HEAD,), "no body"),
        ((*HEAD, "Subject-2: a\rb", "", "x"), "CR"),
        ((*HEAD, "X-A: a\x00b", "", "x"), "NUL"),
        ((*HEAD, "X-A: a\x1b[2Jb", "", "x"), "control"),
        ((*HEAD, "", "a\x00b"), "NUL"),
        ((*HEAD, "", "a\rb"), "CR"),
        ((*HEAD, b"X-A: \xff", "", "x"), "UTF-8"),
        ((*HEAD, "", b"caf\xe9"), "UTF-8"),
        ((*HEAD, "X-A: " + "a" * 994, "", "x"), "998"),
        ((*HEAD, "Message-ID: <no-at-sign>", "", "x"), "Message-ID"),
        ((*HEAD, "Message-ID: <a..b@c>", "", "x"), "Message-ID"),
        ((*HEAD, "References: <a@b> junk", "", "x"), "References"),
        (("Newsgroups: ../etc", "Subject: x", "", "x"), "Newsgroups"),
        (("Newsgroups: a..b", "Subject: x", "", "x"), "Newsgroups"),
        (("Newsgroups: comp.sys.retro,", "Subject: x", "", "x"), "empty group"),
        (("Newsgroups: comp/sys", "Subject: x", "", "x"), "Newsgroups"),
        (("Newsgroups: control.cancel", "Subject: x", "", "x"), "reserved"),
        (("Newsgroups: comp.sys.retro misc.test", "Subject: x", "", "x"), "Newsgroups"),
    ],
)
def test_bad_posts_are_refused_with_a_reason(lines: tuple[str | bytes, ...], reason: str) -> None:
    assert reason in rejected(*lines)


def test_header_line_limit_is_998_octets() -> None:
    at_limit = "X-A: " + "a" * 993
    assert len(at_limit) == 998
    post(*HEAD, at_limit, "", "x")
    rejected(*HEAD, at_limit + "a", "", "x")
    rejected(*HEAD, "X-A: b", " " + "a" * 998, "", "x")  # a continuation line counts too


def test_at_most_100_headers() -> None:
    extra = [f"X-N{i}: v" for i in range(100 - len(HEAD))]
    post(*HEAD, *extra, "", "x")
    assert "100" in rejected(*HEAD, *extra, "X-One-More: v", "", "x")


def test_article_size_cap_counts_crlf_line_ends() -> None:
    options = replace(OPTIONS, max_article_bytes=200)
    lines = [*HEAD, ""]
    size = sum(len(line) + 2 for line in lines)
    lines.append("x" * (200 - size - 2))
    assert sum(len(line) + 2 for line in lines) == 200
    post(*lines, options=options)
    lines[-1] += "x"
    assert "200" in rejected(*lines, options=options)


# ---------------------------------------------------------------- INN's test articles


def _native(name: str) -> list[bytes]:
    data = (DATA / "inn-articles" / name).read_bytes()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def _wire(name: str) -> list[bytes]:
    """A wire-format file: CRLF lines, dot-stuffed, up to the terminator (lines as the
    server hands them to parse_submission)."""
    data = (DATA / "inn-articles" / name).read_bytes()
    out: list[bytes] = []
    for line in data.split(b"\r\n"):
        if line == b".":
            return out
        out.append(line[1:] if line.startswith(b".") else line)
    assert out[-1] == b"", "neither a terminator nor a final CRLF"
    return out[:-1]


INN_ACCEPTED = {
    "1": ("example.test",),
    "2": ("example.config",),
    "3": ("example.test", "example.config"),
}
INN_ACCEPTED |= {"6": ("example.test",), "xref": ("example.test", "example.config")}
INN_REFUSED = {
    "4": "CR",  # CR inside Subject (INN accepts it; the board does not carry bare CRs)
    "5": "998",  # 1000-octet header lines
    "7": "CR",  # a bare CR in the body (RFC 5322 §2.3: CR only in CRLF)
    "bad-empty": "Newsgroups header is missing",
    "bad-hdr-empty": "empty",
    "bad-hdr-nospc": "no space",
    "bad-hdr-space": "invalid name",
    "bad-hdr-trunc": "empty",
    "bad-long-cont": "998",
    "bad-long-hdr": "998",
    "bad-msgid": "CR",
    "bad-no-body": "no body",
    "bad-no-header": "Newsgroups header is missing",
    "bad-nul-body": "NUL",
    "bad-nul-header": "NUL",
    "bad-subj": "Subject header is missing",
}


@pytest.mark.parametrize("name", sorted(INN_ACCEPTED))
def test_inn_articles_accepted(name: str) -> None:
    sub = parse_submission(_native(name), OPTIONS)
    assert sub.newsgroups == INN_ACCEPTED[name]
    assert sub.subject.startswith("Test article") or sub.subject.startswith("Long test")


@pytest.mark.parametrize("name", sorted(INN_REFUSED))
def test_inn_articles_refused(name: str) -> None:
    with pytest.raises(ArticleRejected) as info:
        parse_submission(_native(name), OPTIONS)
    assert INN_REFUSED[name] in str(info.value)


def test_inn_article_6_against_a_small_size_cap() -> None:
    lines = _native("6")
    size = sum(len(line) + 2 for line in lines)
    parse_submission(lines, replace(OPTIONS, max_article_bytes=size))
    with pytest.raises(ArticleRejected):
        parse_submission(lines, replace(OPTIONS, max_article_bytes=size - 1))


def test_inn_wire_articles() -> None:
    with pytest.raises(ArticleRejected, match="CR"):
        parse_submission(_wire("wire-7"), OPTIONS)  # article 7 in wire format: a bare CR
    with pytest.raises(ArticleRejected, match="CR"):
        parse_submission(_wire("wire-strange"), OPTIONS)
    with pytest.raises(ArticleRejected, match="no body"):
        parse_submission(_wire("wire-no-body"), OPTIONS)


def test_wire_7_without_its_bare_cr_is_taken_with_body_and_dots_as_sent() -> None:
    lines = [line.replace(b"\r", b"") for line in _wire("wire-7")]
    sub = parse_submission(lines, OPTIONS)
    assert sub.subject == "Wire format testing" and sub.newsgroups == ("example.test",)
    assert sub.message_id == "<example-5@example.com>"
    assert sub.body.split("\n") == [
        "This is an article || with all sorts of random",
        ".",
        "nosense in it to torture the article parser.",
        "..",
        "...",
        ".",
    ]


# ----------------------------------------------------------------------------- properties


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=60), max_size=30))
def test_parse_submission_raises_only_article_rejected(lines: list[bytes]) -> None:
    try:
        sub = parse_submission(lines, OPTIONS)
    except ArticleRejected as exc:
        assert exc.code == 441 and str(exc)
        return
    assert isinstance(sub, Submission) and sub.newsgroups and sub.subject


header_line = st.one_of(
    st.sampled_from([*HEAD, "References: <a@b.example>", "Content-Type: text/plain", ""]),
    st.text(max_size=40).map(lambda s: "X-" + s),
    st.text(max_size=40).map(lambda s: " " + s),
    st.text(max_size=40),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(header_line, max_size=20), st.lists(st.text(max_size=30), max_size=10))
def test_parse_submission_on_near_valid_articles(heads: list[str], body: list[str]) -> None:
    raw = [h.encode("utf-8", "surrogateescape") for h in heads]
    raw += [b""] + [b.encode("utf-8", "surrogateescape") for b in body]
    try:
        sub = parse_submission(raw, OPTIONS)
    except ArticleRejected:
        return
    assert "\r" not in sub.subject and "\n" not in sub.subject and "\x00" not in sub.subject
    assert "\x00" not in sub.body and "\r" not in sub.body
    assert sub.parent_message_id is None or is_valid_message_id(sub.parent_message_id)


def test_posted_message_ids_are_taken_with_surrounding_whitespace_stripped() -> None:
    vectors = _message_id_vectors()
    if not vectors:
        pytest.skip("shared NNTP test data missing")
    for mid in vectors["valid_only_if_surrounding_whitespace_stripped"]:
        assert mid is not None
        sub = post(*HEAD, f"Message-ID: {mid}", "", "x")
        assert sub.message_id == mid.strip(" \t")
    for mid in vectors["invalid_even_if_stripped"] + vectors["valid_only_with_lax_syntax"]:
        assert mid is not None
        assert "Message-ID" in rejected(*HEAD, f"Message-ID: {mid}", "", "x")
        assert "References" in rejected(*HEAD, f"References: <ok@x.example> {mid}", "", "x")


ANY_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from("\t\r\n\x00\u00e9"),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(
    subject=ANY_TEXT,
    author_name=ANY_TEXT,
    body=st.lists(ANY_TEXT.map(lambda s: s.replace("\n", "")), min_size=1, max_size=8).map(
        "\n".join
    ),
    flowed=st.booleans(),
    refs=st.lists(st.sampled_from(["<a@b.example>", "<c.d@e.example>"]), max_size=3),
)
def test_overview_bytes_equals_article_octets_for_any_text(
    subject: str, author_name: str, body: str, flowed: bool, refs: list[str]
) -> None:
    article = make_article(
        body, flowed=flowed, subject=subject, author_name=author_name, references=tuple(refs)
    )
    fields = overview_fields(row_of(article), OPTIONS)
    assert int(fields[5]) == len(wire_article(article))
    assert all("\t" not in f and "\r" not in f and "\n" not in f for f in fields)


@settings(max_examples=200, deadline=None)
@given(
    body=st.lists(
        st.text(
            alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(" \t."),
            max_size=30,
        ),
        max_size=8,
    ),
    flowed=st.booleans(),
)
def test_a_posted_body_is_served_back_line_for_line(body: list[str], flowed: bool) -> None:
    content_type = "text/plain; charset=utf-8" + ("; format=flowed" if flowed else "")
    sub = post(*HEAD, f"Content-Type: {content_type}", "", *body)
    assert sub.flowed is flowed
    article = make_article(sub.body, flowed=sub.flowed)
    _, served = article_text(article, OPTIONS)
    assert served == (body or [""])
    assert unstuff(encode_lines(served)) == [line.encode() for line in (body or [""])]


def test_delsp_yes_is_rewritten_as_delsp_no() -> None:
    sub = post(
        *HEAD,
        "Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes",
        "",
        "\u65e5\u672c\u8a9e\u306e ",
        "\u6587\u7ae0 ",
        "two spaces  ",
        "kept.",
        "> quoted ",
        "> on",
        "-- ",
        "sig",
    )
    assert sub.flowed
    assert sub.body.split("\n") == [
        "\u65e5\u672c\u8a9e\u306e\u6587\u7ae0two spaces ",
        "kept.",
        "> quotedon",
        "-- ",
        "sig",
    ]


def _delsp_yes_paragraphs(lines: list[str]) -> list[tuple[int, str, bool]]:
    """What a delsp=yes reader makes of `lines`: domain.flowed's paragraphs, each soft
    break's trailing space deleted (not the last piece's: nothing follows it)."""
    out = []
    for p in flowed.decode("\n".join(lines)):
        pieces = [piece[:-1] for piece in p.pieces[:-1]] + [p.pieces[-1]]
        out.append((p.depth, "".join(pieces), p.signature))
    return out


FLOWED_LINE = st.lists(st.sampled_from(["a", "b", " ", ">", "> ", "\u00e9"]), max_size=6).map(
    "".join
)


@settings(max_examples=500, deadline=None)
@given(st.lists(FLOWED_LINE, min_size=1, max_size=8))
def test_undo_delsp_keeps_the_paragraphs(lines: list[str]) -> None:
    rewritten = undo_delsp(lines)
    got = [(p.depth, p.text, p.signature) for p in flowed.decode("\n".join(rewritten))]
    assert got == _delsp_yes_paragraphs(lines)


@pytest.mark.parametrize(
    "subject",
    ["=?UTF-8?Q?one=0D=0ABcc:_x?=", "=?UTF-8?B?AAE=?=", "=?x-no-such-charset?Q?abc?="],
)
def test_encoded_words_cannot_smuggle_controls(subject: str) -> None:
    assert "Subject" in rejected("Newsgroups: comp.sys.retro", f"Subject: {subject}", "", "x")


def test_inn_domain_vectors_against_make_message_id() -> None:
    """INN's domain vectors (the right side of a Message-ID it makes). The board agrees on
    every bad one and on dot-atoms; it refuses domain literals ("[te.st]") as a host to
    make ids with, although RFC 5536 §3.1.3 allows them in an id, and is_valid_message_id
    takes them (so such ids posted by a reader are kept)."""
    path = DATA / "inn-test-vectors.json"
    if not path.exists():
        pytest.skip("shared NNTP test data missing")
    for v in json.loads(path.read_text())["domain"]:
        domain = v["domain"]
        if domain is None:
            continue
        try:
            made: str | None = make_message_id(domain, "x")
        except UsenetRuleError:
            made = None
        literal = domain.startswith("[")
        if v["expect"] == "true" and not literal:
            assert made == f"<x@{domain}>", v
        elif v["expect"] == "true":
            assert made is None and is_valid_message_id(f"<x@{domain}>"), v
        else:
            assert made is None, v


def _reference_encode(lines: list[str]) -> bytes:
    """encode_lines as specified: each line on its own, dot-stuffed, _wire'd, CRLF."""
    out = b""
    for line in lines:
        line = "." + line if line.startswith(".") else line
        try:
            data = line.encode("utf-8")
        except UnicodeEncodeError:
            try:
                data = line.encode("utf-8", "surrogateescape")
            except UnicodeEncodeError:
                data = line.encode("utf-8", "replace")
        out += data + b"\r\n"
    return out


ODD_LINE = st.text(
    alphabet=st.characters() | st.sampled_from(["\n", ".", "\r", "\udc80", "\ud800"]),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(ODD_LINE, DOTTY, st.tuples(DOTTY, ODD_LINE).map("".join)), max_size=8))
def test_encode_lines_of_a_whole_block_equals_line_by_line(lines: list[str]) -> None:
    """The block encoder (one join, one encode, one replace) gives the octets of the per-line
    rule for any lines: dots, LF inside a line, surrogate escapes, lone surrogates."""
    assert encode_lines(lines) == _reference_encode(lines)
    assert encode_lines(iter(lines)) == _reference_encode(lines)


@settings(max_examples=300, deadline=None)
@given(
    subject=ANY_TEXT,
    author=st.sampled_from(["alice", "b\tob", "caf\u00e9"]),
    author_name=ANY_TEXT,
    path=st.sampled_from(["", "news.test.example!not-for-mail", "a\rb!x"]),
    body=st.lists(ANY_TEXT.map(lambda s: s.replace("\n", "")), min_size=1, max_size=4).map(
        "\n".join
    ),
    flowed=st.booleans(),
    refs=st.lists(st.sampled_from(["<a@b.example>", "<c\td@e.example>"]), max_size=3),
    xref=st.lists(
        st.tuples(st.sampled_from(["comp.sys.retro", "alt.x"]), st.integers(1, 99)),
        min_size=1,
        max_size=3,
    ),  # fmt: skip
    when=st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5))]))
    | st.datetimes(),
)
def test_overview_line_is_what_article_serves(
    subject: str,
    author: str,
    author_name: str,
    path: str,
    body: str,
    flowed: bool,
    refs: list[str],
    xref: list[tuple[str, int]],
    when: datetime,
) -> None:
    """The overview line, made from the stored parts (overview_parts) plus what the server
    adds, holds exactly the header values ARTICLE serves and ARTICLE's octets as `:bytes`,
    for any text (TAB/CR/LF/NUL, non-ASCII), path, date and Xref; a block is those lines
    encoded."""
    article = make_article(
        body,
        flowed=flowed,
        subject=subject,
        author=author,
        author_name=author_name,
        references=tuple(refs),
        xref=tuple(xref),
        newsgroups=tuple(g for g, _ in xref),
    )
    mid = "<m\r1@x.example>" if "\r" in path else "<m1@x.example>"
    article = replace(article, path=path, head=replace(article.head, date=when, message_id=mid))
    row = overview_of(article, 42)
    line = overview_line(row, OPTIONS)
    served = dict(article_headers(article, OPTIONS))
    assert line.split("\t") == [
        "42",
        served["Subject"],
        served["From"],
        served["Date"],
        served["Message-ID"],
        served.get("References", ""),
        str(len(wire_article(article))),
        str(article.lines),
        "Xref: " + served["Xref"],
    ]
    assert overview_lines([row, row], OPTIONS) == [line, line]
    assert overview_block([line, line]) == encode_lines([line, line])
    assert overview_block([]) == b""
    assert overview_form(OPTIONS).lines_of([row]) == [line]


def test_rfc5322_date_of_an_aware_utc_date_equals_the_general_rule() -> None:
    """The fast path (aware UTC, day text remembered) and the general one agree, every day
    of a leap year and at every second edge, with and without microseconds."""
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for day in range(367):
        for when in (start + timedelta(days=day, seconds=86399, microseconds=999999),
                     start + timedelta(days=day)):  # fmt: skip
            naive = when.replace(tzinfo=None)
            assert rfc5322_date(when) == rfc5322_date(naive)
            assert rfc5322_date(when) == email.utils.format_datetime(naive).replace(
                "-0000", "+0000"
            )
    for second in range(0, 86400, 7):  # every hour, minute and second of a day
        when = start + timedelta(seconds=second, microseconds=second)
        assert rfc5322_date(when) == rfc5322_date(when.replace(tzinfo=None))


def _content_type_by_email(value: str) -> tuple[bool, bool, str | None] | str:
    """What the email package's header parser reads in a text/plain Content-Type (the
    general path of message._content_type), or the refusal's text."""
    header = email.policy.default.header_factory("Content-Type", value)
    params = {k.lower(): str(v).lower() for k, v in getattr(header, "params", {}).items()}
    fmt = params.get("format", "fixed")
    if fmt not in ("fixed", "flowed"):
        return f"format={fmt} is not accepted (fixed or flowed)"
    delsp = params.get("delsp", "no")
    if delsp not in ("no", "yes"):
        return f"delsp={delsp} is not understood (yes or no)"
    return fmt == "flowed", fmt == "flowed" and delsp == "yes", params.get("charset")


SPACE = st.sampled_from(["", " ", "\t", "  "])
TOKEN = st.text(alphabet="abcXYZ019._-", min_size=1, max_size=8) | st.sampled_from(
    ["UTF-8", "us-ascii", "flowed", "Fixed", "yes", "No", "iso-8859-1"]
)
PARAM = st.tuples(
    SPACE,
    st.sampled_from(["charset", "Format", "DELSP", "name", "x-opt"]),
    TOKEN,
    st.booleans(),
    SPACE,
).map(lambda p: f";{p[0]}{p[1]}={chr(34) + p[2] + chr(34) if p[3] else p[2]}{p[4]}")


@settings(max_examples=400, deadline=None)
@given(SPACE, st.sampled_from(["text/plain", "Text/Plain", "TEXT/PLAIN"]), SPACE, st.lists(PARAM))
def test_simple_content_types_read_as_the_email_parser_reads_them(
    lead: str, kind: str, gap: str, params: list[str]
) -> None:
    """A text/plain Content-Type of token parameters is read without the email package (a
    repeated parameter goes to it), with the same flowed, delsp and charset, or refusal."""
    from retroboard.transports.nntp import message

    value = lead + kind + gap + "".join(params)
    names = [p.split("=")[0].lstrip("; \t").lower() for p in params]
    assert (message._plain_params(value) is None) == (len(set(names)) < len(names))
    try:
        got: tuple[bool, bool, str | None] | str = message._content_type(value)
    except ArticleRejected as exc:
        got = str(exc)
    assert got == _content_type_by_email(value)
