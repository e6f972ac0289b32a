"""Unit tests for retroboard.domain.usenet: group names, headers, quoting and post limits."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from retroboard.domain import usenet
from retroboard.domain.usenet import (
    BODY_MAX,
    GROUP_NAME_MAX,
    SUBJECT_MAX,
    attribution_line,
    check_post,
    children_at,
    followup_references,
    format_references,
    hierarchy_parts,
    is_valid_message_id,
    make_message_id,
    parent_prefixes,
    parse_references,
    quote_body,
    reply_subject,
    rot13,
    validate_group_name,
)

# --------------------------------------------------------------------------- group names


class TestValidateGroupName:
    @pytest.mark.parametrize(
        "name",
        [
            "local.general",
            "comp.sys.amiga",
            "comp.lang.c++",
            "alt.fan.monty-python",
            "rec.arts.sf_written",
            "comp.os.linux.x86-64",
            "comp.sys.z80",
            "alt.1st-2nd",
            "de.comp.os.unix.linux.misc",
            "a.b",
        ],
    )
    def test_valid(self, name: str) -> None:
        assert validate_group_name(name) == name

    def test_normalises_case_and_whitespace(self) -> None:
        assert validate_group_name("  Comp.Sys.AMIGA \n") == "comp.sys.amiga"

    def test_max_length_ok(self) -> None:
        name = "a." + "b" * (GROUP_NAME_MAX - 2)
        assert len(name) == GROUP_NAME_MAX == 80
        assert validate_group_name(name) == name

    def test_too_long(self) -> None:
        name = "a." + "b" * (GROUP_NAME_MAX - 1)
        with pytest.raises(ValueError, match=r"too long \(81 characters; the limit is 80\)"):
            validate_group_name(name)

    @pytest.mark.parametrize(
        ("name", "fragment"),
        [
            ("", "empty"),
            ("   ", "empty"),
            ("junk", "at least two"),
            ("general", "at least two"),
            (".local.general", "empty part"),
            ("local.general.", "empty part"),
            ("local..general", "empty part"),
            (".", "empty part"),
            ("local/general", "'/'"),
            ("local.gen eral", "spaces"),
            ("local.gen\teral", "spaces"),
            ("Bad Name!!", "spaces"),
            ("bad.name!!", "'!'"),
            ("comp.lang.c#", "'#'"),
            ("comp.*", "'*'"),
            ("comp.lang,python", "','"),
            ("café.general", "'é'"),
            ("local.gén", "'é'"),
            ("comp.\u212aelvin", "'\u212a'"),  # KELVIN SIGN lowercases to ASCII "k"
            ("alt.123", "all digits"),
            ("alt.2600", "all digits"),
            ("123.abc", "all digits"),
            ("control.cancel", "reserved"),
            ("to.someone", "reserved"),
            ("comp.all", "reserved"),
            ("comp.ctl.x", "reserved"),
        ],
    )
    def test_invalid(self, name: str, fragment: str) -> None:
        with pytest.raises(ValueError) as info:
            validate_group_name(name)
        assert fragment in str(info.value)

    def test_error_message_is_human(self) -> None:
        with pytest.raises(ValueError) as info:
            validate_group_name("Bad Name!!")
        msg = str(info.value)
        assert msg[0].isupper() and msg.endswith(".")

    def test_digits_inside_component_ok(self) -> None:
        assert validate_group_name("comp.sys.6502x") == "comp.sys.6502x"

    def test_non_string_rejected(self) -> None:
        with pytest.raises((TypeError, ValueError)):
            validate_group_name(None)  # type: ignore[arg-type]


class TestHierarchy:
    def test_hierarchy_parts(self) -> None:
        assert hierarchy_parts("comp.sys.amiga") == ["comp", "sys", "amiga"]
        assert hierarchy_parts("") == []

    def test_parent_prefixes(self) -> None:
        assert parent_prefixes("comp.sys.amiga.games") == ["comp", "comp.sys", "comp.sys.amiga"]
        assert parent_prefixes("local.general") == ["local"]
        assert parent_prefixes("junk") == []

    NAMES = [
        "comp.sys.amiga",
        "comp.sys.amiga.games",
        "comp.lang.python",
        "comp.lang",
        "local.general",
        "local.test",
        "alt.binaries.misc",
    ]

    def test_top_level(self) -> None:
        assert children_at(self.NAMES, "") == [
            ("alt", False),
            ("comp", False),
            ("local", False),
        ]

    def test_second_level(self) -> None:
        assert children_at(self.NAMES, "comp") == [
            ("comp.lang", True),
            ("comp.lang", False),
            ("comp.sys", False),
        ]

    def test_groups_only_level(self) -> None:
        assert children_at(self.NAMES, "local") == [
            ("local.general", True),
            ("local.test", True),
        ]

    def test_group_and_hierarchy(self) -> None:
        assert children_at(self.NAMES, "comp.sys") == [
            ("comp.sys.amiga", True),
            ("comp.sys.amiga", False),
        ]
        assert children_at(self.NAMES, "comp.sys.amiga") == [("comp.sys.amiga.games", True)]

    def test_trailing_dot_prefix_and_unknown(self) -> None:
        assert children_at(self.NAMES, "comp.") == children_at(self.NAMES, "comp")
        assert children_at(self.NAMES, "nope") == []
        assert children_at(self.NAMES, "comp.lang.python") == []

    def test_prefix_must_match_whole_component(self) -> None:
        assert children_at(["compx.a", "comp.b"], "comp") == [("comp.b", True)]

    def test_duplicates_and_iterator(self) -> None:
        names = iter(["a.b", "a.b", "a.c.d", "a.c.e"])
        assert children_at(names, "a") == [("a.b", True), ("a.c", False)]

    def test_single_component_group_at_top(self) -> None:
        assert children_at(["junk", "junk.x"], "") == [("junk", True), ("junk", False)]


# --------------------------------------------------------------------------- message ids


class TestMessageId:
    def test_shape(self) -> None:
        mid = make_message_id("bbs.example.org")
        assert mid.startswith("<") and mid.endswith("@bbs.example.org>")
        assert is_valid_message_id(mid)

    def test_unique(self) -> None:
        ids = {make_message_id("x.org") for _ in range(2000)}
        assert len(ids) == 2000

    def test_explicit_unique_part(self) -> None:
        assert make_message_id("x.org", "abc.123") == "<abc.123@x.org>"

    def test_bad_domain_or_unique(self) -> None:
        for bad in ["", "has space.org", "a@b", "<x>", "x..y", ".x"]:
            with pytest.raises(ValueError):
                make_message_id(bad)
        with pytest.raises(ValueError):
            make_message_id("x.org", "bad part")

    def test_default_unique_part_is_atext(self) -> None:
        mid = make_message_id("x.org")
        assert re.fullmatch(r"<[A-Za-z0-9.]+@x\.org>", mid)

    @pytest.mark.parametrize(
        "mid",
        [
            "<abc@def>",
            "<1988Mar12.140300.1234@bbs.example.org>",
            "<a.b.c@d.e.f>",
            "<x!#$%&'*+-/=?^_`{|}~@host>",
            "<abc@[127.0.0.1]>",
        ],
    )
    def test_valid_ids(self, mid: str) -> None:
        assert is_valid_message_id(mid)

    @pytest.mark.parametrize(
        "mid",
        [
            "",
            "abc@def",
            "<abc@def",
            "abc@def>",
            "<abcdef>",
            "<@def>",
            "<abc@>",
            "<a b@def>",
            "<a..b@def>",
            "<.a@def>",
            "<a.@def>",
            "<a@b@c>",
            "<a<b@c>",
            "<a>b@c>",
            '<a"b@c>',
            "<abc@de f>",
            "<a\x00@b>",
            "<é@b>",
            "<a@" + "b" * 250 + ">",
        ],
    )
    def test_invalid_ids(self, mid: str) -> None:
        assert not is_valid_message_id(mid)


# --------------------------------------------------------------------------- subjects


class TestReplySubject:
    @pytest.mark.parametrize(
        ("subject", "expected"),
        [
            ("Amiga rules", "Re: Amiga rules"),
            ("Re: Amiga rules", "Re: Amiga rules"),
            ("RE: Amiga rules", "Re: Amiga rules"),
            ("re: re: Amiga rules", "Re: Amiga rules"),
            ("Re: RE: re:Re:  Amiga rules", "Re: Amiga rules"),
            ("Re:Amiga", "Re: Amiga"),
            ("  Re : spaced", "Re: spaced"),
            ("Re[2]: counted", "Re: counted"),
            ("Re^3: counted", "Re: counted"),
            ("Regarding the 68000", "Re: Regarding the 68000"),
            ("Red: colour", "Re: Red: colour"),
            ("Subject with Re: inside", "Re: Subject with Re: inside"),
        ],
    )
    def test_cases(self, subject: str, expected: str) -> None:
        assert reply_subject(subject) == expected

    def test_never_double(self) -> None:
        s = "hello"
        for _ in range(5):
            s = reply_subject(s)
        assert s == "Re: hello"

    def test_empty(self) -> None:
        assert reply_subject("") == "Re:"
        assert reply_subject("Re: ") == "Re:"

    def test_clipped_to_subject_max(self) -> None:
        original = "x" * SUBJECT_MAX
        reply = reply_subject(original)
        assert reply.startswith("Re: x")
        assert len(reply) == SUBJECT_MAX
        check_post(reply, "body")  # a reply never fails the subject limit


# --------------------------------------------------------------------------- references


class TestReferences:
    def test_followup_simple(self) -> None:
        assert followup_references([], "<a@x>") == ["<a@x>"]
        assert followup_references(["<a@x>"], "<b@x>") == ["<a@x>", "<b@x>"]

    def test_does_not_mutate_input(self) -> None:
        refs = ["<a@x>"]
        followup_references(refs, "<b@x>")
        assert refs == ["<a@x>"]

    def test_trim_keeps_first_and_last(self) -> None:
        refs = [f"<{i}@x>" for i in range(30)]
        out = followup_references(refs, "<p@x>", limit=21)
        assert len(out) == 21
        assert out[0] == "<0@x>"
        assert out[-1] == "<p@x>"
        assert out[1:] == (refs + ["<p@x>"])[-20:]

    def test_exactly_limit_not_trimmed(self) -> None:
        refs = [f"<{i}@x>" for i in range(20)]
        out = followup_references(refs, "<p@x>", limit=21)
        assert out == refs + ["<p@x>"]

    def test_small_limit(self) -> None:
        refs = ["<a@x>", "<b@x>", "<c@x>"]
        assert followup_references(refs, "<d@x>", limit=2) == ["<a@x>", "<d@x>"]
        with pytest.raises(ValueError):
            followup_references(refs, "<d@x>", limit=1)

    def test_parent_already_in_references_moves_to_end(self) -> None:
        assert followup_references(["<a@x>", "<b@x>"], "<a@x>") == ["<b@x>", "<a@x>"]

    def test_parse(self) -> None:
        assert parse_references("<a@x> <b@y>\n\t<c@z>") == ["<a@x>", "<b@y>", "<c@z>"]
        assert parse_references("<a@x><b@y>") == ["<a@x>", "<b@y>"]
        assert parse_references("") == []
        assert parse_references("garbage <a@x> more junk <bad> <b@y") == ["<a@x>"]

    def test_format_round_trip(self) -> None:
        ids = ["<a@x>", "<b@y>"]
        assert format_references(ids) == "<a@x> <b@y>"
        assert parse_references(format_references(ids)) == ids
        assert format_references([]) == ""


# --------------------------------------------------------------------------- quoting


class TestAttribution:
    def test_with_real_name(self) -> None:
        when = datetime(1988, 3, 12, 14, 3, tzinfo=UTC)
        assert (
            attribution_line("ada", "Ada Lovelace", when)
            == "On 12 Mar 1988 14:03, Ada Lovelace (ada) wrote:"
        )

    def test_handle_only(self) -> None:
        when = datetime(1988, 3, 12, 14, 3, tzinfo=UTC)
        assert attribution_line("ada", None, when) == "On 12 Mar 1988 14:03, ada wrote:"
        assert attribution_line("ada", "   ", when) == "On 12 Mar 1988 14:03, ada wrote:"

    def test_converted_to_utc(self) -> None:
        when = datetime(1988, 3, 12, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
        assert attribution_line("bob", None, when) == "On 13 Mar 1988 04:30, bob wrote:"

    def test_naive_treated_as_utc(self) -> None:
        when = datetime(2001, 1, 5, 9, 7)
        assert attribution_line("bob", None, when) == "On 05 Jan 2001 09:07, bob wrote:"

    def test_month_names_independent_of_locale(self) -> None:
        months = [
            attribution_line("a", None, datetime(2000, m, 1, tzinfo=UTC)) for m in range(1, 13)
        ]
        assert [m.split()[2] for m in months] == [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ]  # fmt: skip


class TestQuoteBody:
    def test_simple(self) -> None:
        assert quote_body("hello\nworld") == ["> hello", "> world"]

    def test_already_quoted_lines(self) -> None:
        assert quote_body("> earlier\n>> older\ntext") == [">> earlier", ">>> older", "> text"]

    def test_blank_lines_inside_kept_without_trailing_space(self) -> None:
        assert quote_body("a\n\nb") == ["> a", ">", "> b"]

    def test_signature_dropped(self) -> None:
        body = "Main text\n\n-- \nAda Lovelace\nAnalytical Engines Inc."
        assert quote_body(body) == ["> Main text"]

    def test_dash_dash_without_space_is_not_a_signature(self) -> None:
        assert quote_body("a\n--\nb") == ["> a", "> --", "> b"]
        assert quote_body("a\n-- x\nb") == ["> a", "> -- x", "> b"]

    def test_trailing_blank_lines_dropped(self) -> None:
        assert quote_body("a\n\n  \n\n") == ["> a"]

    def test_crlf(self) -> None:
        assert quote_body("a\r\nb\r\n") == ["> a", "> b"]

    def test_no_rewrap(self) -> None:
        long_line = "word " * 40
        assert quote_body(long_line.rstrip(), width=20) == ["> " + long_line.rstrip()]

    def test_a_fixed_body_keeps_its_indentation_and_its_line_ends(self) -> None:
        old = "Try:\n  indented code\nends in a space \nnext\n>  quoted code"
        assert quote_body(old, flowed=False) == [
            "> Try:",
            ">   indented code",
            "> ends in a space",
            "> next",
            ">>  quoted code",
        ]
        assert quote_body(old)[1] == ">  indented code"  # read as flowed: one space is stuffing

    def test_empty(self) -> None:
        assert quote_body("") == []
        assert quote_body("-- \nsig only") == []
        assert quote_body("\n\n") == []


def test_rot13() -> None:
    assert rot13("Hello, World!") == "Uryyb, Jbeyq!"
    assert (
        rot13(rot13("Spoiler: Rosebud was a sled. 123 é")) == "Spoiler: Rosebud was a sled. 123 é"
    )


# --------------------------------------------------------------------------- limits


class TestCheckPost:
    def test_limits(self) -> None:
        assert SUBJECT_MAX == 120
        assert BODY_MAX == 64 * 1024

    def test_ok(self) -> None:
        check_post("Hello", "World")
        check_post("x" * SUBJECT_MAX, "y" * BODY_MAX)

    def test_subject_too_long(self) -> None:
        with pytest.raises(ValueError) as info:
            check_post("x" * 131, "body")
        assert str(info.value) == "Subject is too long (131 characters; the limit is 120)."

    @pytest.mark.parametrize("subject", ["", "   ", "\t"])
    def test_empty_subject(self, subject: str) -> None:
        with pytest.raises(ValueError, match="Subject is empty"):
            check_post(subject, "body")

    def test_multiline_subject(self) -> None:
        with pytest.raises(ValueError, match="one line"):
            check_post("two\nlines", "body")

    @pytest.mark.parametrize("body", ["", "  \n\n\t "])
    def test_empty_body(self, body: str) -> None:
        with pytest.raises(ValueError, match="Message is empty"):
            check_post("Subject", body)

    def test_body_too_long(self) -> None:
        with pytest.raises(ValueError) as info:
            check_post("Subject", "x" * (70 * 1024))
        assert str(info.value) == "Message is too long (70 KB; the limit is 64 KB)."

    def test_body_just_over_rounds_up(self) -> None:
        with pytest.raises(ValueError, match=r"\(65 KB; the limit is 64 KB\)"):
            check_post("Subject", "x" * (BODY_MAX + 1))

    def test_body_measured_in_utf8_bytes(self) -> None:
        # 3 bytes each: fits by character count, not by bytes.
        body = "€" * (BODY_MAX // 3 + 1)
        assert len(body) < BODY_MAX
        with pytest.raises(ValueError, match="Message is too long"):
            check_post("Subject", body)


def test_module_has_one_line_docstring() -> None:
    assert usenet.__doc__ and "\n" not in usenet.__doc__.strip()


def test_rule_errors_are_board_validation_errors() -> None:
    from retroboard.domain.errors import ValidationError

    for call in (lambda: validate_group_name("x"), lambda: check_post("", "b")):
        with pytest.raises(ValidationError) as info:
            call()
        assert isinstance(info.value, ValueError)
        assert isinstance(info.value, usenet.UsenetRuleError)
