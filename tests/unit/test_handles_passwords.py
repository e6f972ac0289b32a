"""Unit tests for handle rules (staff look-alikes are reserved) and the password policy."""

from __future__ import annotations

import pytest

from retroboard.domain.users import check_handle, check_password, common_passwords

REFUSED_HANDLES = [
    "sysop",
    "SysOp",
    "sys0p",
    "SysOp.",
    "sysop2",
    "sysop_",
    "Sy5op",
    "s.y.s-o_p",
    "sysops",
    "cosysop",
    "CoSys0p",
    "sysadmin",
    "admin",
    "admin_",
    "Admin-",
    "aDm1N",
    "adm1n",
    "ad-mln",
    "administrator",
    "adminbob",
    "moderator",
    "Moderator",
    "m0derat0r",
    "M0d3rat0r99",
    "moderator.",
    "root",
    "r00t",
    "roo7",
    "root1",
    "Staff",
    "st4ff",
    "system",
    "Syst3m",
    "support",
    "Support1",
    "postmaster",
    "p0stmaster2",
    "usenet",
    "webmaster",
    "w3bmaster",
    "operator",
    "Oper4tor.",
    # the words that were reserved before stay reserved
    "new",
    "NEW",
    "guest",
    "nobody",
]

ACCEPTED_HANDLES = [
    "ada",
    "mod",
    "bob",
    "alice",
    "Grace",
    "rootbeer",
    "roots",
    "staffy",
    "systematic",
    "supporter",
    "admiral",
    "badminton",
    "modem",
    "modern",
    "sysad",
    "mallory",
    "lily",
    "operators-fan",
    "usenetfan",
    "webmistress",
    "Kickstart-1.3",
]


@pytest.mark.parametrize("handle", REFUSED_HANDLES)
def test_staff_look_alike_handles_are_reserved(handle: str) -> None:
    with pytest.raises(ValueError, match=r"is reserved; please pick another handle\."):
        check_handle(handle)


@pytest.mark.parametrize("handle", ACCEPTED_HANDLES)
def test_ordinary_handles_are_accepted(handle: str) -> None:
    assert check_handle(f"  {handle} ") == handle


def test_reserved_message_names_the_handle() -> None:
    with pytest.raises(ValueError) as info:
        check_handle("m0derat0r")
    assert str(info.value) == "'m0derat0r' is reserved; please pick another handle."


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password", "one of the most common ones"),
        ("Password1", "one of the most common ones"),
        ("PASSWORD!", "one of the most common ones"),
        ("p@ssw0rd", "one of the most common ones"),
        ("P@ssw0rd!", "one of the most common ones"),
        ("iloveyou", "one of the most common ones"),
        ("sunshine2024", "one of the most common ones"),
        ("trustno1", "one of the most common ones"),
        ("1qaz2wsx", "obvious sequence"),
        ("12345678", "obvious sequence"),
        ("1234567890", "obvious sequence"),
        ("87654321", "obvious sequence"),
        ("78901234", "obvious sequence"),
        ("abcdefgh", "obvious sequence"),
        ("ABCDEFGHIJ", "obvious sequence"),
        ("qwertyui", "obvious sequence"),
        ("asdfghjkl", "obvious sequence"),
        ("aaaaaaaa", "repeats"),
        ("########", "repeats"),
        ("abababab", "repeats"),
        ("xyzxyzxyz", "repeats"),
        ("short", "at least 8 characters"),
        ("x" * 129, "at most 128"),
    ],
)
def test_weak_passwords_are_refused(password: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_password(password, "grace")


def test_common_password_message_is_clear() -> None:
    with pytest.raises(ValueError) as info:
        check_password("password")
    assert str(info.value) == (
        "That password is one of the most common ones; pick something less guessable."
    )


def test_password_equal_to_handle_is_refused() -> None:
    with pytest.raises(ValueError, match="must not be your handle"):
        check_password("Franklin", "franklin")


@pytest.mark.parametrize(
    "password",
    [
        "Pass-word-77",
        "Analytical-1",
        "Null-modem-cable-7",
        "Cobol-1959!",
        "Secret-pass-1",
        "Good-pass-123",
        "Other-pass-1",
        "correct horse battery staple",
        "Kickstart-1.3-rules",
    ],
)
def test_reasonable_passwords_are_accepted(password: str) -> None:
    check_password(password, "grace")


def test_common_list_is_bundled_and_loaded_once() -> None:
    words = common_passwords()
    assert common_passwords() is words  # read once (functools.cache)
    assert 9_000 <= len(words) <= 11_000
    assert {"password", "123456", "qwerty", "dragon", "letmein"} <= words
    assert all(w == w.lower() and not w.startswith("#") for w in words)


@pytest.mark.parametrize("handle", ["sysop2", "Moderator", "r00t", "admin_"])
def test_staff_accounts_the_sysop_creates_may_use_staff_handles(handle: str) -> None:
    assert check_handle(handle, staff=True) == handle


@pytest.mark.parametrize("handle", ["sysop", "root", "new", "guest"])
def test_reserved_words_stay_reserved_even_for_staff(handle: str) -> None:
    with pytest.raises(ValueError, match="is reserved"):
        check_handle(handle, staff=True)
