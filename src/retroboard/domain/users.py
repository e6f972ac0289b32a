"""User accounts as plain data: security levels, handle rules, preferences."""

from __future__ import annotations

import functools
import importlib.resources
import re
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum


class Level(IntEnum):
    """Security levels, BBS style: a higher number may do everything a lower one may."""

    GUEST = 0
    USER = 10
    MODERATOR = 50
    SYSOP = 90

    @classmethod
    def parse(cls, name: str) -> Level:
        try:
            return cls[name.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown level {name!r} (use user, moderator or sysop)") from None

    @property
    def label(self) -> str:
        return self.name.lower()


HANDLE_MIN, HANDLE_MAX = 2, 20
PASSWORD_MIN, PASSWORD_MAX = 8, 128
REAL_NAME_MAX, LOCATION_MAX = 40, 40
RESERVED_HANDLES = frozenset(
    {
        "new",
        "all",
        "guest",
        "sysop",
        "root",
        "admin",
        "off",
        "anonymous",
        "postmaster",
        "usenet",
        "news",
        "nobody",
    }
)
# Staff words a handle may not look like (see check_handle): a handle whose skeleton starts
# with one of the first set, or is exactly one of the second, is reserved.
STAFF_PREFIXES = (
    "sysop",
    "cosysop",
    "sysadmin",
    "admin",
    "administrator",
    "moderator",
    "postmaster",
    "webmaster",
)
STAFF_WORDS = frozenset({"root", "staff", "system", "support", "usenet", "operator"})
_HANDLE_RE = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")
# Look-alike digits and symbols -> the letter they imitate. "1" and "l" both imitate "i"
# as well as "l", so skeletons fold all three to "i" (and the staff words are folded too).
_LOOK_ALIKES = str.maketrans("0134578$@l", "oieastbsai", "_.-")
_TRAILING = re.compile(r"[0-9_.-]+$")
EDITORS = ("line", "fse")
CHARSETS = ("auto", "utf-8", "cp437", "ascii")  # auto: guessed from the terminal type


def _fold(word: str) -> str:
    return word.lower().translate(_LOOK_ALIKES)


def handle_skeletons(handle: str) -> set[str]:
    """What a handle looks like once disguises are removed, e.g. "Sys0p_2." -> {"sysop", ...}.

    Lower-cased; separators _ . - dropped; look-alikes mapped (0->o, 1->i/l, 3->e, 4->a,
    5->s, 7->t, 8->b, $->s, @->a, and l folded with i). Two skeletons: the whole handle,
    and the handle without its trailing digits and separators ("sysop2" -> "sysop",
    "roo7" stays "root" through the first).
    """
    lower = handle.lower()
    return {_fold(lower), _fold(_TRAILING.sub("", lower))} - {""}


_STAFF_PREFIXES = tuple(_fold(w) for w in STAFF_PREFIXES)
_STAFF_WORDS = frozenset(_fold(w) for w in STAFF_WORDS)


def impersonates_staff(handle: str) -> bool:
    """True when the handle's skeleton starts with a staff prefix or equals a staff word."""
    return any(
        sk.startswith(_STAFF_PREFIXES) or sk in _STAFF_WORDS for sk in handle_skeletons(handle)
    )


def is_handle(text: str) -> bool:
    """True when `text` has the form of a handle (letters first, then letters, digits, _ . -;
    HANDLE_MIN..HANDLE_MAX long): "(deleted user)" and other stand-ins are not."""
    return HANDLE_MIN <= len(text) <= HANDLE_MAX and _HANDLE_RE.fullmatch(text) is not None


def check_handle(handle: str, *, staff: bool = False) -> str:
    """Return the handle stripped, or raise ValueError saying which rule it breaks.

    Rules: HANDLE_MIN to HANDLE_MAX characters; a letter first, then letters, digits,
    _ . and -; not a reserved word (RESERVED_HANDLES, case-insensitive); and not a
    disguised staff title. For the last rule the handle is reduced to skeletons (see
    handle_skeletons: "M0derat0r", "SysOp.", "admin_", "sys0p", "sysop2" all reduce to
    the staff word). A skeleton that *starts with* sysop, cosysop, sysadmin, admin,
    administrator, moderator, postmaster or webmaster is refused ("adminbob", "sysops");
    the short, ordinary words root, staff, system, support, usenet and operator are
    refused only as the *whole* skeleton, so "rootbeer", "staffy" and "systematic" stay
    available. `staff=True` (an account the sysop creates at moderator level or above)
    skips only this last rule, so the real staff may be called "sysop2" or "Moderator".
    """
    handle = handle.strip()
    if not HANDLE_MIN <= len(handle) <= HANDLE_MAX:
        raise ValueError(f"A handle is {HANDLE_MIN} to {HANDLE_MAX} characters long.")
    if not _HANDLE_RE.fullmatch(handle):
        raise ValueError("A handle starts with a letter and uses only letters, digits, _ . and -.")
    if handle.lower() in RESERVED_HANDLES or (not staff and impersonates_staff(handle)):
        raise ValueError(f"'{handle}' is reserved; please pick another handle.")
    return handle


COMMON_PASSWORDS_FILE = "common_passwords.txt"
# Runs that make an "obvious sequence" when a password is a piece of one (either direction).
_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890123456789",
    "qwertyuiopasdfghjklzxcvbnm",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "qazwsxedcrfvtgbyhnujmikolp",
)
_EDGE_JUNK = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_UNLEET = (str.maketrans("0134578$@!", "oieastbsai"), str.maketrans("0134578$@!", "oleastbsal"))


