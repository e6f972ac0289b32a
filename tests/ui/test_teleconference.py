"""The teleconference through whole sessions: two (or three) callers in one channel; the line
being typed survives incoming lines; notices, /me, /msg, /topic, flood cool-down, /ignore."""

from __future__ import annotations

from typing import Any

from retroboard.domain.users import User
from tests.helpers.fakeui import FakeCaller
from tests.helpers.screen import START

PASSWORD = "Secret-pass-1"


async def member(board: Any, handle: str) -> User:
    user: User = await board.services.users.register(handle, PASSWORD)
    return user


async def enter_chat(board: Any, user: User, cols: int = 80, rows: int = 24) -> FakeCaller:
    c = FakeCaller(board, user=user, cols=cols, rows=rows)
    await c.wait_for(r"\[T\] Teleconference \(chat\)")
    await c.type("t")
    await c.wait_for(r"/\? lists the commands")
    return c


def rows(c: FakeCaller) -> list[str]:
    return [line.rstrip() for line in c.text.split("\n")]


async def test_a_half_typed_line_survives_incoming_lines(offline_board: Any) -> None:
    ada, bob = await member(offline_board, "ada"), await member(offline_board, "bob")
    a = await enter_chat(offline_board, ada)
    b = await enter_chat(offline_board, bob)
    await a.wait_for(r"^\*\*\* bob has joined #main")  # the join notice, to the others
    await b.type("I was just typ")
    await b.wait_for(r"I was just typ$")
    for n in range(3):
        await a.line(f"incoming {n}")
        await b.wait_for(f"^<ada> incoming {n}$", after=b.mark() if n else None)
    screen = rows(b)
    assert screen[-1] == "> I was just typ"  # the input row, intact, at the bottom
    assert b.screen.screen.cursor.y == 23 and b.screen.screen.cursor.x == len("> I was just typ")
    assert "Teleconference #main" in screen[0]
    await b.type("ing\r")
    await a.wait_for(r"^<bob> I was just typing$")
    await a.hangup()
    await b.hangup()


async def three(board: Any) -> tuple[FakeCaller, FakeCaller, FakeCaller]:
    callers = []
    for handle in ("ada", "bob", "cy"):
        callers.append(await enter_chat(board, await member(board, handle)))
    a, b, c = callers
    await b.wait_for(r"^\*\*\* cy has joined #main", after=START)
    return a, b, c


async def test_me_and_msg_reach_whom_they_should(offline_board: Any) -> None:
    a, b, c = await three(offline_board)
    await a.line("/me waves")
    for caller in (a, b, c):
        await caller.wait_for(r"^\* ada waves$", after=START)
    mark_c = c.mark()
    await a.line("/msg BOB psst, over here")
    await a.wait_for(r"^-> \*bob\* psst, over here$")
    await b.wait_for(r"^\*ada\* psst, over here$", after=START)
    await a.line("done")  # a line after the private one: once cy has it, the other is not coming
    await c.wait_for(r"^<ada> done$", after=mark_c)
    assert "psst" not in c.text
    await a.line("/msg zed hi")
    await a.wait_for(r"Nobody called 'zed' is online\.")
    await a.line("/msg bob")
    await a.wait_for(r"^Use: /msg handle text$")
    for caller in (a, b, c):
        await caller.hangup()


async def test_topic_is_shown_in_the_title_row_of_everyone_there(offline_board: Any) -> None:
    a, b, c = await three(offline_board)
    await b.line("/topic Amiga night")
    for caller in (a, b, c):
        await caller.wait_for(r"^\*\*\* bob set the topic: Amiga night$", after=START)
        await caller.wait_for(r"^ #main: Amiga night", after=START)
    await a.line("/topic")
    await a.wait_for(r"The topic of #main: Amiga night \(set by bob\)")
    for caller in (a, b, c):
        await caller.hangup()


async def test_flooding_gets_a_cool_down_with_the_time_to_wait(offline_board: Any) -> None:
    a, b, c = await three(offline_board)
    for n in range(5):
        await a.line(f"spam {n}")
    await b.wait_for(r"^<ada> spam 4$", after=START)
    await a.line("spam 5")
    await a.wait_for(r"You are typing too fast\. Wait 10 seconds\.")
    await a.line("spam 6")
    await a.wait_for(r"You are typing too fast\. Wait \d+ seconds?\.")
    await c.line("still here")
    await b.wait_for(r"^<cy> still here$", after=START)  # the others talk on
    assert "spam 5" not in b.text and "spam 6" not in b.text
    for caller in (a, b, c):
        await caller.hangup()


