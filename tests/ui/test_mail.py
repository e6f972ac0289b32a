"""Private mail through whole sessions: write, the recipient's inbox, read, reply with quoting,
the sender told live; unknown handles asked again; the plain skin; reply by mail from the
discussion reader; a dropped letter kept as a draft; the login count."""

from __future__ import annotations

import asyncio
from typing import Any

from retroboard.domain.boards import Draft
from retroboard.domain.users import Level, User
from tests.helpers.fakeui import FakeCaller

PASSWORD = "Secret-pass-1"
GROUP = "comp.sys.retro"


async def the_draft(board: Any, user_id: int) -> Draft | None:
    """The user's one draft (these tests keep at most one), or None."""
    drafts = await board.services.drafts.list(user_id)
    assert len(drafts) <= 1, drafts
    return drafts[0] if drafts else None


async def member(board: Any, handle: str, *, level: Level = Level.USER, skin: str = "") -> User:
    user: User = await board.services.users.register(handle, PASSWORD, level=level)
    if skin:
        user = await board.services.users.set_skin(user.id, skin)
    return user


async def at_menu(board: Any, user: User, cols: int = 80, rows: int = 24) -> FakeCaller:
    c = FakeCaller(board, user=user, cols=cols, rows=rows)
    for _ in range(5):  # the logon sequence (bulletins, since your last call...) may come first
        screen = await c.wait_for(r"\[G\] Goodbye|[Q]:? straight to the menu|Goodbye \(log off\)")
        if "Goodbye" in c.text_after(c.last_input):
            return c
        await c.type("q")
    raise AssertionError(f"never reached the main menu:\n{screen}")


async def write_letter(c: FakeCaller, to: str, subject: str, lines: list[str]) -> None:
    """From the inbox: W, the headers, the text, /S."""
    await c.type("w")
    await c.wait_for(r"^To:$")
    await c.line(to)
    await c.wait_for(r"CC \(Enter for none\):$")
    await c.line("")
    await c.wait_for(r"^Subject:$")
    await c.line(subject)
    await c.wait_for(r"/S to save")
    for line in lines:
        await c.line(line)
    await c.line("/s")


async def test_letter_reaches_inbox_is_read_replied_and_sender_told_live(
    offline_board: Any,
) -> None:
    ada, bob = await member(offline_board, "ada"), await member(offline_board, "bob")
    a, b = await at_menu(offline_board, ada), await at_menu(offline_board, bob)
    await a.type("e")
    await a.wait_for(r"Mail: inbox +0 letters, 0 new")
    await a.wait_for(r"No letters\. W writes one\.")
    await write_letter(a, "BOB", "Meeting", ["See you at 8.", "Bring the disks."])
    await a.wait_for(r"Letter sent to bob\.")
    # bob, at the main menu, is told at once
    await b.wait_for(r"New letter from ada: Meeting", after=b.last_input)
    await a.wait_for(r"Mail: inbox")  # back at once, no key to press

    await b.type("e")
    screen = await b.wait_for(r"Mail: inbox +1 letter, 1 new")
    assert any(row.startswith(">N ada") and "Meeting" in row for row in screen.split("\n"))
    await b.type("\r")
    screen = await b.wait_for(r"-- End of letter --")
    rows = screen.split("\n")
    assert rows[0] == "From: ada" and rows[1] == "To: bob" and rows[2] == "Subject: Meeting"
    assert "See you at 8." in rows and "Bring the disks." in rows
    assert await offline_board.services.mail.unread_count(bob) == 0
    await b.type("r")
    await b.wait_for(r"^To: ada$")  # the sender, to keep or change
    await b.line("")
    await b.wait_for(r"CC \(Enter for none\):$")
    await b.line("")
    await b.wait_for(r"^Subject: Re: Meeting$")
    await b.line("")
    await b.wait_for(r"^ 1: On .*, ada wrote:$")
    await b.wait_for(r"^ 2: > See you at 8\.$")
    await b.line("I will be there.")
    seen = a.mark()
    await b.line("/s")
    await b.wait_for(r"Letter sent to ada\.")
    # ada, on the inbox (a full screen), gets it in the status row, and the list is intact
    screen = await a.wait_for(r"New letter from bob: Re: Meeting", after=seen)
    assert "Mail: inbox" in screen

    [head] = await offline_board.services.mail.inbox(ada)
    letter = await offline_board.services.mail.read(ada, head.id)
    lines = letter.body.split("\n")
    assert lines[0].endswith(", ada wrote:") and lines[1:3] == [
        "> See you at 8.",
        "> Bring the disks.",
    ]
    assert lines[-1] == "I will be there."
    assert letter.reply_to_id is not None
    await a.hangup()
    await b.hangup()


