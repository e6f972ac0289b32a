"""Wildmats (transports/nntp/wildmat.py): INN's uwildmat vectors, RFC 3977 §4 strict mode,
malformed patterns, and no exponential work on patterns of many stars."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from retroboard.transports.nntp import wildmat
from retroboard.transports.nntp.wildmat import (
    compile_wildmat,
    is_valid_utf8,
    match_simple,
    match_wildmat,
)

VECTORS = Path(__file__).resolve().parents[1] / "data" / "nntp" / "inn-test-vectors.json"


def _vectors(fn: str) -> list[dict[str, Any]]:
    if not VECTORS.exists():
        return []
    return [v for v in json.loads(VECTORS.read_text())["wildmat"] if v["fn"] == fn]


def _octets(value: str | dict[str, str]) -> bytes:
    if isinstance(value, dict):
        return bytes.fromhex(value["hex"])
    return value.encode("utf-8", "surrogatepass")


def _wire_str(value: str | dict[str, str]) -> str:
    """What the session hands over: the line decoded as UTF-8 with surrogate escapes."""
    return _octets(value).decode("utf-8", "surrogateescape")


def _id(v: dict[str, Any]) -> str:
    return f"{v['fn']}-{v['n']}"


# INN treats these as patterns that can never match (an unclosed class, a lone trailing
# backslash): compile_wildmat refuses them so the session answers 501, not an empty list.
MALFORMED = {64, 65, 125, 126, 127, 128, 129, 131, 132}


@pytest.mark.parametrize("v", _vectors("uwildmat"), ids=_id)
def test_inn_uwildmat_vectors(v: dict[str, Any]) -> None:
    expect = v["expect"] == "true"
    text, pattern = _octets(v["text"]), _octets(v["pattern"])
    assert (match_wildmat(text, pattern) == 1) is expect
    if v["n"] in MALFORMED:
        assert not expect
        with pytest.raises(ValueError):
            compile_wildmat(_wire_str(v["pattern"]))
    else:
        assert compile_wildmat(_wire_str(v["pattern"]))(_wire_str(v["text"])) is expect


def test_the_malformed_list_is_exactly_the_refused_patterns() -> None:
    refused = set()
    for v in _vectors("uwildmat"):
        try:
            compile_wildmat(_wire_str(v["pattern"]))
        except ValueError:
            refused.add(v["n"])
    assert refused == MALFORMED


@pytest.mark.parametrize("v", _vectors("uwildmat_simple"), ids=_id)
def test_inn_uwildmat_simple_vectors(v: dict[str, Any]) -> None:
    assert match_simple(_octets(v["text"]), _octets(v["pattern"])) is (v["expect"] == "true")


POISON = {"UWILDMAT_FAIL": 0, "UWILDMAT_MATCH": 1, "UWILDMAT_POISON": 2}


@pytest.mark.parametrize("v", _vectors("uwildmat_poison"), ids=_id)
def test_inn_uwildmat_poison_vectors(v: dict[str, Any]) -> None:
    got = match_wildmat(_octets(v["text"]), _octets(v["pattern"]), poison=True)
    assert got == POISON[v["expect"]]


@pytest.mark.parametrize("v", _vectors("is_valid_utf8"), ids=_id)
def test_inn_is_valid_utf8_vectors(v: dict[str, Any]) -> None:
    assert is_valid_utf8(_octets(v["text"])) is (v["expect"] == "true")


def test_vector_counts() -> None:
    # The file holds 188 wildmat-section vectors; every one is exercised above.
    counts = {fn: len(_vectors(fn)) for fn in ("uwildmat", "uwildmat_simple", "uwildmat_poison")}
    assert counts == {"uwildmat": 161, "uwildmat_simple": 5, "uwildmat_poison": 8}
    assert len(_vectors("is_valid_utf8")) == 14


# ----------------------------------------------------------------------------- RFC 3977


@pytest.mark.parametrize(
    ("pattern", "matching", "not_matching"),
    [
        ("comp.*", ["comp.sys.amiga", "comp."], ["alt.comp", "comp"]),
        ("*", ["", "anything"], []),
        ("comp.*,!comp.sys.*", ["comp.lang.c"], ["comp.sys.amiga", "misc.test"]),
        ("comp.*,!comp.sys.*,comp.sys.amiga", ["comp.sys.amiga"], ["comp.sys.atari"]),
        ("*.test,local.?eneral", ["misc.test", "local.general"], ["local.ggeneral"]),
        ("caf\u00e9.?", ["caf\u00e9.x", "caf\u00e9.\u00e9"], ["cafe.x", "caf\u00e9.xy"]),
    ],
)
def test_rfc3977_wildmats(pattern: str, matching: list[str], not_matching: list[str]) -> None:
    for strict in (False, True):
        match = compile_wildmat(pattern, strict=strict)
        assert [t for t in matching if not match(t)] == []
        assert [t for t in not_matching if match(t)] == []


def test_the_last_matching_pattern_decides() -> None:
    match = compile_wildmat("a*,!*b,*c")
    assert match("ax") and not match("ab") and match("abc") and match("xbc")
    assert not compile_wildmat("!*")("x")  # a lone negation matches nothing


@pytest.mark.parametrize(
    "pattern",
    ["u[ks].*", "a\\*", "a]", "!comp.*", "comp.*,", ",comp.*", "a,,b", "a,!", "a b", "a\tb"],
)
def test_strict_mode_accepts_only_the_rfc3977_grammar(pattern: str) -> None:
    # RFC 3977 §3.2.1.1 example: LIST ACTIVE u[ks].* -> 501 Syntax error.
    with pytest.raises(ValueError):
        compile_wildmat(pattern, strict=True)


def test_strict_mode_refuses_invalid_utf8() -> None:
    with pytest.raises(ValueError):
        compile_wildmat(b"comp.\xff*".decode("utf-8", "surrogateescape"), strict=True)
    assert compile_wildmat(b"comp.\xff*".decode("utf-8", "surrogateescape"))(
        b"comp.\xffx".decode("utf-8", "surrogateescape")
    )


def test_nul_is_refused_and_non_str_is_a_type_error() -> None:
    with pytest.raises(ValueError):
        compile_wildmat("a\x00b")
    with pytest.raises(TypeError):
        compile_wildmat(b"a*")  # type: ignore[arg-type]


def test_compiled_patterns_are_cached_and_bounded() -> None:
    compile_wildmat.cache_clear()
    first = compile_wildmat("comp.*,!comp.sys.*")
    assert compile_wildmat("comp.*,!comp.sys.*") is first
    for i in range(1000):
        compile_wildmat(f"x{i}.*")
    info = compile_wildmat.cache_info()
    assert info.maxsize is not None and info.currsize <= info.maxsize <= 1024


# ----------------------------------------------------------------------------- cost


class TooMuchWork(Exception):
    pass


def _lines_run(pattern: str, text: str, limit: int = 10**6) -> tuple[bool, int]:
    """(result, Python lines executed inside wildmat.py) for one match: a count of work
    that does not depend on the machine's speed. Past `limit` lines the match is stopped
    (an exponential matcher fails the test instead of hanging it)."""
    match = compile_wildmat(pattern)
    count = 0
    source = wildmat.__file__

    def tracer(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal count
        if frame.f_code.co_filename == source:
            if event == "line":
                count += 1
                if count > limit:
                    raise TooMuchWork(count)
            return tracer
        return None

    sys.settrace(tracer)
    try:
        result = match(text)
    finally:
        sys.settrace(None)
    return result, count


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("*a" * 255 + "*b", "a" * 400),  # 512 octets: a naive backtracker tries C(400, 255) ways
        ("*a" * 255 + "*b", "\u00e9" + "a" * 400),  # non-ASCII text: the octet matcher
        ("*a" * 255 + "*b", "a" * 400 + "\u00e9"),
        ("*?" * 255 + "*b", "a" * 400),
        ("*[a]" * 127 + "*b", "a" * 400),
        ("a*" * 255 + "b", "a" * 400 + "c"),
        ("*" * 511 + "b", "a" * 400),
    ],
)
def test_many_stars_cost_at_most_text_times_pattern(pattern: str, text: str) -> None:
    assert len(pattern.encode()) <= 512
    bound = 20 * (len(text) + len(pattern))
    result, steps = _lines_run(pattern, text, limit=bound)
    assert result is False
    # O(len(text) * len(pattern)) with a small constant; exponential work would be far past it.
    assert steps <= bound, steps


def test_work_grows_linearly_with_the_text_on_a_failing_many_star_pattern() -> None:
    pattern = "*a" * 255 + "*b"
    _, small = _lines_run(pattern, "a" * 300)
    _, large = _lines_run(pattern, "a" * 600)
    assert large <= 3 * small, (small, large)


# ----------------------------------------------------------------------------- properties


def _glob(text: str, pattern: str) -> bool:
    """Plain glob ("*", "?" and literals) by dynamic programming: the textbook meaning the
    one-resume-point matcher must agree with on ASCII."""
    reach = [True] + [False] * len(text)  # reach[i]: pattern so far matches text[:i]
    for ch in pattern:
        if ch == "*":
            for i in range(1, len(text) + 1):
                reach[i] = reach[i] or reach[i - 1]
        else:
            reach = [False] + [reach[i] and (ch == "?" or text[i] == ch) for i in range(len(text))]
    return reach[-1]


def _reference(text: str, wildmat_: str) -> bool:
    """RFC 3977 §4.2: the rightmost matching pattern decides; "!" means no match."""
    decision = False
    for piece in wildmat_.split(","):
        negated = piece.startswith("!")
        if _glob(text, piece[1:] if negated else piece):
            decision = not negated
    return decision


def _wildmats(alphabet: str) -> st.SearchStrategy[str]:
    piece = st.text(alphabet=alphabet, max_size=6)
    rest = st.lists(st.tuples(st.booleans(), piece), max_size=3)
    return st.tuples(piece, rest).map(
        lambda pr: pr[0] + "".join("," + ("!" if neg else "") + p for neg, p in pr[1])
    )


@settings(max_examples=1500, deadline=None)
@given(
    st.one_of(_wildmats("ab*"), _wildmats("ab*?")),  # "ab*": the str fast path
    st.text(alphabet="ab", max_size=8),
)
@example("*aa*a*", "aab")
@example("a*a", "a")
@example("*ab*b", "ab")
@example("a*,!ab", "ab")
def test_agrees_with_textbook_glob_on_ascii(pattern: str, text: str) -> None:
    assert compile_wildmat(pattern)(text) is _reference(text, pattern)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_compile_raises_only_value_error(pattern: str) -> None:
    for strict in (False, True):
        try:
            match = compile_wildmat(pattern, strict=strict)
        except ValueError:
            continue
        assert match("comp.sys.amiga") in (True, False)