@functools.cache
def common_passwords() -> frozenset[str]:
    """The bundled list of the most common passwords (lower-case), read once on first use."""
    text = (
        importlib.resources.files("retroboard.domain")
        .joinpath(COMMON_PASSWORDS_FILE)
        .read_text(encoding="utf-8")
    )
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _common_forms(password: str) -> set[str]:
    """The password as a guesser tries it: lower-cased, without digits or symbols stuck to
    either end ("Password1!" -> "password"), and with look-alikes undone ("p@ssw0rd")."""
    lower = password.lower()
    forms = {lower, _EDGE_JUNK.sub("", lower)}
    forms |= {f.translate(t) for f in list(forms) for t in _UNLEET}
    return {f for f in forms if len(f) >= 4}


def _is_sequence(lower: str) -> bool:
    return any(lower in run or lower in run[::-1] for run in _SEQUENCES)


def _is_repetition(lower: str) -> bool:
    """One character repeated ("aaaaaaaa"), or a unit of up to three ("abcabcabc")."""
    return any(len(lower) % n == 0 and lower[:n] * (len(lower) // n) == lower for n in (1, 2, 3))


def check_password(password: str, handle: str = "") -> None:
    """Raise ValueError, with a message fit to show the user, if the password is too weak.

    Refused: shorter than PASSWORD_MIN or longer than PASSWORD_MAX characters; one
    character (or a unit of up to three) repeated; a piece of an obvious sequence
    (12345678, abcdefgh, qwertyui, either direction); one of the most common passwords
    (common_passwords.txt), also with digits or symbols added at either end or look-alike
    characters swapped in ("Password1", "p@ssw0rd!"); and the handle itself
    (case-insensitive).
    """
    if len(password) < PASSWORD_MIN:
        raise ValueError(f"A password needs at least {PASSWORD_MIN} characters.")
    if len(password) > PASSWORD_MAX:
        raise ValueError(f"A password is at most {PASSWORD_MAX} characters.")
    lower = password.lower()
    if handle and lower == handle.lower():
        raise ValueError("Your password must not be your handle.")
    if _is_repetition(lower):
        raise ValueError("A password that repeats one or a few characters is easy to guess.")
    if _is_sequence(lower):
        raise ValueError(
            "That password is an obvious sequence (like 12345678 or qwertyui); "
            "pick something less guessable."
        )
    if not _common_forms(password).isdisjoint(common_passwords()):
        raise ValueError(
            "That password is one of the most common ones; pick something less guessable."
        )


@dataclass(frozen=True, slots=True)
class User:
    """A registered caller."""

    id: int
    handle: str
    level: Level
    real_name: str
    location: str
    created_at: datetime
    last_login_at: datetime | None
    login_count: int
    editor: str = "line"  # line | fse
    charset: str = "auto"  # auto | utf-8 | cp437 | ascii
    skin: str = ""  # a skin name; '' = the board's default
    expert: bool = False  # skips the logon sequence (bulletins, since last call, the wall)
    do_not_disturb: bool = False  # refuses pages
    show_real_name: bool = False  # the real name appears in the profile
    about: str = ""  # "about me", one paragraph the user writes
    must_change_password: bool = False  # after the sysop's reset: a new one before the menu
    bps: int | None = None  # modem speed (domain.modem); None: the era's or the board's
    guest: bool = False  # made for one guest login on a demo board

    @property
    def is_moderator(self) -> bool:
        return self.level >= Level.MODERATOR

    @property
    def is_sysop(self) -> bool:
        return self.level >= Level.SYSOP
