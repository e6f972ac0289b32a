"""The character set chosen by the caller: the welcome screen's C line (UTF-8, CP437, ASCII),
kept after login and saved for a member on 'auto'; Settings going back to what the probe found."""

from __future__ import annotations

from typing import Any

from tests.helpers.fakeui import FakeCaller

PW = "Analytical-1"


async def test_welcome_line_cycles_the_charset_and_redraws(offline_board: Any) -> None:
    c = FakeCaller(offline_board)
    await c.wait_for(r"Handle:")
    assert ", UTF-8 (xterm)" in c.text and "Enter C to change the character set" in c.text
    mark = len(c.term.output)
    await c.line("c")
    await c.wait_for(r", CP437 \(xterm\)")
    await c.wait_for(r"Handle:")
    cp = bytes(c.term.output[mark:])
    assert c.term.info.encoding == "cp437"
    assert "█".encode("cp437") in cp and "█".encode() not in cp  # the art again, in CP437
    mark = len(c.term.output)
    await c.line("C")
    await c.wait_for(r", ASCII \(xterm\)")
    await c.wait_for(r"Handle:")
    assert not [b for b in c.term.output[mark:] if b > 0x7E]
    await c.line("c")
    await c.wait_for(r", UTF-8 \(xterm\)")
    assert c.term.info.encoding == "utf-8"
    await c.hangup()


async def login(c: FakeCaller, handle: str) -> None:
    await c.line(handle)
    await c.wait_for(r"Password:")
    await c.line(PW)
    await c.wait_for(r"\[G\] Goodbye")


async def test_switch_before_login_is_kept_and_saved_for_auto(offline_board: Any) -> None:
    await offline_board.services.users.register("ada", PW)
    c = FakeCaller(offline_board)
    await c.wait_for(r"Handle:")
    await c.line("c")
    await c.wait_for(r", CP437 \(xterm\)")
    await login(c, "ada")
    assert c.term.info.encoding == "cp437"
    assert (await offline_board.services.users.get("ada")).charset == "cp437"
    await c.hangup()


async def test_switch_before_login_does_not_overwrite_an_explicit_setting(
    offline_board: Any,
) -> None:
    ada = await offline_board.services.users.register("ada", PW)
    await offline_board.services.users.set_charset(ada.id, "ascii")
    c = FakeCaller(offline_board)
    await c.wait_for(r"Handle:")
    await c.line("c")
    await c.wait_for(r", CP437 \(xterm\)")
    await login(c, "ada")
    assert c.term.info.encoding == "cp437"  # this call: what the caller just chose
    assert (await offline_board.services.users.get("ada")).charset == "ascii"
    await c.type("u")
    await c.wait_for(r"Character set\s+7-bit ASCII[\s\S]*\(now CP437\)")  # says which is in use
    await c.hangup()


async def test_saved_charset_applies_without_a_switch(offline_board: Any) -> None:
    ada = await offline_board.services.users.register("ada", PW)
    await offline_board.services.users.set_charset(ada.id, "cp437")
    c = FakeCaller(offline_board)
    await c.wait_for(r"Handle:")
    await login(c, "ada")
    assert c.term.info.encoding == "cp437"
    await c.hangup()


async def test_settings_auto_goes_back_to_what_the_probe_found(offline_board: Any) -> None:
    ada = await offline_board.services.users.register("ada", PW)
    await offline_board.services.users.set_charset(ada.id, "ascii")
    c = FakeCaller(offline_board)
    c.term.probed_charset = "cp437"  # the terminal answered like CP437 (its type says xterm)
    await c.wait_for(r"Handle:")
    await login(c, "ada")
    assert c.term.info.encoding == "ascii"
    await c.type("u")
    await c.wait_for(r"Character set")
    await c.type("c")  # ascii -> auto
    await c.wait_for(r"Character set\s+Automatic[\s\S]*\(now CP437\)")
    assert c.term.info.encoding == "cp437"
    await c.hangup()
