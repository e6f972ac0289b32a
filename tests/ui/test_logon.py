"""The logon sequence through whole sessions: new bulletins shown once, since your last call,
the one-liners, each skippable; expert mode skips it all; the wall's 75-character limit; the
last callers and the bulletins screens (a sysop writes one in the BBS)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from retroboard.domain.community import ONELINER_MAX
from retroboard.domain.users import Level, User
from tests.helpers.fakeui import FakeCaller

PASSWORD = "Secret-pass-1"
MENU = r"Goodbye \(log off\)"


async def member(board: Any, handle: str, level: Level = Level.USER, where: str = "") -> User:
    await board.services.users.register(handle, PASSWORD, level=level, location=where)
    # a second call: the account has a previous one, so "since your last call" has a date
    user: User = await board.services.users.authenticate(handle, PASSWORD)
    return user


def output(c: FakeCaller) -> str:
    return bytes(c.term.output).decode("utf-8", "replace")


async def news(board: Any) -> tuple[User, User]:
    """A sysop's two bulletins and two one-liners from bob."""
    boss = await member(board, "boss", Level.SYSOP)
    bob = await member(board, "bob", where="Leeds")
    await board.services.bulletins.add(boss, "Modem pool", "We answer at 33600 now.")
    await board.services.bulletins.add(boss, "Uptime", "The board stays up all week.")
    await board.services.oneliners.add(bob, "First on the wall!")
    await board.services.oneliners.add(bob, "Hello from Leeds")
    return boss, bob


async def test_logon_shows_bulletins_then_since_last_call_then_the_wall(
    offline_board: Any,
) -> None:
    await news(offline_board)
    ada = await member(offline_board, "ada")
    c = FakeCaller(offline_board, user=ada)
    await c.wait_for(r"New bulletins: 2")
    await c.wait_for(r"S: skip the other bulletins")
    assert "Modem pool" in c.text and "We answer at 33600 now." in c.text
    await c.type("\r")
    await c.wait_for(r"Uptime")
    await c.wait_for(r"Q: straight to the menu")
    await c.type("\r")
    screen = await c.wait_for(r"A: add a one-liner")
    assert "Since your last call" in screen and "other callers" in screen
    assert "bob: First on the wall!" in screen and "bob: Hello from Leeds" in screen
    await c.type("\r")
    await c.wait_for(MENU)
    out = output(c)
    order = [out.index(t) for t in ("Modem pool", "Uptime", "Since your last call", "Hello from")]
    assert order == sorted(order), order
    assert out.index("Hello from") < out.rindex("Goodbye (log off)")


async def test_bulletins_are_shown_once(offline_board: Any) -> None:
    await news(offline_board)
    ada = await member(offline_board, "ada")
    c = FakeCaller(offline_board, user=ada)
    await c.wait_for(r"New bulletins: 2")
    await c.type("q")  # straight to the menu: both count as seen all the same
    await c.wait_for(MENU)
    await c.hangup()
    again = FakeCaller(offline_board, user=await offline_board.services.users.get("ada"))
    await again.wait_for(r"A: add a one-liner")  # the wall still comes
    assert "bulletin" not in output(again).lower()


async def test_each_part_can_be_skipped(offline_board: Any) -> None:
    await news(offline_board)
    ada = await member(offline_board, "ada")
    c = FakeCaller(offline_board, user=ada)
    await c.wait_for(r"Modem pool")
    await c.type("s")  # skips the other bulletin, not the rest
    await c.wait_for(r"A: add a one-liner")
    assert "Uptime" not in output(c)
    await c.type("q")
    await c.wait_for(MENU)

    cy = await member(offline_board, "cy")
    d = FakeCaller(offline_board, user=cy)
    await d.wait_for(r"Modem pool")
    await d.type("q")  # the whole sequence
    await d.wait_for(MENU)
    assert "Uptime" not in output(d) and "Hello from Leeds" not in output(d)


async def test_expert_mode_skips_the_sequence_but_the_call_is_recorded(
    offline_board: Any,
) -> None:
    await news(offline_board)
    ada = await member(offline_board, "ada")
    await offline_board.services.users.set_expert(ada.id, True)
    c = FakeCaller(offline_board, user=ada)
    await c.wait_for(MENU)
    out = output(c)
    assert "Modem pool" not in out and "Since your last call" not in out
    assert "Hello from Leeds" not in out
    [last, *_] = await offline_board.services.calls.last()
    assert (last.handle, last.node, last.transport) == ("ada", 1, "fake")
    assert [b.title for b in await offline_board.services.bulletins.unseen(ada)] == [
        "Modem pool",
        "Uptime",
    ]  # not shown, so still new


