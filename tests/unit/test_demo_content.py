"""The demo board's content: the packaged files load, and every broken file is refused by name."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from retroboard.demo.content import (
    ERA_WINDOWS,
    ERAS,
    LINE_MAX,
    DemoArticle,
    DemoContent,
    load_demo,
)
from retroboard.domain.usenet import reply_subject


@pytest.fixture(scope="module")
def demo() -> DemoContent:
    return load_demo()


def _root(by_key: dict[str, DemoArticle], key: str) -> str:
    article = by_key[key]
    while article.parent is not None:
        article = by_key[article.parent]
    return article.key


def test_the_packaged_content_is_big_enough_in_every_era(demo: DemoContent) -> None:
    assert len(demo.articles) >= 220
    assert 12 <= len(demo.groups) <= 20 and 25 <= len(demo.authors) <= 40
    assert 6 <= len(demo.bulletins) <= 10 and 20 <= len(demo.oneliners) <= 30
    assert 4 <= len(demo.regulars) <= 6
    assert all(10 <= len(r.lines) <= 20 for r in demo.regulars)
    per_era = Counter(a.era for a in demo.articles)
    for era in ERAS:
        assert per_era[era] >= 30, era
        assert any(g.era == era for g in demo.groups), era
        assert any(a.era == era for a in demo.authors), era
        assert any(o.era == era for o in demo.oneliners), era
    assert {g.name.split(".")[0] for g in demo.groups if g.era == "1983"} == {"net"}


def test_articles_are_threaded_cross_posted_and_in_date_order(demo: DemoContent) -> None:
    dates = [(a.date, a.key) for a in demo.articles]
    assert dates == sorted(dates)
    by_key = {a.key: a for a in demo.articles}
    threads = Counter(_root(by_key, a.key) for a in demo.articles)
    in_threads = sum(n for n in threads.values() if 2 <= n <= 8)
    assert in_threads >= 0.8 * len(demo.articles)
    for era in ERAS:
        assert any(len(a.groups) == 2 and a.era == era for a in demo.articles), era
    for a in demo.articles:
        first, last = ERA_WINDOWS[a.era]
        assert first <= a.date <= last, a.key
        if a.parent is not None:
            assert by_key[a.parent].date < a.date, a.key
            assert "\n> " in "\n" + a.body, f"{a.key} quotes its parent"
    assert len({a.message_id for a in demo.articles}) == len(demo.articles)
    for a in demo.articles:
        if a.parent is not None:
            parent = by_key[a.parent]
            assert a.subject.lower() == reply_subject(parent.subject).lower(), a.key
    assert {a.author for a in demo.articles} == {x.handle for x in demo.authors}


def test_replies_name_their_parent(demo: DemoContent) -> None:
    by_key = {a.key: a for a in demo.articles}
    for a in demo.articles:
        assert "<msgid>" not in a.body and "<date>" not in a.body, a.key
        if a.parent is not None and a.era == "1983":
            assert f"In article {by_key[a.parent].message_id}, " in a.body, a.key
        if a.era == "1983":
            assert "\n-- \n" in a.body, f"{a.key} has a signature"
    reply = next(a for a in demo.articles if a.era == "1989" and a.parent)
    parent = by_key[reply.parent or ""]
    assert reply.body.startswith(f"On {parent.date.month}/{parent.date.day}/{parent.date:%y}, ")


def test_every_text_is_plain_ascii_in_short_lines(demo: DemoContent) -> None:
    texts = [a.body for a in demo.articles] + [b.body for b in demo.bulletins]
    texts += [line for r in demo.regulars for line in r.lines] + [o.text for o in demo.oneliners]
    for text in texts:
        assert re.fullmatch(r"[ -~\n]*", text), text[:40]
        assert max(len(line) for line in text.split("\n")) <= LINE_MAX, text[:40]
    assert all(3 <= len(a.body.split("\n")) <= 25 for a in demo.articles)
    assert all(len(b.body.split("\n")) <= 20 for b in demo.bulletins)


# ----------------------------------------------------------------------------- broken files

GOOD = {
    "groups.toml": """
[[group]]
name = "cbbs.general"
description = "The message base"
era = "1978"

[[group]]
name = "net.micro"
description = "Micros"
era = "1983"
""",
    "authors.toml": """
[[author]]
handle = "hank"
real_name = "Hank D"
location = "Skokie, IL"
era = "1978"

[[author]]
handle = "jsk"
real_name = "J K"
location = "Berkeley, CA"
era = "1983"
site = "wombat.UUCP"
""",
    "articles-1978.toml": """
[[article]]
key = "first"
groups = ["cbbs.general"]
subject = "FIRST"
author = "hank"
date = 1978-02-16T21:40:00Z
body = '''
HELLO.
'''

[[article]]
key = "second"
groups = ["cbbs.general"]
parent = "first"
subject = "RE: FIRST"
author = "hank"
date = 1978-02-17T10:00:00Z
body = '''
ON <date>, HANK WROTE:
> HELLO.
'''
""",
    "articles-1983.toml": """
[[article]]
key = "u1"
groups = ["net.micro"]
subject = "Modems"
author = "jsk"
date = 1983-02-07T18:22:00Z
body = '''
Fast ones.
'''

[[article]]
key = "u2"
groups = ["net.micro"]
parent = "u1"
subject = "Re: Modems"
author = "jsk"
date = 1983-02-08T18:22:00Z
body = '''
In article <msgid>, jsk@wombat.UUCP writes:
> Fast ones.
'''
""",
    "articles-1989.toml": "# none\n",
    "articles-1994.toml": "# none\n",
    "bulletins.toml": """
