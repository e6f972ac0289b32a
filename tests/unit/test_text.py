"""Unit tests for retroboard.domain.text.sanitize."""

from __future__ import annotations

import pytest

from retroboard.domain.text import sanitize


class TestPlainText:
    def test_plain_text_unchanged(self) -> None:
        assert sanitize("Hello, world!") == "Hello, world!"

    def test_empty(self) -> None:
        assert sanitize("") == ""
        assert sanitize("", multiline=False) == ""

    def test_unicode_letters_and_emoji_kept(self) -> None:
        text = "Grüße, 日本語, café ☕ 🚀"
        assert sanitize(text) == text

    @pytest.mark.parametrize(
        "markup",
        ["[bold]markup[/bold]", "[red on white]x[/]", "[link=http://x]y[/link]", "[/]", "[[ ]]"],
    )
    def test_rich_markup_is_plain_text(self, markup: str) -> None:
        assert sanitize(markup) == markup
        assert sanitize(markup, multiline=False) == markup

    def test_box_drawing_and_cp437_style_chars_kept(self) -> None:
        text = "╔══╗ ░▒▓█ ├─ └─"
        assert sanitize(text) == text


class TestNewlinesAndTabs:
    def test_multiline_keeps_newline_and_tab(self) -> None:
        assert sanitize("a\tb\nc") == "a\tb\nc"

    def test_crlf_and_lone_cr_become_newline(self) -> None:
        assert sanitize("a\r\nb\rc\n") == "a\nb\nc\n"

    def test_cr_cr_lf(self) -> None:
        # "\r\r\n" is a lone CR followed by CRLF: two line breaks.
        assert sanitize("a\r\r\nb") == "a\n\nb"

    def test_single_line_replaces_breaks_and_tabs_with_space(self) -> None:
        assert sanitize("a\tb\nc\r\nd\re", multiline=False) == "a b c d e"

    def test_single_line_crlf_is_one_space(self) -> None:
        assert sanitize("x\r\ny", multiline=False) == "x y"


class TestControlCharacters:
    # ESC (0x1B) starts escape sequences and is covered in TestEscapeSequences.
    @pytest.mark.parametrize("code", [c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D, 0x1B)])
    def test_c0_controls_removed(self, code: int) -> None:
        assert sanitize(f"a{chr(code)}b") == "ab"
        assert sanitize(f"a{chr(code)}b", multiline=False) == "ab"

    def test_del_removed(self) -> None:
        assert sanitize("a\x7fb") == "ab"

    @pytest.mark.parametrize("code", range(0x80, 0xA0))
    def test_c1_controls_removed(self, code: int) -> None:
        assert chr(code) not in sanitize(f"a{chr(code)}b")

    def test_bell_and_backspace(self) -> None:
        assert sanitize("ding\x07\x07 oops\x08\x08\x08") == "ding oops"

    def test_nul(self) -> None:
        assert sanitize("a\x00b\x00") == "ab"

    def test_no_controls_survive_any_input(self) -> None:
        junk = "".join(chr(c) for c in range(0x00, 0xA0)) * 3
        out = sanitize(junk)
        for ch in out:
            code = ord(ch)
            assert ch in "\n\t" or not (code < 0x20 or 0x7F <= code <= 0x9F), repr(ch)
        out1 = sanitize(junk, multiline=False)
        assert all(0x20 <= ord(c) < 0x7F or ord(c) >= 0xA0 for c in out1)


class TestEscapeSequences:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("\x1b[2J", ""),
            ("before\x1b[2Jafter", "beforeafter"),
            ("\x1b[1;31mred\x1b[0m", "red"),
            ("\x1b[H\x1b[2J\x1b[3J", ""),
            ("\x1b[?25l\x1b[?1049h", ""),
            ("\x1b[38;2;255;0;0mrgb\x1b[m", "rgb"),
            ("\x1b[10;20Hpos", "pos"),
            ("\x1b[>0c", ""),
            ("\x1b[ q", ""),  # CSI with an intermediate byte (DECSCUSR)
            ("\x1b[6n", ""),  # device status report request
        ],
    )
    def test_csi(self, raw: str, expected: str) -> None:
        assert sanitize(raw) == expected

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("\x1b]0;x\x07", ""),
            ("\x1b]0;evil title\x07text", "text"),
            ("\x1b]2;title\x1b\\text", "text"),
            ("\x1b]8;;http://evil.example\x07click\x1b]8;;\x07", "click"),
            ("\x1b]52;c;ZWNobyBwd25lZA==\x07", ""),  # clipboard write
            ("a\x1b]0;title\x9cb", "ab"),  # 8-bit string terminator
        ],
    )
    def test_osc(self, raw: str, expected: str) -> None:
        assert sanitize(raw) == expected

    @pytest.mark.parametrize(
        "intro", ["\x1bP", "\x1bX", "\x1b^", "\x1b_"], ids=["DCS", "SOS", "PM", "APC"]
    )
    def test_dcs_sos_pm_apc_strings(self, intro: str) -> None:
        assert sanitize(f"a{intro}payload;1;2|x\x1b\\b") == "ab"
        assert sanitize(f"a{intro}payload\x9cb") == "ab"

    def test_dcs_sixel_like(self) -> None:
        assert sanitize('x\x1bPq"1;1;10;10#0;2;0;0;0~~~~\x1b\\y') == "xy"

    @pytest.mark.parametrize(
        "raw",
        ["\x1bc", "\x1b7", "\x1b8", "\x1bM", "\x1bD", "\x1bE", "\x1b=", "\x1b>", "\x1bH"],
    )
    def test_two_char_escapes(self, raw: str) -> None:
        assert sanitize(f"a{raw}b") == "ab"

    @pytest.mark.parametrize("raw", ["\x1b(B", "\x1b(0", "\x1b)0", "\x1b#8", "\x1b%G", "\x1b 7"])
    def test_escapes_with_intermediates(self, raw: str) -> None:
        assert sanitize(f"a{raw}b") == "ab"

    def test_eight_bit_csi(self) -> None:
        assert sanitize("a\x9b2Jb") == "ab"
        assert sanitize("a\x9b1;31mred\x9b0m") == "ared"

    def test_eight_bit_osc_and_dcs(self) -> None:
        assert sanitize("a\x9d0;title\x07b") == "ab"
        assert sanitize("a\x90payload\x9cb") == "ab"

    def test_lone_escape_removed(self) -> None:
        assert sanitize("a\x1b") == "a"
        assert sanitize("\x1b") == ""

    def test_escape_before_non_ascii(self) -> None:
        assert sanitize("a\x1bé") == "aé"

    def test_unterminated_csi_at_end(self) -> None:
        assert sanitize("text\x1b[12;3") == "text"

    def test_unterminated_osc_swallows_rest(self) -> None:
        # A terminal would swallow the rest as the title too; never show it.
        assert sanitize("text\x1b]0;no end here") == "text"

    def test_escape_inside_osc_ends_it(self) -> None:
        assert sanitize("a\x1b]0;t\x1b[31mred") == "ared"

    def test_newline_after_sequence_kept(self) -> None:
        assert sanitize("\x1b[1mbold\x1b[0m\nnext") == "bold\nnext"

    def test_sequences_removed_in_single_line_mode(self) -> None:
        assert sanitize("\x1b[2Jhi\x1b]0;x\x07\nthere", multiline=False) == "hi there"

    def test_markup_next_to_escape(self) -> None:
        assert sanitize("[bold]\x1b[5mx\x1b[0m[/bold]") == "[bold]x[/bold]"