async def test_ignore_keeps_a_members_lines_away(offline_board: Any) -> None:
    a, b, c = await three(offline_board)
    await b.line("/ignore ada")
    await b.wait_for(r"You will not hear from ada")
    mark_b = b.mark()
    await a.line("can you hear me")
    await a.line("/me shouts")
    await c.wait_for(r"^\* ada shouts$", after=START)
    await c.line("after ada")
    await b.wait_for(r"^<cy> after ada$", after=mark_b)
    assert "can you hear me" not in b.text and "shouts" not in b.text
    await b.line("/ignore")
    await b.wait_for(r"You ignore: ada")
    await b.line("/ignore bob")
    await b.wait_for(r"You cannot ignore yourself\.")
    await b.line("/unignore ada")
    await b.wait_for(r"You hear from ada again\.")
    await a.line("and now?")
    await b.wait_for(r"^<ada> and now\?$")
    for caller in (a, b, c):
        await caller.hangup()


async def test_plain_skin_prints_the_line_then_the_prompt_with_the_typed_text(
    offline_board: Any,
) -> None:
    ada, bob = await member(offline_board, "ada"), await member(offline_board, "bob")
    bob = await offline_board.services.users.set_skin(bob.id, "plain")
    a = await enter_chat(offline_board, ada)
    b = await enter_chat(offline_board, bob)
    await b.type("half a li")
    await b.wait_for(r"half a li$")
    await a.line("hello bob")
    screen = await b.wait_for(r"^<ada> hello bob\n> half a li$")
    assert "\x1b[" not in b.screen.bytes_after(b.last_input).decode("utf-8", "replace")
    assert screen.rstrip().endswith("<ada> hello bob\n> half a li")
    await b.type("ne\r")
    await a.wait_for(r"^<bob> half a line$")
    await a.hangup()
    await b.hangup()


async def test_a_page_during_chat_is_a_line_and_the_typing_stays(offline_board: Any) -> None:
    from retroboard.domain.events import NoticeSent

    ada, bob = await member(offline_board, "ada"), await member(offline_board, "bob")
    a = await enter_chat(offline_board, ada)
    b = await enter_chat(offline_board, bob, cols=40)
    await b.type("typing this")
    await b.wait_for(r"typing this$")
    offline_board.bus.publish(NoticeSent("the sysop is here", "page", "sysop", to_user=bob.id))
    await b.wait_for(r"^\*\*\* sysop: the sysop is here \*\*\*$")
    assert rows(b)[-1] == "> typing this"
    assert (b.screen.screen.cursor.y, b.screen.screen.cursor.x) == (23, len("> typing this"))
    await a.hangup()
    await b.hangup()


async def test_join_who_list_help_and_quit(offline_board: Any) -> None:
    ada, bob = await member(offline_board, "ada"), await member(offline_board, "bob")
    a = await enter_chat(offline_board, ada)
    b = await enter_chat(offline_board, bob)

    def doing(handle: str) -> object:
        node = next(n for n in offline_board.services.presence.nodes() if n.handle == handle)
        return node.activity.mapping

    assert doing("bob") == {"channel": "#main"}
    await b.line("/who")
    await b.wait_for(r"^In #main: ada, bob$")
    await b.line("/join #Retro-Games")
    await b.wait_for(r"^ Teleconference #retro-games")
    await b.wait_for(r"You are alone in #retro-games\.")
    await a.wait_for(r"^\*\*\* bob has left #main$")
    assert doing("bob") == {"channel": "#retro-games"}
    await b.line("/join #bad name!")
    await b.wait_for(r"A channel name is # followed by letters")
    await a.line("/list")
    await a.wait_for(r"^  #main \(1\)$")
    await a.wait_for(r"^  #retro-games \(1\)$")
    await a.line("/?")
    await a.wait_for(r"^  /msg handle text +a private line")
    await a.wait_for(r"^  /quit +leave the teleconference$")
    await a.line("/frobnicate")
    await a.wait_for(r"Unknown command /frobnicate; /\? lists them\.")
    await b.line("/quit")
    await b.wait_for(r"\[T\] Teleconference \(chat\)")
    await a.line("/list")
    await a.wait_for(r"^  #main \(1\)$")
    assert "#retro-games (" not in a.text_after(a.last_input)  # empty: gone
    await a.hangup()
    await b.hangup()


async def test_a_resize_while_typing_redraws_with_the_typed_text_kept(offline_board: Any) -> None:
    ada, bob = await member(offline_board, "ada"), await member(offline_board, "bob")
    a = await enter_chat(offline_board, ada)
    b = await enter_chat(offline_board, bob)
    await a.line("before the resize")
    await b.wait_for(r"^<ada> before the resize$", after=START)
    await b.type("still typ")
    await b.wait_for(r"still typ$")
    await b.resize(60, 16)
    await b.wait_for(r"^ Teleconference #main +/\? help$", timeout=5)  # the 1 s tick
    await b.wait_for(r"^<ada> before the resize$")  # the conversation drawn again
    screen = rows(b)
    assert len(screen) == 16 and screen[-1] == "> still typ"
    assert (b.screen.screen.cursor.y, b.screen.screen.cursor.x) == (15, len("> still typ"))
    await b.type("ing\r")
    await a.wait_for(r"^<bob> still typing$")
    await a.hangup()
    await b.hangup()
