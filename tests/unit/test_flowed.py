"""RFC 3676 format=flowed: encoding typed lines, decoding stored bodies, re-flowing to a width."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from retroboard.domain.flowed import LINE_MAX, Paragraph, as_flowed, decode, encode, reflow

LONG = " ".join(f"word{i:02d}" for i in range(40))  # 279 characters, one paragraph


def test_a_long_typed_line_is_stored_as_soft_lines_of_at_most_78():
    stored = encode(LONG)
    lines = stored.split("\n")
    assert len(lines) > 1
    assert all(len(line) <= LINE_MAX for line in lines)
    assert all(line.endswith(" ") for line in lines[:-1])
    assert not lines[-1].endswith(" ")
    assert [p.text for p in decode(stored)] == [LONG]


def test_the_same_paragraph_typed_at_any_width_is_stored_the_same():
    stored = encode(LONG)
    assert encode([p.text for p in decode(stored)]) == stored  # decoding and storing again


def test_short_lines_are_hard_breaks_and_trailing_spaces_are_dropped():
    stored = encode(["one  ", "two", "", "three"])
    assert stored == "one\ntwo\n\nthree"
    assert [p.text for p in decode(stored)] == ["one", "two", "", "three"]


def test_space_stuffing_of_from_space_and_gt():
    text = "x " * 30 + "From here on " + "y " * 20 + ">not a quote"
    stored = encode(["From the start", " code", text])
    lines = stored.split("\n")
    assert lines[0] == " From the start"
    assert lines[1] == "  code"
    assert all(not line.startswith(("From ", ">")) for line in lines)
    assert [p.text for p in decode(stored)] == ["From the start", " code", text]


def test_rfc3676_example_flowed_paragraph_and_quotes():
    stored = (
        "> Thou villainous ill-breeding spongy \n"
        "> lewd-minded flap-mouthed canker-blossom!\n"
        ">> Eat my shorts.\n"
        "Thou art a boil, a plague sore.\n"
        "-- \n"
        "Ada"
    )
    assert decode(stored) == [
        Paragraph(
            1, ("Thou villainous ill-breeding spongy ", "lewd-minded flap-mouthed canker-blossom!")
        ),
        Paragraph(2, ("Eat my shorts.",)),
        Paragraph(0, ("Thou art a boil, a plague sore.",)),
        Paragraph(0, ("-- ",), True),
        Paragraph(0, ("Ada",), True),
    ]


def test_a_quote_depth_change_ends_a_paragraph_even_after_a_soft_break():
    assert [(p.depth, p.text) for p in decode("> a \nb")] == [(1, "a "), (0, "b")]


def test_quoted_lines_are_stored_whole_even_when_long():
    quoted = "> " + "q" * 30 + " " + "r" * 60
    assert encode(quoted) == quoted
    assert encode(">>no space") == ">> no space"


def test_reflow_rewraps_paragraphs_to_the_width_without_ragged_lines():
    for width in (80, 40, 20):
        rows = reflow(encode(LONG), width)
        assert " ".join(rows) == LONG
        for row, after in zip(rows, rows[1:], strict=False):
            assert len(row) <= width
            assert len(row) + 1 + len(after.split()[0]) > width  # nothing more would fit


def test_reflow_keeps_hard_breaks_code_and_signature():
    stored = encode(["Dear all,", "", "   indented   code", "Bye", "-- ", "sig line  one"])
    assert reflow(stored, 40) == [
        "Dear all,",
        "",
        "   indented   code",
        "Bye",
        "-- ",
        "sig line  one",
    ]


def test_quoted_lines_wrap_at_narrow_widths_with_the_marker_on_every_row():
    line = "> " + " ".join(["quoted"] * 12)  # 85 characters
    rows = reflow(encode([line, "my answer"]), 40)
    assert rows[-1] == "my answer"
    quoted = rows[:-1]
    assert len(quoted) > 1
    assert all(row.startswith("> ") and len(row) <= 40 for row in quoted)
    assert " ".join(row[2:] for row in quoted) == line[2:]


def test_a_76_character_quoted_line_stays_one_row_at_80():
    line = "> " + "x" * 37 + " " + "y" * 36
    assert reflow(encode(line), 80) == [line]


def test_an_old_body_reads_line_for_line():
    old = "first line\nsecond line\n\n> quoted"
    assert reflow(old, 80) == ["first line", "second line", "", "> quoted"]


def test_an_old_fixed_body_keeps_its_indentation_and_its_line_ends():
    old = "Try this:\n  indented code\n    deeper\nends in a space \nnext line"
    assert reflow(old, 80)[1] == " indented code"  # read as flowed, one space is lost
    assert reflow(as_flowed(old, False), 80) == [
        "Try this:",
        "  indented code",
        "    deeper",
        "ends in a space",
        "next line",
    ]


def test_an_old_body_keeps_from_and_quoted_code_as_they_were():
    old = "From the start\n>  quoted code\n>plain quote\n-- \nAda"
    assert reflow(as_flowed(old, False), 80) == [
        "From the start",
        ">  quoted code",
        "> plain quote",
        "-- ",
        "Ada",
    ]


def test_a_flowed_body_is_left_as_it_is():
    stored = encode(LONG) + "\n  code"
    assert as_flowed(stored, True) == stored
    assert as_flowed(stored, False) != stored  # as fixed, every soft line would be hard


def test_a_long_fixed_line_is_one_paragraph_that_wraps_on_screen():
    rows = reflow(as_flowed(LONG + "\nend", False), 40)
    assert " ".join(rows[:-1]) == LONG and rows[-1] == "end"
    assert all(len(row) <= 40 for row in rows)


_fixed_line = st.text(alphabet=" abF>-", max_size=60).filter(
    lambda line: not line.startswith(">") and line != "-- "
)


@given(st.lists(_fixed_line, min_size=1, max_size=8))
def test_every_fixed_line_is_one_hard_line_with_its_leading_spaces(lines):
    assert [p.text for p in decode(as_flowed("\n".join(lines), False))] == [
        line.rstrip(" ") for line in lines
    ]


_word = st.text(alphabet="abcXYZ>.-", min_size=1, max_size=12).filter(
    lambda w: not w.startswith(">")
)
_tail = st.sampled_from(["From", ">x", "a", "word", "-"]) | _word
_line = st.builds(
    lambda first, rest: " ".join([first, *rest]),
    _word.filter(lambda w: w != "--"),
    st.lists(_tail, max_size=40),
)


@given(st.lists(_line | st.just(""), min_size=1, max_size=8))
def test_decode_of_encode_keeps_words_and_hard_breaks(lines):
    stored = encode(lines)
    assert all(len(line) <= LINE_MAX or " " not in line.rstrip(" ") for line in stored.split("\n"))
    assert [p.text for p in decode(stored)] == lines
    assert encode([p.text for p in decode(stored)]) == stored
