"""End to end: Python's nntplib against a real board (in-process, NNTP on a free port), the
same groups a telnet caller reads; every reader command of issue 12 with its error codes; a
telnet post read over NNTP and an NNTP follow-up read over telnet, bodies byte for byte; and
the transport's limits (long lines, floods, a reader that stops reading, idle, per address)."""

from __future__ import annotations

import asyncio
import email
import socket
import time
import warnings
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from retroboard.domain.boards import Policy
from retroboard.domain.users import Level
from tests.conftest import cheap_settings
from tests.e2e.test_discussions import goto_group, post_thread, telnet_login
from tests.helpers.serve import free_port

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import nntplib

pytestmark = pytest.mark.asyncio(loop_scope="module")

PW = {"alice": "Alice-pass-1", "bob": "Bobby-pass-1"}
SUBJECT = "Amiga 500 power supply hum"
BODY = ["Mine hums loudly when the drive spins up.", "Is that the capacitors going?"]
# What bob sends from his newsreader: a leading dot (dot-stuffed on the wire), UTF-8, a
# trailing empty line kept as sent.
REPLY = ["Recap it before it takes the board with it.", ".profile says hi", "Grüße — ü ✓", ""]
BULK = 500  # articles in misc.bulk, long subjects: OVER 1-500 is ~140 KB
PAD = "x" * 100


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def board(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Any]:
    from retroboard.app import Board

    data: Path = tmp_path_factory.mktemp("nntp")
    b = Board(cheap_settings(data, nntp_port=free_port(), domain="heron.example"))
    await b.start()
    users = b.services.users
    for handle, password in PW.items():
        await users.register(handle, password)
    groups = b.services.groups
    await groups.create("local.staff", "Staff only", read_level=Level.SYSOP)
    await groups.create("local.announce", "Announcements", policy=Policy.READ_ONLY)
    await groups.create("misc.moderated", "Held for a moderator", policy=Policy.MODERATED)
    await groups.create("misc.bulk", "Many articles")
    alice = await users.get("alice")
    posts = b.services.articles
    await asyncio.gather(  # one group commit after another
        *(
            posts.post(alice, ["misc.bulk"], f"Bulk {i} {PAD}", f"Bulk body {i}\nline two")
            for i in range(BULK)
        )
    )
    try:
        yield b
    finally:
        await b.stop()


def connect(board: Any, timeout: float = 10) -> nntplib.NNTP:
    return nntplib.NNTP("127.0.0.1", board.nntp.port, readermode=True, timeout=timeout)


def code(exc: BaseException) -> str:
    return str(getattr(exc, "response", exc))[:3]


def fails(call: Any, *args: Any) -> str:
    """The response code of a command nntplib reports as an error."""
    try:
        call(*args)
    except (nntplib.NNTPTemporaryError, nntplib.NNTPPermanentError) as exc:
        return code(exc)
    raise AssertionError(f"{getattr(call, '__name__', call)}{args} did not fail")


def quit_quietly(n: nntplib.NNTP) -> None:
    try:
        n.quit()
    except (nntplib.NNTPError, OSError, EOFError):
        pass


async def in_thread(fn: Any, *args: Any) -> Any:
    return await asyncio.to_thread(fn, *args)


