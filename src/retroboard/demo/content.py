"""The demo board's period content: read and check the packaged TOML files (CC0) in content/."""

from __future__ import annotations

import tomllib
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from retroboard.domain.community import BULLETIN_TITLE_MAX, CHAT_LINE_MAX, ONELINER_MAX
from retroboard.domain.usenet import (
    SUBJECT_MAX,
    UsenetRuleError,
    is_valid_message_id,
    validate_group_name,
)
from retroboard.domain.users import LOCATION_MAX, REAL_NAME_MAX, check_handle

__all__ = [
    "ARTICLE_FILES",
    "ERAS",
    "ERA_WINDOWS",
    "LINE_MAX",
    "DemoArticle",
    "DemoAuthor",
    "DemoBulletin",
    "DemoContent",
    "DemoGroup",
    "DemoOneLiner",
    "DemoRegular",
    "load_demo",
    "message_id",
]

ERAS = ("1978", "1983", "1989", "1994")
# The dates an era's articles may carry (inclusive, UTC). 1983's net.* groups end before the
# Great Renaming of 1987; the 1989 local boards run from then until the online services' year.
ERA_WINDOWS: dict[str, tuple[datetime, datetime]] = {
    "1978": (datetime(1978, 2, 16, tzinfo=UTC), datetime(1982, 12, 31, 23, 59, 59, tzinfo=UTC)),
    "1983": (datetime(1983, 1, 1, tzinfo=UTC), datetime(1987, 6, 30, 23, 59, 59, tzinfo=UTC)),
    "1989": (datetime(1987, 7, 1, tzinfo=UTC), datetime(1993, 12, 31, 23, 59, 59, tzinfo=UTC)),
    "1994": (datetime(1994, 1, 1, tzinfo=UTC), datetime(1994, 12, 31, 23, 59, 59, tzinfo=UTC)),
}
FIRST_DAY, LAST_DAY = date(1978, 2, 16), date(1994, 12, 31)
LINE_MAX = 76  # every line of every body, bulletin and chat line
ARTICLE_FILES = tuple(f"articles-{era}.toml" for era in ERAS)
# Tokens a reply's body may use, replaced by the parent's Message-ID and date ("3/4/89").
PARENT_ID, PARENT_DATE = "<msgid>", "<date>"
DEFAULT_SITE = "retroboard.demo"


@dataclass(frozen=True)
class DemoGroup:
    """A period group or message base: its name, one-line description and era."""

    name: str
    description: str
    era: str


@dataclass(frozen=True)
class DemoAuthor:
    """A fictional period persona who writes articles (a member of the demo board)."""

    handle: str
    real_name: str
    location: str
    era: str
    site: str  # the UUCP/Internet host in a Message-ID, e.g. "wombat.UUCP"


@dataclass(frozen=True)
class DemoArticle:
    """An article as the seeder posts it: `parent` is the key it follows up, or None."""

    key: str
    groups: tuple[str, ...]
    subject: str
    author: str
    date: datetime  # aware, UTC
    parent: str | None
    body: str  # tokens already replaced; no trailing newline
    message_id: str  # "<104257@wombat.UUCP>" (see message_id); replies' attributions name it
    era: str


@dataclass(frozen=True)
class DemoBulletin:
    """A bulletin that tells part of the history."""

    title: str
    date: date
    body: str


@dataclass(frozen=True)
class DemoOneLiner:
    """A line on the one-liner wall, by a demo author, from one era."""

    author: str
    text: str
    era: str


@dataclass(frozen=True)
class DemoRegular:
    """A scripted regular: who appears online, doing what, and the chat lines they say."""

    handle: str
    location: str
    doing: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class DemoContent:
    """Everything the demo board is seeded with; articles in date order (then key), bulletins too."""

    groups: tuple[DemoGroup, ...]
    authors: tuple[DemoAuthor, ...]
    articles: tuple[DemoArticle, ...]
    bulletins: tuple[DemoBulletin, ...]
    oneliners: tuple[DemoOneLiner, ...]
    regulars: tuple[DemoRegular, ...]

    def group(self, name: str) -> DemoGroup:
        """The group called `name`; raises KeyError when there is none."""
        for g in self.groups:
            if g.name == name:
                return g
        raise KeyError(name)

    def author(self, handle: str) -> DemoAuthor:
        """The author with this handle; raises KeyError when there is none."""
        for a in self.authors:
            if a.handle == handle:
                return a
        raise KeyError(handle)