class TestBidi:
    @pytest.mark.parametrize(
        "code", [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]
    )
    def test_bidi_overrides_removed(self, code: int) -> None:
        assert sanitize(f"a{chr(code)}b") == "ab"

    def test_trojan_source_filename(self) -> None:
        assert sanitize("invoice\u202egpj.exe") == "invoicegpj.exe"

    def test_real_rtl_text_kept(self) -> None:
        text = "שלום עולם مرحبا"
        assert sanitize(text) == text


def test_idempotent() -> None:
    raw = "a\x1b[31m\r\nb\x1b]0;t\x07\x00\u202ec\x9b1m\t"
    once = sanitize(raw)
    assert sanitize(once) == once
    single = sanitize(raw, multiline=False)
    assert sanitize(single, multiline=False) == single


class TestInvisible:
    @pytest.mark.parametrize(
        "code",
        [0x200E, 0x200F, 0x061C]  # LRM, RLM, ALM
        + [0x200B, 0x200C, 0x200D, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF, 0x180E]
        + [0x00AD, 0xFFF9, 0xFFFA, 0xFFFB, 0x0600, 0x206A, 0x110BD, 0x1D173]  # other Cf
        + [0xE0000, 0xE0001, 0xE0020, 0xE0041, 0xE007F],  # tag characters
        ids=hex,
    )
    def test_invisible_removed(self, code: int) -> None:
        assert sanitize(f"a{chr(code)}b") == "ab"
        assert sanitize(f"a{chr(code)}b", multiline=False) == "ab"

    def test_every_format_character_removed(self) -> None:
        import sys
        import unicodedata

        fmt = "".join(
            chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"
        )
        assert len(fmt) > 150
        assert sanitize(f"x{fmt}y") == "xy"
        assert sanitize(f"x{fmt}y", multiline=False) == "xy"

    def test_lone_surrogate_removed(self) -> None:
        assert sanitize("a\ud800b\udfffc") == "abc"

    @pytest.mark.parametrize("sep", ["\u2028", "\u2029"])
    def test_line_and_paragraph_separators(self, sep: str) -> None:
        assert sanitize(f"one{sep}two") == "one\ntwo"
        assert sanitize(f"one{sep}two", multiline=False) == "one two"

    def test_payload_reads_right_once_stripped(self) -> None:
        payload = "\u202eTrojan\u200b \u2066Source\u2069\ufeff\u200d\u2028next"
        assert sanitize(payload) == "Trojan Source\nnext"
        assert sanitize(payload, multiline=False) == "Trojan Source next"

    def test_visible_look_alikes_kept(self) -> None:
        # Variation selectors (emoji presentation), combining marks and NBSP are visible text.
        text = "\u2764\ufe0f cafe\u0301 a\u00a0b"
        assert sanitize(text) == text

    def test_escape_hidden_behind_zero_width_leaves_no_escape(self) -> None:
        out = sanitize("a\x1b\u200b[2Jb")
        assert "\x1b" not in out and "\u200b" not in out

    def test_large_text_is_quick(self) -> None:
        import time

        big = ("Grüße \u200b日本語 \x1b[1mhello\x1b[0m \u202eworld\n" * 2000)[: 64 * 1024]
        start = time.perf_counter()
        out = sanitize(big)
        assert "\u200b" not in out and "\u202e" not in out and "\x1b" not in out
        assert time.perf_counter() - start < 1.0  # generous: ~5 ms on the 2-core machine