# ---- the whole conversation: telnet post -> NNTP -> NNTP follow-up -> telnet ----------------
async def test_telnet_post_read_over_nntp_and_follow_up_seen_over_telnet(board: Any) -> None:
    a = await telnet_login(board.telnet.port, "alice", PW["alice"])
    await post_thread(a, "comp.sys.retro", SUBJECT, BODY)

    def read_and_follow_up() -> tuple[str, str]:
        n = connect(board)
        try:
            _, count, first, last, name = n.group("comp.sys.retro")
            assert name == "comp.sys.retro" and count >= 1
            _, overviews = n.over((first, last))
            num, ov = next((num, o) for num, o in overviews if o["subject"] == SUBJECT)
            mid = ov["message-id"]
            assert ov["from"].startswith("alice@heron.example"), ov
            assert ov["xref"] == f"heron.example comp.sys.retro:{num}", ov
            _, info = n.article(num)
            raw = b"\r\n".join(info.lines) + b"\r\n"
            assert int(ov[":bytes"]) == len(raw), (ov[":bytes"], len(raw))
            sep = info.lines.index(b"")
            assert info.lines[sep + 1 :] == [line.encode() for line in BODY]  # byte for byte
            msg = email.message_from_bytes(raw)
            assert msg["Subject"] == SUBJECT and msg["Message-ID"] == mid
            assert msg["Newsgroups"] == "comp.sys.retro"
            assert (
                msg["Content-Type"].startswith("text/plain")
                and "format=flowed" in msg["Content-Type"]
            )
            email.utils.parsedate_to_datetime(msg["Date"])
            # Posting: refused before AUTHINFO, then a follow-up as bob.
            reply = [
                b"From: whoever@example.invalid",
                b"Newsgroups: comp.sys.retro",
                b"Subject: Re: " + SUBJECT.encode(),
                b"References: " + mid.encode(),
                b"Content-Type: text/plain; charset=UTF-8",
                b"",
                *(line.encode() for line in REPLY),
            ]
            assert fails(n.post, reply) in ("440", "480")
            n.login("bob", PW["bob"], usenetrc=False)
            resp = n.post(reply)
            assert resp.startswith("240"), resp
            _, _, _, last2, _ = n.group("comp.sys.retro")
            _, info2 = n.head(last2)
            head = email.message_from_bytes(b"\r\n".join(info2.lines))
            assert head["References"] == mid and head["From"].startswith("bob@heron.example")
            return mid, head["Message-ID"]
        finally:
            quit_quietly(n)

    parent_id, reply_id = await in_thread(read_and_follow_up)

    # Through the services: under alice's post, the body exactly as sent.
    bob = await board.services.users.get("bob")
    reply = await board.services.articles.article_by_message_id(bob, reply_id)
    assert reply.head.references[-1] == parent_id
    assert reply.body == "\n".join(REPLY)
    page = await board.services.articles.thread_page(bob, "comp.sys.retro")
    thread = next(t for t in page.threads if t.subject == SUBJECT)
    assert [h.message_id for h in thread.articles] == [parent_id, reply_id]

    # Over telnet: alice sees bob's follow-up drawn under her post, and reads it.
    await a.send("m")
    await a.wait_for("groups")
    await goto_group(a, "comp.sys.retro")
    screen = await a.wait_for(r"\bbob\b")
    rows = screen.splitlines()
    root = next(i for i, row in enumerate(rows) if SUBJECT in row and "Re:" not in row)
    assert "bob" in rows[root + 1], screen
    await a.send("\r")  # opens the thread at its first article, alice's
    await a.wait_for(r"End of article 1 ")
    await a.send("n")  # the next in the thread: bob's follow-up
    screen = await a.wait_for(r"End of article 2 ")
    assert REPLY[0] in screen and REPLY[1] in screen and REPLY[2] in screen, screen
    a.close()