async def test_since_last_call_joins_the_greeting_when_the_wall_is_empty(
    offline_board: Any,
) -> None:
    bob = await member(offline_board, "bob")
    ada = await member(offline_board, "ada")
    await offline_board.services.mail.send(bob, ["ada"], [], "Hi", "hello")
    await offline_board.services.calls.record(bob, 3, "ssh")
    c = FakeCaller(offline_board, user=ada)
    screen = await c.wait_for(MENU)
    assert "Since your last call" in screen
    rows = screen.split("\n")
    assert not any(r.strip() == "1  new letter" for r in rows), screen  # the greeting's
    assert "You have 1 new letter." in rows, screen
    assert any(r.strip() == "1  other caller" for r in rows), screen


async def test_first_call_has_no_since_last_call(offline_board: Any) -> None:
    c = FakeCaller(offline_board, register=True)
    await c.wait_for(r"Handle \(2-20")
    for answer in ("newbie", PASSWORD, PASSWORD, "", "Bristol"):
        await c.line(answer)
    await c.wait_for(r"Create the account")
    await c.type("y")
    await c.wait_for(MENU)
    assert "Since your last call" not in output(c)
    [call] = await offline_board.services.calls.last()
    assert call.handle == "newbie" and call.location == "Bristol"


async def test_the_wall_holds_at_75_characters_and_says_so(offline_board: Any) -> None:
    ada = await member(offline_board, "ada")
    await offline_board.services.users.set_expert(ada.id, True)
    c = FakeCaller(offline_board, user=ada)
    await c.wait_for(MENU)
    await c.type("o")
    await c.wait_for(r"Nobody has written on the wall yet")
    await c.type("a")
    await c.wait_for(rf"at most {ONELINER_MAX} characters")
    before = len(c.term.output)
    await c.type("x" * (ONELINER_MAX + 5))
    await c.wait_for("x" * ONELINER_MAX)
    typed = bytes(c.term.output[before:])
    assert typed.count(b"\a") == 5  # every character past the limit rings the bell
    await c.line("")
    screen = await c.wait_for(r"Your one-liner is on the wall\.")
    assert f"ada: {'x' * ONELINER_MAX}" in screen
    [o] = await offline_board.services.oneliners.latest()
    assert o.text == "x" * ONELINER_MAX
    await c.type("a")
    await c.wait_for(r"Your one-liner, for everyone to see")
    await c.line("   ")
    await c.wait_for(r"Nothing was added to the wall\.")


async def test_a_line_mode_caller_is_told_the_limit(offline_board: Any) -> None:
    ada = await member(offline_board, "ada")
    await offline_board.services.users.set_expert(ada.id, True)
    c = FakeCaller(offline_board, user=ada)
    c.term.info = replace(c.term.info, line_mode=True)  # as `ssh -T` sends whole lines
    await c.wait_for(MENU)
    await c.type("o")
    await c.wait_for(r"\[A\]dd a one-liner")
    await c.type("a")
    await c.wait_for(r"Your one-liner, for everyone to see")
    await c.line("y" * (ONELINER_MAX + 1))
    await c.wait_for(rf"A one-liner is at most {ONELINER_MAX} characters \(that one has 76\)")
    assert await offline_board.services.oneliners.latest() == []


async def test_last_callers_lists_handle_location_time_node_and_transport(
    offline_board: Any,
) -> None:
    bob = await member(offline_board, "bob", where="Leeds")
    await offline_board.services.calls.record(bob, 4, "ssh")
    ada = await member(offline_board, "ada", where="London")
    await offline_board.services.users.set_expert(ada.id, True)
    c = FakeCaller(offline_board, user=ada)
    await c.wait_for(MENU)
    await c.type("l")
    screen = await c.wait_for(r"Press Enter or Q to go back")
    rows = screen.split("\n")
    header = next(r for r in rows if r.startswith("Handle"))
    assert header.split()[:5] == ["Handle", "Location", "When", "(UTC)", "Node"]
    ada_row = next(r for r in rows if r.startswith("ada "))
    bob_row = next(r for r in rows if r.startswith("bob "))
    assert rows.index(ada_row) < rows.index(bob_row)  # newest first
    assert ada_row.split()[1] == "London" and ada_row.split()[-2:] == ["1", "fake"]
    assert bob_row.split()[1] == "Leeds" and bob_row.split()[-2:] == ["4", "ssh"]
    await c.type("q")
    await c.wait_for(MENU)