[[bulletin]]
title = "CBBS"
date = 1978-02-16
body = '''
It began.
'''
""",
    "oneliners.toml": """
[[oneliner]]
author = "hank"
text = "FIRST CALL"
era = "1978"
""",
    "regulars.toml": """
[[regular]]
handle = "jsk"
location = "Berkeley, CA"
doing = "Reading news"
lines = ["hi", "bye"]
""",
}


def _write(directory: Path, file: str = "", old: str = "", new: str = "") -> Path:
    for name, text in GOOD.items():
        if name == file:
            assert old in text, (file, old)
            text = text.replace(old, new, 1)
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def test_the_small_good_files_load(tmp_path: Path) -> None:
    demo = load_demo(_write(tmp_path))
    assert [a.key for a in demo.articles] == ["first", "second", "u1", "u2"]
    assert demo.articles[1].body.startswith("ON 2/16/78, HANK WROTE:")
    u1 = demo.articles[2].message_id
    assert re.fullmatch(r"<[0-9]{6}@wombat\.UUCP>", u1)
    assert demo.articles[3].body.startswith(f"In article {u1}, jsk")
    assert demo.articles[0].message_id.endswith("@retroboard.demo>")
    assert demo.regulars[0].lines == ("hi", "bye")


A1978 = "articles-1978.toml"
BROKEN = [
    (A1978, 'key = "second"', 'key = "first"', r"articles-1978.toml: article first: .*used twice"),
    (A1978, 'parent = "first"', 'parent = "zeroth"', r"article second: the parent zeroth is not"),
    (A1978, "1978-02-17T10:00:00Z", "1978-02-16T20:00:00Z", r"article second: .*before .*parent"),
    (A1978, 'author = "hank"', 'author = "nobody"', r"article first: the author nobody is not"),
    (A1978, '["cbbs.general"]', '["cbbs.nowhere"]', r"article first: the group cbbs.nowhere"),
    (A1978, "1978-02-16T21:40", "1977-12-31T21:40", r"article first: the date 1977-12-31 is out"),
    (A1978, "1978-02-16T21:40", "1983-02-16T21:40", r"article first: .*outside the 1978 era"),
    (A1978, "HELLO.\n'''", "HELLO." + "O" * 71 + "\n'''", r"article first: 'body' line 1 is 77"),
    (A1978, "HELLO.\n'''", "\u201chello\u201d\n'''", r"article first: 'body' line 1 is not plain"),
    (A1978, "HELLO.\n'''", "HELLO <date>\n'''", r"article first: only a reply may use"),
    (A1978, "date = 1978-02-16T21:40:00Z", "date = 1978-02-16", r"article first: 'date' must"),
    (A1978, '["cbbs.general"]', '["cbbs.general", "net.micro"]', r"article first: .*one era"),
    (A1978, 'author = "hank"', 'author = "jsk"', r"article first: the author jsk is from 1983"),
    (A1978, 'subject = "FIRST"', 'subject = ""', r"article first: 'subject' must be"),
    (A1978, "[[article]]", "[[article]", r"articles-1978.toml: not valid TOML"),
    ("groups.toml", '"net.micro"', '"cbbs.general"', r"groups.toml: group cbbs.general: .*twice"),
    ("groups.toml", '"net.micro"', '"Net.Micro"', r"groups.toml: group Net.Micro: .*lower case"),
    ("groups.toml", '"net.micro"', '"netmicro"', r"groups.toml: group netmicro: .*two parts"),
    ("groups.toml", 'era = "1983"', 'era = "1985"', r"groups.toml: group net.micro: 'era' must"),
    ("authors.toml", 'handle = "jsk"', 'handle = "Hank"', r"authors.toml: author Hank: .*twice"),
    (
        "authors.toml",
        'handle = "jsk"',
        'handle = "sysop"',
        r"authors.toml: author sysop: .*reserved",
    ),
    ("bulletins.toml", "1978-02-16", "1995-01-01", r"bulletins.toml: bulletin CBBS: the date"),
    (
        "oneliners.toml",
        '"FIRST CALL"',
        '"' + "x" * 76 + '"',
        r"oneliners.toml: one-liner 1: 'text' is 76",
    ),
    ("oneliners.toml", '"hank"', '"ghost"', r"oneliners.toml: one-liner 1: the author ghost"),
    ("regulars.toml", '"jsk"', '"ghost"', r"regulars.toml: regular ghost: the handle ghost"),
    ("regulars.toml", '["hi", "bye"]', "[]", r"regulars.toml: regular jsk: 'lines' must"),
    ("regulars.toml", '"bye"', '"caf\u00e9"', r"regulars.toml: regular jsk: 'lines' line 1 is not"),
]


@pytest.mark.parametrize(("file", "old", "new", "message"), BROKEN)
def test_a_broken_file_is_refused_by_file_and_entry(
    tmp_path: Path, file: str, old: str, new: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        load_demo(_write(tmp_path, file, old, new))


def test_message_ids_do_not_move_when_articles_are_added(tmp_path: Path) -> None:
    before = {a.key: a.message_id for a in load_demo(_write(tmp_path)).articles}
    earlier = GOOD["articles-1983.toml"].replace('"u1"', '"u0"', 1).replace("02-07", "01-07", 1)
    u0 = "[[article]]" + earlier.split("[[article]]")[1]  # a 1983 article, dated before u1
    (tmp_path / "articles-1989.toml").write_text(u0)
    after = {a.key: a.message_id for a in load_demo(tmp_path).articles}
    assert len(after) == 5 and {k: after[k] for k in before} == before


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    (_write(tmp_path) / "regulars.toml").unlink()
    with pytest.raises(ValueError, match=r"regulars.toml: the file is missing"):
        load_demo(tmp_path)