# ---- every reader command, with the error codes newsreaders depend on ----------------------
async def test_reader_commands_and_error_codes(board: Any) -> None:
    def session() -> None:
        n = connect(board)
        try:
            caps = n.getcapabilities()
            assert "READER" in caps and "VERSION" in caps and "OVER" in caps, caps
            assert n._shortcmd("MODE READER").startswith(("200", "201"))
            _, help_lines = n.help()
            assert help_lines
            assert abs(n.date()[1].replace(tzinfo=UTC) - datetime.now(UTC)) < timedelta(minutes=2)
            # XOVER / XHDR / NEXT with no group selected: 412.
            assert fails(n.xover, 1, 10) == "412"
            assert fails(n.xhdr, "Subject", "1-10") == "412"
            assert fails(n.next) == "412"
            # LIST ACTIVE (wildmat), NEWSGROUPS, OVERVIEW.FMT, ACTIVE.TIMES, HEADERS, COUNTS.
            _, groups = n.list()
            names = {g.group for g in groups}
            assert {"comp.sys.retro", "misc.test", "misc.bulk"} <= names
            assert "local.staff" not in names  # above an anonymous reader's level
            flags = {g.group: g.flag for g in groups}
            assert flags["local.announce"] == "n"
            _, some = n.list("misc.*,!misc.test")
            assert {g.group for g in some} == {"misc.bulk", "misc.moderated"}
            assert n.descriptions("misc.b*")[1] == {"misc.bulk": "Many articles"}
            assert n.description("misc.bulk") == "Many articles"
            _, fmt = n._longcmdstring("LIST OVERVIEW.FMT")
            assert fmt[:7] == [
                "Subject:",
                "From:",
                "Date:",
                "Message-ID:",
                "References:",
                ":bytes",
                ":lines",
            ] or fmt[:7] == [
                "Subject:",
                "From:",
                "Date:",
                "Message-ID:",
                "References:",
                "Bytes:",
                "Lines:",
            ]
            _, times = n._longcmdstring("LIST ACTIVE.TIMES misc.bulk")
            assert len(times) == 1 and times[0].split()[0] == "misc.bulk"
            _, hdrs = n._longcmdstring("LIST HEADERS")
            assert "Subject:" in hdrs or ":" in hdrs
            _, counts = n._longcmdstring("LIST COUNTS misc.bulk")
            assert counts[0].split()[:2] == ["misc.bulk", str(BULK)], counts
            # The sysop's group does not exist for this reader.
            assert fails(n.group, "local.staff") == "411"
            assert fails(n.group, "no.such.group") == "411"
            # GROUP, LISTGROUP with a range, ARTICLE/HEAD/BODY/STAT, NEXT, LAST.
            _, count, first, last, _ = n.group("misc.bulk")
            assert (count, first, last) == (BULK, 1, BULK)
            assert fails(n.last) == "422"  # at the first article
            _, listed = n._longcmdstring("LISTGROUP misc.bulk 3-5")
            assert listed == ["3", "4", "5"]
            assert n.stat()[1] == 1
            _, num, mid = n.next()
            assert num == 2
            assert n.last()[1] == 1
            _, info = n.article(2)
            assert info.number == 2 and info.message_id
            assert b"Bulk body 1" in b"\n".join(info.lines) or b"Bulk body" in b"\n".join(
                info.lines
            )
            _, head = n.head(info.message_id)
            assert head.number == 0 and b"" not in head.lines  # by Message-ID: number 0
            _, body = n.body(2)
            assert body.lines[-1] == b"line two"
            assert n.stat(info.message_id)[2] == info.message_id
            assert fails(n.article, BULK + 50) == "423"
            assert fails(n.article, "<no-such-article.zq81@nowhere.invalid>") == "430"
            assert fails(n.stat, "<no-such-article.zq81@nowhere.invalid>") == "430"
            # OVER and XOVER over a range, OVER by Message-ID, HDR and XHDR.
            _, ov = n.over((10, 12))
            assert [num for num, _ in ov] == [10, 11, 12]
            _, xov = n.xover(10, 12)
            assert [num for num, _ in xov] == [10, 11, 12]
            assert {o["subject"] for _, o in xov} == {o["subject"] for _, o in ov}
            _, by_id = n._longcmdstring(f"OVER {info.message_id}")
            assert len(by_id) == 1
            _, xh = n.xhdr("Subject", "10-12")
            assert [int(k) for k, _ in xh] == [10, 11, 12]
            _, hd = n._longcmdstring("HDR Subject 10-12")
            assert [line.split(" ", 1)[0] for line in hd] == ["10", "11", "12"]
            assert [line.split(" ", 1)[1] for line in hd] == [v for _, v in xh]
            # NEWGROUPS, NEWNEWS.
            _, new = n.newgroups(datetime.now(UTC) - timedelta(days=1))
            assert "misc.bulk" in {g.group for g in new}
            _, new_ids = n.newnews("misc.bulk", datetime.now(UTC) - timedelta(days=1))
            assert len(new_ids) == BULK and info.message_id in new_ids
            # Syntax errors, unknown commands.
            assert fails(n._shortcmd, "FROBNICATE") == "500"
            assert fails(n._shortcmd, "GROUP") == "501"
            # AUTHINFO: wrong password 481; a read-only group refuses a user's post (440/441);
            # a moderated one holds it.
            assert fails(n.login, "bob", "Wrong-pass-1", False) == "481"
        finally:
            quit_quietly(n)

        m = connect(board)
        try:
            m.login("bob", PW["bob"], usenetrc=False)
            assert fails(m.group, "local.staff") == "411"  # bob is a user, not a sysop
            article = [b"Newsgroups: local.announce", b"Subject: May I?", b"", b"No."]
            assert fails(m.post, article) in ("440", "441")
            held = [b"Newsgroups: misc.moderated", b"Subject: Held", b"", b"For the queue."]
            assert m.post(held).startswith("240")
        finally:
            quit_quietly(m)

    await in_thread(session)
    sysop = await board.services.users.set_level("alice", Level.SYSOP)
    queue = await board.services.moderation.queue(sysop)
    assert [h.subject for h, _, _ in queue] == ["Held"]
    await board.services.users.set_level("alice", Level.USER)


# ---- limits ---------------------------------------------------------------------------------
async def raw_connect(board: Any, rcvbuf: int | None = None) -> tuple[Any, Any]:
    sock = socket.socket()
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", board.nntp.port))
    r, w = await asyncio.open_connection(sock=sock)
    greeting = await asyncio.wait_for(r.readline(), 5)
    assert greeting.startswith((b"200", b"201")), greeting
    return r, w


async def ask(r: Any, w: Any, line: bytes) -> bytes:
    w.write(line + b"\r\n")
    return await asyncio.wait_for(r.readline(), 5)


async def test_long_line_and_flood(board: Any) -> None:
    r, w = await raw_connect(board)
    assert (await ask(r, w, b"GROUP " + b"x" * 592)).startswith(b"501")  # 600 octets
    assert (await ask(r, w, b"GROUP misc.bulk")).startswith(b"211")
    # A flood of 5,000 commands sent at once: every one answered, in order.
    w.write(b"DATE\r\n" * 5000)
    answers = [await asyncio.wait_for(r.readline(), 5) for _ in range(5000)]
    assert all(a.startswith(b"111 ") for a in answers)
    assert (await ask(r, w, b"STAT 7")).startswith(b"223 7 ")
    w.close()