async def test_unknown_handle_is_refused_and_asked_again(offline_board: Any) -> None:
    ada = await member(offline_board, "ada")
    await member(offline_board, "bob")
    await member(offline_board, "carol")
    c = await at_menu(offline_board, ada)
    await c.type("e")
    await c.wait_for(r"Mail: inbox")
    await c.type("w")
    await c.wait_for(r"^To:$")
    await c.line("bob, zed")
    await c.wait_for(r"^No user called 'zed'\.$")
    await c.wait_for(r"^To: bob,$")  # asked again: the known handles kept, ready for more
    await c.line("")
    await c.wait_for(r"CC \(Enter for none\):$")
    await c.line("nobody")
    await c.wait_for(r"^No user called 'nobody'\.$")
    await c.wait_for(r"CC \(Enter for none\):$")
    await c.line("carol")
    await c.wait_for(r"^Subject:$")
    await c.line("Hello")
    await c.wait_for(r"/S to save")
    await c.line("Hi both.")
    await c.line("/s")
    await c.wait_for(r"Letter sent to bob, carol\.")
    [sent] = await offline_board.services.mail.sent(ada)
    assert (sent.to, sent.cc) == (("bob",), ("carol",))
    await c.hangup()


async def test_plain_skin_reads_mail_as_numbered_lines(offline_board: Any) -> None:
    ada = await member(offline_board, "ada")
    bob = await member(offline_board, "bob", skin="plain")
    await offline_board.services.mail.send(ada, ["bob"], [], "Plain talk", "Line one.\nLine two.")
    c = await at_menu(offline_board, bob)
    await c.wait_for(r"You have 1 new letter\.", after=None)
    await c.type("e")
    screen = await c.wait_for(r"1\.N ada")
    assert "\x1b" not in screen
    await c.type("1")
    await c.type("\r")
    await c.wait_for(r"Line two\.")
    await c.wait_for(r"-- End of letter --")
    await c.type("q")
    await c.wait_for(r"Mail: inbox")
    raw = bytes(c.term.output)
    assert b"\x1b[" not in raw.split(b"Mail: inbox", 1)[1]  # no cursor addressing, no colour
    await c.hangup()


async def test_login_says_how_many_new_letters(offline_board: Any) -> None:
    ada, bob = await member(offline_board, "ada"), await member(offline_board, "bob")
    for n in range(3):
        await offline_board.services.mail.send(ada, ["bob"], [], f"Note {n}", "text")
    c = await at_menu(offline_board, bob)
    await c.wait_for(r"You have 3 new letters\.", after=None)
    await c.hangup()
    c = await at_menu(offline_board, ada)
    assert "new letter" not in c.text
    await c.hangup()


async def test_reader_r_replies_to_the_author_by_mail(offline_board: Any) -> None:
    bob, ada = await member(offline_board, "bob"), await member(offline_board, "ada")
    await offline_board.services.groups.subscribe(ada, GROUP)
    await offline_board.services.articles.post(bob, [GROUP], "Amiga PSU", "Mine hums.")
    c = await at_menu(offline_board, ada)
    await c.type("m")
    await c.wait_for(r"Subscribed groups")
    await c.type("\r")
    await c.wait_for(r"Amiga PSU")
    await c.type("\r")
    await c.wait_for(r"Subject: Amiga PSU")
    await c.type("r")
    await c.wait_for(r"^To: bob$")
    await c.line("")
    await c.wait_for(r"CC \(Enter for none\):$")
    await c.line("")
    await c.wait_for(r"^Subject: Re: Amiga PSU$")
    await c.line("")
    await c.wait_for(r"^ 2: > Mine hums\.$")
    await c.line("Replace the capacitors.")
    await c.line("/s")
    # no key to press: straight back in the reader, on the article, the note in its status
    await c.wait_for(r"Letter sent to bob\.")
    await c.wait_for(r"End of article 1")  # back in the reader, on the article
    [head] = await offline_board.services.mail.inbox(bob)
    body = (await offline_board.services.mail.read(bob, head.id)).body
    assert "> Mine hums." in body and body.endswith("Replace the capacitors.")
    await c.hangup()


