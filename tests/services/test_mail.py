"""Private mail on a fresh database (SQLite, and PostgreSQL when reachable)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest

from retroboard.app import Services, build_services
from retroboard.bus import EventBus
from retroboard.config import Settings
from retroboard.db.engine import Database
from retroboard.db.migrate import upgrade
from retroboard.db.tables import IgnoreRow
from retroboard.domain.boards import Draft, Policy
from retroboard.domain.community import LETTER_RECIPIENTS_MAX, LETTER_SUBJECT_MAX
from retroboard.domain.errors import NotFound, ValidationError
from retroboard.domain.events import NoticeSent
from retroboard.domain.users import Level, User
from retroboard.services.mail import NO_SUCH_LETTER, UnknownRecipient


@dataclass
class Board:
    sv: Services
    db: Database
    bus: EventBus


@pytest.fixture
async def board(db_url: str) -> AsyncIterator[Board]:
    db = Database(db_url)
    await upgrade(db)
    settings = Settings(
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        argon2_parallelism=1,
        domain="test.example",
        default_groups="",
    )
    bus = EventBus()
    try:
        yield Board(build_services(settings, db, bus), db, bus)
    finally:
        await db.dispose()


async def member(b: Board, handle: str, level: Level = Level.USER) -> User:
    return await b.sv.users.register(handle, f"{handle}-Pass-123", level=level)


async def test_send_reaches_inbox_unread_then_read(board: Board) -> None:
    mail = board.sv.mail
    alice, bob = await member(board, "alice"), await member(board, "bob")
    heard: list[NoticeSent] = []
    with board.bus.listen(NoticeSent, heard.append):
        sent = await mail.send(alice, ["BOB"], [], "Hello", "Hi bob\n\nHow are you?")
    assert sent.head.to == ("bob",) and sent.head.sender == "alice"
    assert [(n.kind, n.to_user, n.text) for n in heard] == [
        ("mail", bob.id, "New letter from alice: Hello")
    ]
    [head] = await mail.inbox(bob)
    assert head.id == sent.head.id and head.unread and head.subject == "Hello"
    assert await mail.unread_count(bob) == 1
    assert await mail.unread_count(alice) == 0
    letter = await mail.read(bob, head.id)
    assert letter.body == "Hi bob\n\nHow are you?" and letter.head.unread  # unread until now
    assert await mail.unread_count(bob) == 0
    assert not (await mail.inbox(bob))[0].unread
    [mine] = await mail.sent(alice)
    assert mine.id == head.id and not mine.unread
    assert await mail.inbox(alice) == []


async def test_unknown_handle_refused_naming_it_and_nothing_sent(board: Board) -> None:
    mail = board.sv.mail
    alice, bob = await member(board, "alice"), await member(board, "bob")
    with pytest.raises(UnknownRecipient) as err:
        await mail.send(alice, ["bob", "zed"], ["qux"], "Hi", "text")
    assert err.value.handles == ("zed", "qux")
    assert "'zed'" in str(err.value) and "'qux'" in str(err.value)
    assert isinstance(err.value, NotFound)
    assert await mail.inbox(bob) == [] and await mail.sent(alice) == []


async def test_duplicates_folded_and_cc(board: Board) -> None:
    mail = board.sv.mail
    alice, bob, carol = [await member(board, h) for h in ("alice", "bob", "carol")]
    sent = await mail.send(alice, ["bob, Bob", "bob"], ["BOB", "carol", "carol"], "S", "B")
    assert sent.head.to == ("bob",) and sent.head.cc == ("carol",)
    assert len(await mail.inbox(bob)) == 1 and len(await mail.inbox(carol)) == 1


async def test_limits_and_sanitising(board: Board) -> None:
    mail = board.sv.mail
    alice, bob = await member(board, "alice"), await member(board, "bob")
    with pytest.raises(ValidationError, match="recipient"):
        await mail.send(alice, [], [], "S", "B")
    with pytest.raises(ValidationError, match="subject"):
        await mail.send(alice, ["bob"], [], "  \x1b[2J ", "B")
    with pytest.raises(ValidationError, match="at most"):
        await mail.send(alice, ["bob"], [], "x" * (LETTER_SUBJECT_MAX + 1), "B")
    with pytest.raises(ValidationError, match="empty"):
        await mail.send(alice, ["bob"], [], "S", " \n\u200b ")
    many = [f"m{i:02d}" for i in range(LETTER_RECIPIENTS_MAX + 1)]
    with pytest.raises(ValidationError, match="at most"):
        await mail.send(alice, many, [], "S", "B")
    sent = await mail.send(alice, ["bob"], [], "Hi\u202e there\x07", "a\x1b[31mred\u200b\nok")
    got = await mail.read(bob, sent.head.id)
    assert got.head.subject == "Hi there" and got.body == "ared\nok"


async def test_ignored_sender_is_not_delivered_silently(board: Board) -> None:
    mail = board.sv.mail
    alice, bob, carol = [await member(board, h) for h in ("alice", "bob", "carol")]
    async with board.db.write() as s:
        s.add(IgnoreRow(user_id=bob.id, ignored_id=alice.id))
    heard: list[NoticeSent] = []
    with board.bus.listen(NoticeSent, heard.append):
        sent = await mail.send(alice, ["bob", "carol"], [], "S", "B")
    assert sent.head.to == ("bob", "carol")  # the sender is not told
    assert await mail.inbox(bob) == [] and await mail.unread_count(bob) == 0
    with pytest.raises(NotFound):
        await mail.read(bob, sent.head.id)
    assert [n.to_user for n in heard] == [carol.id]
    assert len(await mail.inbox(carol)) == 1


async def test_delete_hides_only_from_the_one_deleting(board: Board) -> None:
    mail = board.sv.mail
    alice, bob, carol = [await member(board, h) for h in ("alice", "bob", "carol")]
    sent = await mail.send(alice, ["bob"], ["carol"], "S", "B")
    await mail.delete(bob, sent.head.id)
    assert await mail.inbox(bob) == []
    assert len(await mail.inbox(carol)) == 1 and len(await mail.sent(alice)) == 1
    await mail.delete(alice, sent.head.id)
    assert await mail.sent(alice) == [] and len(await mail.inbox(carol)) == 1
    with pytest.raises(NotFound):
        await mail.delete(alice, sent.head.id)


async def test_reply_forward_and_feedback(board: Board) -> None:
    mail = board.sv.mail
    alice, bob, carol = [await member(board, h) for h in ("alice", "bob", "carol")]
    root = await member(board, "chief", Level.SYSOP)
    first = await mail.send(alice, ["bob"], ["carol"], "Plans", "Let us meet.")
    start = await mail.reply_head(bob, first.head.id, to_all=True)
    assert start.to == ("alice",) and start.cc == ("carol",) and start.subject == "Re: Plans"
    answer = await mail.reply(bob, first.head.id, "> Let us meet.\nYes.")
    assert answer.reply_to_id == first.head.id and answer.head.to == ("alice",)
    assert (await mail.inbox(alice))[0].subject == "Re: Plans"
    fwd = await mail.forward(carol, first.head.id, ["bob"], note="FYI")
    assert fwd.head.subject == "Fwd: Plans"
    body = (await mail.read(bob, fwd.head.id)).body
    assert body.startswith("FYI\n\n----- Forwarded letter -----\nFrom: alice\n")
    assert body.endswith("Subject: Plans\n\nLet us meet.")
    fb = await mail.feedback(alice, "Board idea", "More groups please")
    assert fb.head.to == ("chief",)
    assert (await mail.inbox(root))[0].subject == "Board idea"


async def test_feedback_without_sysop_is_refused(board: Board) -> None:
    alice = await member(board, "alice")
    with pytest.raises(ValidationError, match="no sysop"):
        await board.sv.mail.feedback(alice, "S", "B")


async def test_rejected_post_mails_the_author_the_reason(board: Board) -> None:
    sv = board.sv
    alice, mod = await member(board, "alice"), await member(board, "mod", Level.MODERATOR)
    await sv.groups.create("local.held", "held", policy=Policy.MODERATED)
    posted = await sv.articles.post(alice, ["local.held"], "My idea", "Buy my stuff")
    with pytest.raises(ValidationError, match="at most"):
        await sv.moderation.reject(mod, posted.article.head.id, reason="x" * 301)
    await sv.moderation.reject(mod, posted.article.head.id, reason="No ads\x1b[5m here")
    [head] = await sv.mail.inbox(alice)
    assert head.sender == "mod" and head.subject == "Your post was not accepted: My idea"
    body = (await sv.mail.read(alice, head.id)).body
    assert "Reason: No ads here" in body and "Buy my stuff" in body
    assert await sv.moderation.queue(mod) == []


# ---------------------------------------------------------------- who may touch a letter

Action = Callable[[Services, User, int], Awaitable[object]]


async def _inbox_lists(sv: Services, u: User, i: int) -> object:
    if i not in [h.id for h in await sv.mail.inbox(u)] + [h.id for h in await sv.mail.sent(u)]:
        raise NotFound(NO_SUCH_LETTER)
    return None


ACTIONS: dict[str, Action] = {
    "get": lambda sv, u, i: sv.mail.get(u, i),
    "read": lambda sv, u, i: sv.mail.read(u, i),
    "list": _inbox_lists,
    "reply_head": lambda sv, u, i: sv.mail.reply_head(u, i, to_all=True),
    "reply": lambda sv, u, i: sv.mail.reply(u, i, "my answer"),
    "send_reply_to": lambda sv, u, i: sv.mail.send(u, ["alice"], [], "Re", "x", reply_to=i),
    "forward": lambda sv, u, i: sv.mail.forward(u, i, ["eve"], note="look"),
    "delete": lambda sv, u, i: sv.mail.delete(u, i),
}
# who -> may they act on alice's letter to bob (CC carol; dave deleted his copy)?
ALLOWED = {
    "stranger": False,
    "recipient": True,
    "cc": True,
    "sender": True,
    "deleted_recipient": False,
    "sysop": False,  # a sysop has no key to others' mail
}


@pytest.mark.parametrize("who", sorted(ALLOWED))
@pytest.mark.parametrize("action", sorted(ACTIONS))
async def test_only_sender_and_recipients_reach_a_letter(
    board: Board, who: str, action: str
) -> None:
    sv = board.sv
    people = {
        "sender": await member(board, "alice"),
        "recipient": await member(board, "bob"),
        "cc": await member(board, "carol"),
        "deleted_recipient": await member(board, "dave"),
        "stranger": await member(board, "eve"),
        "sysop": await member(board, "chief", Level.SYSOP),
    }
    letter = await sv.mail.send(people["sender"], ["bob", "dave"], ["carol"], "Private", "Secret")
    await sv.mail.delete(people["deleted_recipient"], letter.head.id)
    with pytest.raises(NotFound) as missing:
        await ACTIONS[action](sv, people[who], letter.head.id + 1000)
    if ALLOWED[who]:
        await ACTIONS[action](sv, people[who], letter.head.id)
    else:
        with pytest.raises(NotFound) as refused:
            await ACTIONS[action](sv, people[who], letter.head.id)
        assert type(refused.value) is type(missing.value)
        assert str(refused.value) == str(missing.value) == NO_SUCH_LETTER
    # whatever happened, nobody else's copy changed
    assert [h.id for h in await sv.mail.inbox(people["cc"])][-1:] == [letter.head.id] or (
        who == "cc" and action == "delete"
    )


async def test_a_letter_draft_keeps_its_addressees(board: Board) -> None:
    alice = await member(board, "alice")
    drafts = board.sv.drafts
    letter = await drafts.save(
        alice.id,
        Draft(
            (),
            "Hi",
            "half a letter",
            kind="mail",
            to=("bob", "car;ol\x1b"),
            cc=("dave",),
            reply_to_id=7,
        ),
    )
    got = await drafts.get(alice.id, letter)
    assert got is not None and got.kind == "mail"
    assert (got.to, got.cc, got.reply_to_id) == (("bob", "car", "ol"), ("dave",), 7)
    await drafts.save(alice.id, Draft(("misc.test",), "post", "text"), letter)
    got = await drafts.get(alice.id, letter)
    assert got is not None and (got.kind, got.to, got.cc, got.reply_to_id) == ("post", (), (), None)


async def test_addressees_checked_before_writing(board: Board) -> None:
    await member(board, "Alice")
    await member(board, "bob")
    assert await board.sv.mail.addressees(["alice, BOB"], ["bob", "ALICE"]) == (
        ("Alice", "bob"),
        (),
    )
    with pytest.raises(UnknownRecipient, match="'nobody'"):
        await board.sv.mail.addressees(["bob"], ["nobody"])


async def test_deleting_an_account_keeps_the_letters_it_sent(board: Board) -> None:
    mail = board.sv.mail
    alice, bob, carol = [await member(board, h) for h in ("alice", "bob", "carol")]
    async with board.db.write() as s:
        s.add(IgnoreRow(user_id=carol.id, ignored_id=bob.id))
    first = await mail.send(alice, ["bob"], ["carol"], "To both", "Hi")
    await mail.send(bob, ["alice"], [], "From bob", "Hello")
    await board.sv.users.delete("bob")
    [kept] = await mail.inbox(alice)
    assert kept.sender == "bob" and kept.subject == "From bob"
    assert (await mail.read(carol, first.head.id)).head.to == ()  # bob's copy is gone
    with pytest.raises(UnknownRecipient):
        await mail.reply(alice, kept.id, "Are you there?")


async def test_the_twit_filter_service_applies_to_mail(board: Board) -> None:
    mail = board.sv.mail
    alice, bob = await member(board, "alice"), await member(board, "bob")
    await board.sv.ignores.ignore(bob, "alice")
    await mail.send(alice, ["bob"], [], "Ignored", "x")
    assert await mail.inbox(bob) == []
    await board.sv.ignores.unignore(bob, "alice")
    await mail.send(alice, ["bob"], [], "Heard", "y")
    assert [h.subject for h in await mail.inbox(bob)] == ["Heard"]