async def test_reader_that_never_reads_is_dropped_others_unaffected(board: Any) -> None:
    board.nntp.send_timeout = 1.0
    board.nntp.send_buffer = 16 * 1024  # a slow link: the kernel holds little of the response
    try:
        r, w = await raw_connect(board, rcvbuf=4096)
        assert (await ask(r, w, b"GROUP misc.bulk")).startswith(b"211")
        w.transport.pause_reading()
        w.write(f"OVER 1-{BULK}\r\n".encode())  # ~140 KB, never read
        other_r, other_w = await raw_connect(board)
        port = w.get_extra_info("sockname")[1]
        stalled = next(
            c for c in board.nntp.connections if c._writer.get_extra_info("peername")[1] == port
        )
        held = stalled._writer.transport.get_write_buffer_size
        for _ in range(60):  # until the board has written all the kernel takes
            if held():
                break
            await asyncio.sleep(0.05)
        assert held(), "the OVER response fit in the socket buffers: make it larger"
        # What the board holds for it is bounded by the write high-water mark plus one piece.
        assert held() <= 200 * 1024
        started = time.monotonic()
        for number in (1, 300, BULK):
            assert (await ask(other_r, other_w, b"GROUP misc.bulk")).startswith(b"211")
            assert (await ask(other_r, other_w, f"STAT {number}".encode())).startswith(b"223")
        assert time.monotonic() - started < 2
        for _ in range(50):
            if stalled not in board.nntp.connections:
                break
            await asyncio.sleep(0.1)
        assert stalled not in board.nntp.connections  # dropped
        assert (await ask(other_r, other_w, b"DATE")).startswith(b"111")
        other_w.close()
        w.close()
    finally:
        board.nntp.send_timeout = 30.0
        board.nntp.send_buffer = 256 * 1024


async def test_idle_timeout(board: Any) -> None:
    options = board.nntp.options
    board.nntp.options = replace(options, idle_timeout=0.5)
    try:
        r, w = await raw_connect(board)
        assert (await ask(r, w, b"DATE")).startswith(b"111")
        assert await asyncio.wait_for(r.readline(), 5) == b"400 Idle timeout\r\n"
        assert await asyncio.wait_for(r.read(), 5) == b""
        w.close()
    finally:
        board.nntp.options = options


async def test_connections_per_address(board: Any) -> None:
    guard = board.guard
    limits = guard.limits
    for _ in range(50):  # earlier tests' connections gone (closing ones linger up to 0.5 s)
        if not board.nntp.connections and guard.stats()["connections"] == 0:
            break
        await asyncio.sleep(0.05)
    held = guard.stats()["connections"]
    guard.limits = replace(limits, max_per_address=held + 2)
    try:
        clients = [await raw_connect(board) for _ in range(2)]
        r, w = await asyncio.open_connection("127.0.0.1", board.nntp.port)
        refused = await asyncio.wait_for(r.readline(), 5)
        assert refused.startswith(b"400 Too many connections from your address"), refused
        assert await asyncio.wait_for(r.read(), 5) == b""
        w.close()
        for _, cw in clients:
            cw.close()
    finally:
        guard.limits = limits


async def test_level_lock_and_ban_reach_connected_newsreaders(board: Any) -> None:
    users = board.services.users
    await users.register("carol", "Carol-pass-1")
    await users.register("dave", "Davey-pass-1")

    async def logged_in(handle: str, password: str) -> tuple[Any, Any]:
        r, w = await raw_connect(board)
        assert (await ask(r, w, f"AUTHINFO USER {handle}".encode())).startswith(b"381")
        assert (await ask(r, w, f"AUTHINFO PASS {password}".encode())).startswith(b"281")
        return r, w

    cr, cw = await logged_in("carol", "Carol-pass-1")
    dr, dw = await logged_in("dave", "Davey-pass-1")

    def reader_of(handle: str) -> Any:
        return next(c for c in board.nntp.connections if c.user and c.user.handle == handle)

    await users.set_level("carol", Level.MODERATOR)
    for _ in range(50):
        if reader_of("carol").user.level == Level.MODERATOR:
            break
        await asyncio.sleep(0.02)
    assert reader_of("carol").user.level == Level.MODERATOR
    await users.lock("carol", "testing")
    line = await asyncio.wait_for(cr.readline(), 5)
    assert line.startswith(b"400 Your account is locked"), line
    assert await asyncio.wait_for(cr.read(), 5) == b""
    await board.services.bans.add("dave", reason="spam")
    line = await asyncio.wait_for(dr.readline(), 5)
    assert line.startswith(b"400 You are banned") and b"spam" in line, line
    assert await asyncio.wait_for(dr.read(), 5) == b""
    cw.close()
    dw.close()