async def test_a_dropped_letter_is_kept_as_a_draft_and_offered_back(offline_board: Any) -> None:
    ada, bob = await member(offline_board, "ada"), await member(offline_board, "bob")
    c = await at_menu(offline_board, ada)
    await c.type("e")
    await c.wait_for(r"Mail: inbox")
    await c.type("w")
    await c.wait_for(r"^To:$")
    await c.line("bob")
    await c.wait_for(r"CC \(Enter for none\):$")
    await c.line("")
    await c.wait_for(r"^Subject:$")
    await c.line("Half done")
    await c.wait_for(r"/S to save")
    await c.line("The first line.")
    await asyncio.sleep(0.05)
    await c.hangup()
    draft = await the_draft(offline_board, ada.id)
    assert draft is not None and draft.kind == "mail"
    assert (draft.to, draft.subject, draft.body) == (("bob",), "Half done", "The first line.")

    c = FakeCaller(offline_board, user=ada)
    await c.wait_for(r"A letter to: bob")
    await c.type("r")
    await c.wait_for(r"^To: bob$")
    await c.line("")
    await c.line("")
    await c.wait_for(r"^Subject: Half done$")
    await c.line("")
    await c.wait_for(r"^ 1: The first line\.$")
    await c.line("And the second.")
    await c.line("/s")
    await c.wait_for(r"Letter sent to bob\.")
    assert await the_draft(offline_board, ada.id) is None
    [head] = await offline_board.services.mail.inbox(bob)
    assert (await offline_board.services.mail.read(bob, head.id)).body == (
        "The first line.\nAnd the second."
    )
    await c.hangup()


async def test_feedback_goes_to_the_sysop(offline_board: Any) -> None:
    ada = await member(offline_board, "ada")
    root = await member(offline_board, "chief", level=Level.SYSOP)
    c = await at_menu(offline_board, ada)
    await c.type("e")
    await c.wait_for(r"Mail: inbox")
    await c.type("f")
    await c.wait_for(r"Feedback to the sysop")
    await c.wait_for(r"^Subject:$")
    await c.line("More groups")
    await c.wait_for(r"/S to save")
    await c.line("A group for the Atari ST, please.")
    await c.line("/s")
    await c.wait_for(r"Letter sent to chief\.")
    [head] = await offline_board.services.mail.inbox(root)
    assert head.subject == "More groups" and head.sender == "ada"
    await c.hangup()


async def test_help_lists_the_mail_keys_and_presence_says_mail(offline_board: Any) -> None:
    ada = await member(offline_board, "ada")
    await member(offline_board, "bob")
    c = await at_menu(offline_board, ada)
    await c.type("e")
    await c.wait_for(r"Mail: inbox")
    [node] = offline_board.services.presence.nodes()
    assert node.activity.key == "reading_mail"
    assert offline_board.board_info.skins["default"].text("activity_reading_mail") == "Reading mail"
    await c.type("?")
    screen = await c.wait_for(r"feedback: a letter to the sysop")
    for words in ("write a letter", "reply to its sender", "forward it", "the sent folder"):
        assert words in screen
    await c.type("q")
    await c.wait_for(r"Mail: inbox")
    await c.type("w")
    await c.wait_for(r"^To:$")
    [node] = offline_board.services.presence.nodes()
    assert node.activity.key == "writing_mail"
    await c.hangup()


async def test_reply_in_the_full_screen_editor_quotes_the_letter(offline_board: Any) -> None:
    ada, bob = await member(offline_board, "ada"), await member(offline_board, "bob")
    bob = await offline_board.services.users.set_editor(bob.id, "fse")
    await offline_board.services.mail.send(ada, ["bob"], ["ada"], "Disks", "Got 5.25?\n\n-- \nada")
    c = await at_menu(offline_board, bob)
    await c.type("e")
    await c.wait_for(r"Mail: inbox")
    await c.type("a")  # reply to all: ada in To; ada was also in CC, so no CC left
    await c.wait_for(r"^To: ada$")
    await c.line("")
    await c.wait_for(r"CC \(Enter for none\):$")
    await c.line("")
    await c.wait_for(r"^Subject: Re: Disks$")
    await c.line("")
    screen = await c.wait_for(r"Ctrl-Z save")
    rows = screen.split("\n")
    assert rows[2].startswith("On ") and rows[2].endswith(", ada wrote:")
    assert rows[3] == "> Got 5.25?"  # the signature is not quoted
    await c.type("Yes, a box.")
    await c.type("\x1a")
    await c.wait_for(r"Letter sent to ada\.")
    heads = await offline_board.services.mail.inbox(ada)
    assert [h.subject for h in heads] == ["Re: Disks", "Disks"]
    await c.hangup()