async def test_bulletins_screen_marks_new_and_a_sysop_writes_one(offline_board: Any) -> None:
    boss, _ = await news(offline_board)
    await offline_board.services.users.set_expert(boss.id, True)
    ada = await member(offline_board, "ada")
    await offline_board.services.users.set_expert(ada.id, True)
    c = FakeCaller(offline_board, user=ada)
    await c.wait_for(MENU)
    await c.type("b")
    screen = await c.wait_for(r"2 bulletins, 2 new")
    assert "w write" not in screen  # not a sysop
    await c.type("j")
    await c.type("\r")
    await c.wait_for(r"We answer at 33600 now\.")
    await c.type("q")
    screen = await c.wait_for(r"2 bulletins, 1 new")  # reading one marks it (and older ones)
    await c.type("w")
    await c.wait_for(r"Only a sysop may write bulletins\.")
    await c.type("q")
    await c.wait_for(MENU)

    s = FakeCaller(offline_board, user=boss)
    await s.wait_for(MENU)
    await s.type("b")
    await s.wait_for(r"w write")
    await s.type("w")
    await s.wait_for(r"Bulletin title:")
    await s.line("Party on Friday")
    await s.wait_for(r"/S")
    await s.line("Bring your Amiga.")
    await s.line("/s")
    await s.wait_for(r"Bulletin 3 is published")
    [newest, *_] = await offline_board.services.bulletins.list()
    assert (newest.title, newest.body, newest.author) == (
        "Party on Friday",
        "Bring your Amiga.",
        "boss",
    )
    unseen = await offline_board.services.bulletins.unseen(ada)
    assert [b.title for b in unseen] == ["Uptime", "Party on Friday"]  # ada read the older one


async def test_settings_turn_expert_mode_and_the_social_preferences_on(
    offline_board: Any,
) -> None:
    await news(offline_board)
    ada = await member(offline_board, "ada")
    ada = await offline_board.services.users.set_expert(ada.id, True)
    c = FakeCaller(offline_board, user=ada)
    await c.wait_for(MENU)
    await c.type("u")
    screen = await c.wait_for(r"Setting>")
    assert "[X] Expert mode     On: straight to the menu after login" in screen
    assert "[D] Do not disturb  Off: members may page you" in screen
    await c.type("x")
    await c.wait_for(r"Off: bulletins, news and the wall after login")
    await c.type("d")
    await c.wait_for(r"On: pages to you are refused")
    await c.type("n")
    await c.wait_for(r"Yes, in your profile")
    await c.type("a")
    await c.wait_for(r"at most 240 characters")
    await c.line("I collect\u202e Amigas.")
    await c.wait_for(r"\[A\] About me +I collect Amigas\.")
    stored = await offline_board.services.users.get("ada")
    assert not stored.expert and stored.do_not_disturb and stored.show_real_name
    assert stored.about == "I collect Amigas."
    await c.type("q")
    await c.wait_for(MENU)
    await c.hangup()
    again = FakeCaller(offline_board, user=stored)  # expert mode off: the sequence comes
    await again.wait_for(r"New bulletins: 2")


async def test_a_notice_at_a_logon_prompt_keeps_the_prompt(offline_board: Any) -> None:
    from retroboard.domain.events import NoticeSent

    await news(offline_board)
    ada = await member(offline_board, "ada")
    c = FakeCaller(offline_board, user=ada)
    await c.wait_for(r"S: skip the other bulletins")
    mark = c.mark()
    offline_board.bus.publish(NoticeSent("The board goes down at noon", "broadcast", "sysop"))
    screen = await c.wait_for(r"The board goes down at noon", after=mark)
    rows = [r for r in screen.split("\n") if r.strip()]
    assert "The board goes down at noon" in rows[-2]
    assert rows[-1].startswith("-- Enter: go on, S: skip the other bulletins")
    await c.type("\r")
    await c.wait_for(r"Uptime")
