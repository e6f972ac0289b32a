"""The teleconference service: channels, notices, history, topics, /msg, flood limit, twit
filter, clean and bounded text (SQLite, and PostgreSQL when reachable)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from retroboard.bus import EventBus
from retroboard.config import Settings
from retroboard.db.engine import Database
from retroboard.db.migrate import upgrade
from retroboard.db.tables import UserRow
from retroboard.domain.community import (
    CHANNEL_NAME_MAX,
    CHAT_CHANNELS_MAX,
    CHAT_HISTORY,
    CHAT_LINE_MAX,
    TOPIC_MAX,
)
from retroboard.domain.errors import NotFound, ValidationError
from retroboard.domain.events import ChatLine, NoticeSent
from retroboard.domain.users import User
from retroboard.services.facade import Services, build_services
from retroboard.services.teleconference import (
    FloodGate,
    Flooding,
    Joined,
    Teleconference,
    channel_name,
)


@dataclass
class Clock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Board:
    sv: Services
    db: Database
    bus: EventBus
    chat: Teleconference
    clock: Clock
    heard: list[object] = field(default_factory=list)
    screens: dict[str, tuple[int, list[str]]] = field(default_factory=dict)

    def lines(self) -> list[ChatLine]:
        return [e for e in self.heard if isinstance(e, ChatLine)]

    def seen_by(self, session: str, user: User) -> list[str]:
        """What the session's screen was given since it started watching (or the last
        `clear`): "kind:sender:text" of each line `delivers` let through when it was sent."""
        if session not in self.screens:
            self.screens[session] = (user.id, [])
        return self.screens[session][1]

    def on_line(self, line: ChatLine) -> None:
        for session, (user_id, got) in self.screens.items():
            if self.chat.delivers(line, session, user_id):
                got.append(f"{line.kind}:{line.sender}:{line.text}")

    def clear(self) -> None:
        self.heard.clear()
        for _user_id, got in self.screens.values():
            got.clear()


@pytest.fixture
async def board(db_url: str) -> AsyncIterator[Board]:
    db = Database(db_url)
    await upgrade(db)
    settings = Settings(
        argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1, default_groups=""
    )
    bus = EventBus()
    sv = build_services(settings, db, bus)
    clock = Clock()
    chat = Teleconference(bus, sv.ignores, sv.presence, db, clock=clock)
    b = Board(sv, db, bus, chat, clock)
    with bus.listen(object, b.heard.append), bus.listen(ChatLine, b.on_line):
        try:
            yield b
        finally:
            await db.dispose()


async def member(b: Board, handle: str) -> User:
    return await b.sv.users.register(handle, f"{handle}-Pass-123")


async def join(b: Board, session: str, user: User, name: str = "#main") -> Joined:
    """Join as a chat screen does: watching the bus from just before joining."""
    b.seen_by(session, user)
    return await b.chat.join(session, user, name)


def online(b: Board, session: str, user: User) -> None:
    node = b.sv.presence.open(session, transport="telnet", address="127.0.0.1", terminal="ansi")
    b.sv.presence.logged_in(node.number, user)


async def test_join_main_tells_the_others_and_shows_who_is_there(board: Board) -> None:
    ada, bob = await member(board, "ada"), await member(board, "bob")
    first = await join(board, "s1", ada)
    assert (first.channel, first.who, first.history) == ("#main", ("ada",), ())
    second = await join(board, "s2", bob)
    assert second.who == ("ada", "bob")
    assert board.seen_by("s1", ada) == ["join:bob:"]  # ada is told bob came
    assert board.seen_by("s2", bob) == []  # bob is not told of his own arrival
    board.chat.leave("s2")
    assert board.seen_by("s1", ada) == ["join:bob:", "part:bob:"]
    assert board.chat.who("#main") == ("ada",)


async def test_channels_are_made_by_joining_and_vanish_when_empty(board: Board) -> None:
    ada, bob = await member(board, "ada"), await member(board, "bob")
    await join(board, "s1", ada, "Retro-Games")  # no '#', capitals: normalised
    assert board.chat.channel_of("s1") == "#retro-games"
    await join(board, "s2", bob, "#main")
    board.chat.set_topic("s1", "Sonic vs Mario")
    infos = board.chat.channels()
    assert [(i.name, i.topic, i.count) for i in infos] == [
        ("#main", "", 1),
        ("#retro-games", "Sonic vs Mario", 1),
    ]
    await join(board, "s1", ada, "#main")  # leaving the last member: the channel goes
    assert [i.name for i in board.chat.channels()] == ["#main"]
    board.chat.leave("s1")
    board.chat.leave("s2")
    assert [(i.name, i.count) for i in board.chat.channels()] == [("#main", 0)]  # stays
    with pytest.raises(NotFound):
        board.chat.who("#retro-games")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("#", "letters, digits"),
        ("#bad name", "letters, digits"),
        ("#semi;colon", "letters, digits"),
        ("#" + "x" * CHANNEL_NAME_MAX, f"at most {CHANNEL_NAME_MAX}"),
        ("", "letters, digits"),
    ],
)
def test_bad_channel_names_are_refused(name: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        channel_name(name)


def test_channel_names_are_cleaned_and_normalised() -> None:
    assert channel_name(" #Main ") == "#main"
    assert channel_name("x_y-1") == "#x_y-1"
    assert channel_name("#" + "a" * (CHANNEL_NAME_MAX - 1)) == "#" + "a" * (CHANNEL_NAME_MAX - 1)


async def test_join_replays_the_last_lines_without_ignored_ones(board: Board) -> None:
    ada, bob, carol = (
        await member(board, "ada"),
        await member(board, "bob"),
        await member(board, "carol"),
    )
    await join(board, "s1", ada)
    await join(board, "s2", bob)
    for n in range(CHAT_HISTORY + 5):
        board.clock.now += 2  # slow enough for the flood limit
        board.chat.say("s1" if n % 2 else "s2", f"line {n}")
    board.chat.act("s1", "waves")
    await board.sv.ignores.ignore(carol, "bob")
    joined = await join(board, "s3", carol)
    assert all(line.sender == "ada" for line in joined.history)
    assert joined.history[-1].kind == "action" and joined.history[-1].text == "waves"
    everyone = await join(board, "s4", await member(board, "dan"))
    assert len(everyone.history) == CHAT_HISTORY
    assert everyone.history[0].text == "line 6"


async def test_say_and_act_reach_the_channel_only(board: Board) -> None:
    ada, bob, carol = (
        await member(board, "ada"),
        await member(board, "bob"),
        await member(board, "carol"),
    )
    await join(board, "s1", ada)
    await join(board, "s2", bob)
    await join(board, "s3", carol, "#elsewhere")
    board.clear()
    board.chat.say("s1", "hello")
    board.chat.act("s2", "waves")
    assert board.seen_by("s2", bob) == ["say:ada:hello", "action:bob:waves"]
    assert board.seen_by("s1", ada) == ["say:ada:hello", "action:bob:waves"]  # own lines too
    assert board.seen_by("s3", carol) == []


async def test_text_is_cleaned_and_long_or_empty_lines_refused(board: Board) -> None:
    ada = await member(board, "ada")
    await join(board, "s1", ada)
    line = board.chat.say("s1", "hi \x1b[2Jthere\u202e\u200b\r\nyou")
    assert line.text == "hi there you"
    with pytest.raises(ValidationError, match=f"{CHAT_LINE_MAX + 1} characters long; at most"):
        board.chat.say("s1", "x" * (CHAT_LINE_MAX + 1))
    with pytest.raises(ValidationError, match="empty"):
        board.chat.say("s1", " \x07 ")
    with pytest.raises(ValidationError, match=f"at most {TOPIC_MAX}"):
        board.chat.set_topic("s1", "t" * (TOPIC_MAX + 1))
    with pytest.raises(NotFound, match="not in a channel"):
        board.chat.say("nobody-session", "hello")


async def test_topic_is_set_by_anyone_there_and_announced(board: Board) -> None:
    ada, bob = await member(board, "ada"), await member(board, "bob")
    await join(board, "s1", ada)
    await join(board, "s2", bob)
    board.chat.set_topic("s2", "Amiga night")
    assert board.seen_by("s1", ada)[-1] == "topic:bob:Amiga night"
    again = await join(board, "s3", await member(board, "carol"))
    assert (again.topic, again.topic_by) == ("Amiga night", "bob")


def test_flood_gate_five_lines_then_a_cool_down_with_the_time_left() -> None:
    gate = FloodGate(lines=5, window=5.0, cooldown=10.0)
    for n in range(5):
        gate.check(1, 100.0 + n * 0.5)
    with pytest.raises(Flooding) as refused:
        gate.check(1, 102.6)
    assert refused.value.seconds == 10 and "Wait 10 seconds" in str(refused.value)
    with pytest.raises(Flooding) as still:
        gate.check(1, 108.0)
    assert still.value.seconds == 5
    gate.check(2, 108.0)  # another member is not held up
    gate.check(1, 112.7)  # the cool-down is over
    gate.forget(1, 112.7)


def test_flood_gate_lets_a_steady_talker_through() -> None:
    gate = FloodGate(lines=5, window=5.0, cooldown=10.0)
    for n in range(50):
        gate.check(1, 100.0 + n * 1.01)  # under 5 lines in any 5 seconds


async def test_flooding_the_channel_is_refused_and_nothing_sent(board: Board) -> None:
    ada = await member(board, "ada")
    await join(board, "s1", ada)
    for n in range(5):
        board.chat.say("s1", f"spam {n}")
    board.clear()
    with pytest.raises(Flooding, match="Wait 10 seconds"):
        board.chat.say("s1", "spam 5")
    board.clock.now += 4
    with pytest.raises(Flooding, match="Wait 6 seconds"):
        board.chat.act("s1", "spams")
    assert board.lines() == []
    board.clock.now += 6
    board.chat.say("s1", "calm now")
    assert [line.text for line in board.lines()] == ["calm now"]


async def test_msg_in_chat_goes_to_that_member_only(board: Board) -> None:
    ada, bob, carol = (
        await member(board, "ada"),
        await member(board, "bob"),
        await member(board, "carol"),
    )
    await join(board, "s1", ada)
    await join(board, "s2", bob, "#other")
    await join(board, "s3", carol)
    board.clear()
    sent = await board.chat.msg("s1", "BOB", "psst")
    assert (sent.to, sent.via) == ("bob", "chat")
    assert board.seen_by("s2", bob) == ["private:ada:psst"]  # in another channel: still
    assert board.seen_by("s3", carol) == []
    with pytest.raises(NotFound, match="Nobody called 'zed' is online"):
        await board.chat.msg("s1", "zed", "hi")
    with pytest.raises(ValidationError, match="That is you"):
        await board.chat.msg("s1", "ada", "hi")


async def test_msg_to_someone_online_outside_chat_is_a_page(board: Board) -> None:
    ada, bob, dnd = (
        await member(board, "ada"),
        await member(board, "bob"),
        await member(board, "dnd"),
    )
    online(board, "s2", bob)
    online(board, "s3", dnd)
    await join(board, "s1", ada)
    board.clear()
    sent = await board.chat.msg("s1", "bob", "come to chat")
    assert sent.via == "page"
    pages = [e for e in board.heard if isinstance(e, NoticeSent)]
    assert [(p.kind, p.sender, p.to_user, p.text) for p in pages] == [
        ("page", "ada", bob.id, "come to chat")
    ]
    async with board.db.write() as s:
        row = await s.get(UserRow, dnd.id)
        assert row is not None
        row.do_not_disturb = True
    with pytest.raises(ValidationError, match="dnd does not want to be disturbed"):
        await board.chat.msg("s1", "dnd", "hello?")


async def test_the_twit_filter_keeps_lines_and_private_lines_away(board: Board) -> None:
    ada, bob = await member(board, "ada"), await member(board, "bob")
    await join(board, "s1", ada)
    await board.sv.ignores.ignore(ada, "bob")  # after joining: the cache follows the change
    await join(board, "s2", bob)
    board.chat.say("s2", "can you hear me")
    board.clock.now += 10
    sent = await board.chat.msg("s2", "ada", "hello?")
    assert sent.via == "chat"  # bob is not told
    assert board.seen_by("s1", ada) == []  # neither the join, the line nor the private one
    board.chat.say("s1", "quiet here")
    assert board.seen_by("s2", bob) == ["say:bob:can you hear me", "say:ada:quiet here"]
    await board.sv.ignores.unignore(ada, "bob")
    board.clear()
    board.chat.say("s2", "now?")
    assert board.seen_by("s1", ada) == ["say:bob:now?"]


async def test_hopping_channels_counts_against_the_flood_limit(board: Board) -> None:
    ada = await member(board, "ada")
    await join(board, "s1", ada)  # arriving is free
    for n in range(5):
        await join(board, "s1", ada, f"#room{n}")
    with pytest.raises(Flooding):
        await join(board, "s1", ada, "#main")
    assert board.chat.channel_of("s1") == "#room4"  # refused: still where it was


async def test_the_number_of_channels_is_bounded(board: Board) -> None:
    users = [await member(board, f"user{n}") for n in range(CHAT_CHANNELS_MAX)]
    for n, user in enumerate(users[:-1]):
        await join(board, f"s{n}", user, f"#room{n}")  # with #main: CHAT_CHANNELS_MAX
    with pytest.raises(ValidationError, match="too many channels"):
        await join(board, "last", users[-1], "#one-more")
    await join(board, "last", users[-1], "#room3")  # an existing one is fine
    assert len(board.chat.channels()) == CHAT_CHANNELS_MAX