async def test_letter_to_an_offline_member_is_told_at_login_and_the_reply_arrives_live(
    offline_board: Any,
) -> None:
    ada, carol = await member(offline_board, "ada"), await member(offline_board, "carol")
    a = await at_menu(offline_board, ada)
    await a.type("e")
    await a.wait_for(r"Mail: inbox")
    await write_letter(a, "carol", "While you were out", ["Call me back."])
    await a.wait_for(r"Letter sent to carol\.")
    await a.wait_for(r"Mail: inbox")

    c = FakeCaller(offline_board)  # carol calls in through the login screen
    await c.wait_for(r"Handle:")
    await c.line("carol")
    await c.wait_for(r"Password:")
    await c.line(PASSWORD)
    for _ in range(5):  # past the logon sequence, if any, to the menu's greeting
        await c.wait_for(r"\[G\] Goodbye|straight to the menu")
        if "Goodbye" in c.text_after(c.last_input):
            break
        await c.type("q")
    await c.wait_for(r"You have 1 new letter\.", after=None)
    await c.type("e")
    await c.wait_for(r"N ada .*While you were out")
    await c.type("\r")
    await c.wait_for(r"Call me back\.")
    await c.type("r")
    for _ in range(3):
        await c.wait_for(r"^To: ada$|CC \(Enter for none\):$|^Subject: Re: While you were out$")
        await c.line("")
    await c.wait_for(r"/S to save")
    await c.line("Calling now.")
    seen = a.mark()
    await c.line("/s")
    await c.wait_for(r"Letter sent to ada\.")
    await a.wait_for(r"New letter from carol: Re: While you were out", after=seen)
    assert await offline_board.services.mail.unread_count(carol) == 0
    await a.hangup()
    await c.hangup()


async def test_space_at_the_end_of_a_letter_opens_the_next_new_one(offline_board: Any) -> None:
    ada, bob = await member(offline_board, "ada"), await member(offline_board, "bob")
    for subject in ("First", "Second", "Third"):
        await offline_board.services.mail.send(ada, ["bob"], [], subject, f"About {subject}.")
    c = await at_menu(offline_board, bob)
    await c.type("e")
    await c.wait_for(r"3 letters, 3 new")
    await c.type("j")  # the second row: "Second" (newest first)
    await c.type("\r")
    await c.wait_for(r"About Second\.")
    await c.type(" ")
    await c.wait_for(r"About First\.")  # the next unread below it
    await c.type(" ")
    await c.wait_for(r"About Third\.")  # then from the top
    await c.type(" ")
    await c.wait_for(r"No more new letters\.")
    await c.wait_for(r"3 letters, 0 new")
    await c.hangup()


async def test_a_letter_reads_with_its_indentation_and_quote_markers_at_40_columns(
    offline_board: Any,
) -> None:
    """Letters are stored as typed: an indented line keeps every space in the reader and in a
    reply's quote, and a long quoted line wrapped at 40 columns keeps '>' on every row."""
    ada, bob = await member(offline_board, "ada"), await member(offline_board, "bob")
    quoted = "> " + " ".join(["modem"] * 14)  # 85 characters: three rows at 40 columns
    await offline_board.services.mail.send(
        ada, ["bob"], subject="Code", body=f"Try this:\n    ATDT 555-1234\n{quoted}"
    )
    b = await at_menu(offline_board, bob, cols=40)
    await b.type("e")
    await b.wait_for(r"1 new")
    await b.type("\r")
    screen = await b.wait_for(r"End of letter", after=b.last_input)
    rows = screen.split("\n")
    assert "    ATDT 555-1234" in rows
    marked = [row for row in rows if "modem" in row]
    assert len(marked) >= 3 and all(row.startswith(">") for row in marked), marked
    await b.type("r")
    await b.wait_for(r"^To: ada$")
    await b.line("")
    await b.wait_for(r"CC \(Enter for none\):$")
    await b.line("")
    await b.wait_for(r"^Subject: Re: Code$")
    await b.line("")
    await b.wait_for(r"^ 3: >     ATDT 555-1234$")
    await b.hangup()