class _Checker:
    """Raise ValueError("<file>: <entry>: <problem>") for one entry of one file."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, entry: str, problem: str) -> ValueError:
        return ValueError(f"{self.file}: {entry}: {problem}")

    def text(self, entry: str, table: Mapping[str, Any], key: str, *, limit: int = 0) -> str:
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(entry, f"'{key}' must be a non-empty string")
        self.plain(entry, key, value)
        if limit and len(value) > limit:
            raise self.fail(entry, f"'{key}' is {len(value)} characters (the limit is {limit})")
        return value

    def plain(self, entry: str, key: str, value: str) -> None:
        """Printable ASCII only, and every line at most LINE_MAX characters."""
        for number, line in enumerate(value.split("\n"), 1):
            bad = next((ch for ch in line if not " " <= ch <= "~"), None)
            if bad is not None:
                raise self.fail(entry, f"'{key}' line {number} is not plain ASCII ({bad!r})")
            if len(line) > LINE_MAX:
                raise self.fail(
                    entry, f"'{key}' line {number} is {len(line)} characters (limit {LINE_MAX})"
                )

    def era(self, entry: str, table: Mapping[str, Any]) -> str:
        value = table.get("era")
        if value not in ERAS:
            raise self.fail(entry, f"'era' must be one of {', '.join(ERAS)} (got {value!r})")
        return str(value)

    def body(self, entry: str, table: Mapping[str, Any], key: str = "body") -> str:
        return self.text(entry, table, key).strip("\n")


def _read(directory: Traversable | Path, name: str) -> dict[str, Any]:
    try:
        return tomllib.loads(directory.joinpath(name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{name}: the file is missing") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ValueError(f"{name}: not valid TOML: {e}") from None


def _tables(data: Mapping[str, Any], name: str, key: str) -> list[Mapping[str, Any]]:
    items = data.get(key, [])
    if not isinstance(items, list) or not all(isinstance(t, dict) for t in items):
        raise ValueError(f"{name}: '[[{key}]]' must be an array of tables")
    return items


def _groups(directory: Traversable | Path) -> tuple[DemoGroup, ...]:
    name = "groups.toml"
    check, out, seen = _Checker(name), [], set()
    for i, t in enumerate(_tables(_read(directory, name), name, "group"), 1):
        entry = f"group {t.get('name', i)!s}"
        raw = check.text(entry, t, "name")
        try:
            group = validate_group_name(raw)
        except UsenetRuleError as e:
            raise check.fail(entry, str(e)) from None
        if group != raw:
            raise check.fail(entry, "group names are written in lower case")
        if group in seen:
            raise check.fail(entry, "the name is used twice")
        seen.add(group)
        out.append(DemoGroup(group, check.text(entry, t, "description"), check.era(entry, t)))
    return tuple(out)


def _authors(directory: Traversable | Path) -> tuple[DemoAuthor, ...]:
    name = "authors.toml"
    check, out, seen = _Checker(name), [], set()
    for i, t in enumerate(_tables(_read(directory, name), name, "author"), 1):
        entry = f"author {t.get('handle', i)!s}"
        handle = check.text(entry, t, "handle")
        try:
            check_handle(handle)
        except ValueError as e:
            raise check.fail(entry, str(e)) from None
        if handle.lower() in seen:
            raise check.fail(entry, "the handle is used twice")
        seen.add(handle.lower())
        site = check.text(entry, t, "site") if "site" in t else DEFAULT_SITE
        out.append(
            DemoAuthor(
                handle,
                check.text(entry, t, "real_name", limit=REAL_NAME_MAX),
                check.text(entry, t, "location", limit=LOCATION_MAX),
                check.era(entry, t),
                site,
            )
        )
    return tuple(out)


def _when(check: _Checker, entry: str, value: object) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise check.fail(
            entry, "'date' must be an ISO 8601 date and time in UTC, like 1983-05-02T14:30:00Z"
        )
    when = value.astimezone(UTC)
    if not FIRST_DAY <= when.date() <= LAST_DAY:
        raise check.fail(entry, f"the date {when:%Y-%m-%d} is outside {FIRST_DAY} to {LAST_DAY}")
    return when


def message_id(key: str, site: str) -> str:
    """The article's Message-ID, "<123456@site>": a number from its key alone, so an id
    stays the same when other articles are added or removed (the seeder's --reset finds
    the demo's articles by these ids)."""
    return f"<{100_000 + zlib.crc32(key.encode()) % 900_000}@{site}>"


def _articles(
    directory: Traversable | Path,
    groups: tuple[DemoGroup, ...],
    authors: tuple[DemoAuthor, ...],
) -> tuple[DemoArticle, ...]:
    era_of = {g.name: g.era for g in groups}
    by_handle = {a.handle: a for a in authors}
    raw: dict[str, tuple[_Checker, str, dict[str, Any]]] = {}
    for name in ARTICLE_FILES:
        check = _Checker(name)
        for i, t in enumerate(_tables(_read(directory, name), name, "article"), 1):
            entry = f"article {t.get('key', i)!s}"
            key = check.text(entry, t, "key", limit=40)
            if key in raw:
                raise check.fail(entry, f"the key is used twice (also in {raw[key][0].file})")
            names = t.get("groups")
            if (
                not isinstance(names, list)
                or not names
                or not all(isinstance(n, str) for n in names)
            ):
                raise check.fail(entry, "'groups' must be a non-empty list of group names")
            if len(set(names)) != len(names):
                raise check.fail(entry, "'groups' names a group twice")
            for g in names:
                if g not in era_of:
                    raise check.fail(entry, f"the group {g} is not in groups.toml")
            eras = {era_of[g] for g in names}
            if len(eras) != 1:
                raise check.fail(entry, "a cross-post's groups must be from one era")
            era = eras.pop()
            handle = check.text(entry, t, "author")
            if handle not in by_handle:
                raise check.fail(entry, f"the author {handle} is not in authors.toml")
            if by_handle[handle].era != era:
                raise check.fail(
                    entry,
                    f"the author {handle} is from {by_handle[handle].era}, the groups from {era}",
                )
            when = _when(check, entry, t.get("date"))
            first, last = ERA_WINDOWS[era]
            if not first <= when <= last:
                raise check.fail(
                    entry,
                    f"the date {when:%Y-%m-%d} is outside the {era} era ({first:%Y-%m-%d} to {last:%Y-%m-%d})",
                )
            check.text(entry, t, "subject", limit=SUBJECT_MAX)
            check.body(entry, t)
            parent = t.get("parent")
            if parent is not None and not isinstance(parent, str):
                raise check.fail(entry, "'parent' must be the key of an article")
            t = {**t, "date": when, "era": era, "groups": tuple(names)}
            raw[key] = (check, entry, t)
    ordered = sorted(raw, key=lambda k: (raw[k][2]["date"], k))
    ids: dict[str, str] = {}
    owner: dict[str, str] = {}
    for key in ordered:
        check, entry, t = raw[key]
        mid = message_id(key, by_handle[t["author"]].site)
        if not is_valid_message_id(mid):
            raise check.fail(entry, f"{mid} is not a valid Message-ID (check the author's site)")
        if mid in owner:
            raise check.fail(entry, f"its Message-ID {mid} is {owner[mid]}'s too; rename one key")
        ids[key], owner[mid] = mid, key
    out: list[DemoArticle] = []
    for key in ordered:
        check, entry, t = raw[key]
        parent = t.get("parent")
        body = check.body(entry, t)
        if parent is not None:
            if parent not in raw:
                raise check.fail(entry, f"the parent {parent} is not an article")
            parent_t = raw[parent][2]
            if parent_t["date"] >= t["date"]:
                raise check.fail(entry, f"it is dated before (or with) its parent {parent}")
            if not set(parent_t["groups"]) & set(t["groups"]):
                raise check.fail(entry, f"it shares no group with its parent {parent}")
            pd: datetime = parent_t["date"]
            body = body.replace(PARENT_ID, ids[parent]).replace(
                PARENT_DATE, f"{pd.month}/{pd.day}/{pd:%y}"
            )
            check.plain(entry, "body", body)
        elif PARENT_ID in body or PARENT_DATE in body:
            raise check.fail(entry, f"only a reply may use {PARENT_ID} or {PARENT_DATE}")
        out.append(
            DemoArticle(
                key=key,
                groups=t["groups"],
                subject=t["subject"],
                author=t["author"],
                date=t["date"],
                parent=parent,
                body=body,
                message_id=ids[key],
                era=t["era"],
            )
        )
    return tuple(out)


def _bulletins(directory: Traversable | Path) -> tuple[DemoBulletin, ...]:
    name = "bulletins.toml"
    check, out = _Checker(name), []
    for i, t in enumerate(_tables(_read(directory, name), name, "bulletin"), 1):
        entry = f"bulletin {t.get('title', i)!s}"
        title = check.text(entry, t, "title", limit=BULLETIN_TITLE_MAX)
        day = t.get("date")
        if isinstance(day, datetime) or not isinstance(day, date):
            raise check.fail(entry, "'date' must be a date, like 1978-02-16")
        if not FIRST_DAY <= day <= LAST_DAY:
            raise check.fail(entry, f"the date {day} is outside {FIRST_DAY} to {LAST_DAY}")
        out.append(DemoBulletin(title, day, check.body(entry, t)))
    return tuple(sorted(out, key=lambda b: b.date))


def _oneliners(
    directory: Traversable | Path, authors: tuple[DemoAuthor, ...]
) -> tuple[DemoOneLiner, ...]:
    name = "oneliners.toml"
    check, out, handles = _Checker(name), [], {a.handle for a in authors}
    for i, t in enumerate(_tables(_read(directory, name), name, "oneliner"), 1):
        entry = f"one-liner {i}"
        author = check.text(entry, t, "author")
        if author not in handles:
            raise check.fail(entry, f"the author {author} is not in authors.toml")
        out.append(
            DemoOneLiner(
                author, check.text(entry, t, "text", limit=ONELINER_MAX), check.era(entry, t)
            )
        )
    return tuple(out)


def _regulars(
    directory: Traversable | Path, authors: tuple[DemoAuthor, ...]
) -> tuple[DemoRegular, ...]:
    name = "regulars.toml"
    check, out, seen = _Checker(name), [], set()
    handles = {a.handle for a in authors}
    for i, t in enumerate(_tables(_read(directory, name), name, "regular"), 1):
        entry = f"regular {t.get('handle', i)!s}"
        handle = check.text(entry, t, "handle")
        if handle not in handles:
            raise check.fail(entry, f"the handle {handle} is not in authors.toml")
        if handle in seen:
            raise check.fail(entry, "the handle is used twice")
        seen.add(handle)
        lines = t.get("lines")
        if not isinstance(lines, list) or not lines:
            raise check.fail(entry, "'lines' must be a non-empty list of chat lines")
        chat = tuple(
            check.text(entry, {"lines": line}, "lines", limit=min(CHAT_LINE_MAX, LINE_MAX))
            for line in lines
        )
        out.append(
            DemoRegular(
                handle,
                check.text(entry, t, "location", limit=LOCATION_MAX),
                check.text(entry, t, "doing", limit=LINE_MAX),
                chat,
            )
        )
    return tuple(out)


def load_demo(directory: Traversable | Path | None = None) -> DemoContent:
    """Read and check the demo content; `directory` defaults to the packaged content/ folder.

    Returns every group, author, article (in date order, then key; replies' "<msgid>" and
    "<date>" tokens replaced by their parent's Message-ID and M/D/YY date), bulletin,
    one-liner and regular. Raises ValueError naming the file and the entry when a file is
    missing or not TOML, a key or name is used twice, an article names a group, author or
    parent that is not there (or a parent that is not earlier), a date is outside
    1978-02-16..1994-12-31 or its era's window, or a text is not plain ASCII or has a line
    over LINE_MAX characters.
    """
    where: Traversable | Path = (
        directory if directory is not None else files("retroboard.demo").joinpath("content")
    )
    groups = _groups(where)
    authors = _authors(where)
    return DemoContent(
        groups=groups,
        authors=authors,
        articles=_articles(where, groups, authors),
        bulletins=_bulletins(where),
        oneliners=_oneliners(where, authors),
        regulars=_regulars(where, authors),
    )
