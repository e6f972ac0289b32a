"""Accounts on screen: changing one's password in settings, the forced change after a reset
(telnet login and SSH), and what the new-user form says about the real name."""

from __future__ import annotations

import asyncio
from typing import Any

from retroboard.domain.errors import AuthFailed
from tests.helpers.fakeui import FakeCaller


async def login(board: Any, handle: str, password: str, cols: int = 80) -> FakeCaller:
    c = FakeCaller(board, cols=cols)
    await c.wait_for(r"Handle:")
    await c.line(handle)
    await c.wait_for(r"Password:")
    await c.line(password)
    return c


async def open_settings(board: Any) -> FakeCaller:
    await board.services.users.register("bob", "Bobs-pass-01")
    c = await login(board, "bob", "Bobs-pass-01")
    await c.wait_for(r"\[G\] Goodbye")
    await c.type("u")
    await c.wait_for(r"\[P\] Password\s+Change it")
    return c


async def test_change_password_in_settings(offline_board: Any) -> None:
    users = offline_board.services.users
    c = await open_settings(offline_board)
    await c.type("p")
    await c.wait_for(r"Current password:\s*$")
    await c.line("Bobs-pass-01")
    await c.wait_for(r"New password:\s*$")
    await c.line("Fresh-words-7")
    await c.wait_for(r"New password again:\s*$")
    await c.line("Fresh-words-7")
    await c.wait_for(r"Your password is changed\.")
    assert "Fresh-words-7" not in c.text  # masked
    await users.authenticate("bob", "Fresh-words-7")
    await c.hangup()


async def test_wrong_old_password_changes_nothing_and_counts(offline_board: Any) -> None:
    users = offline_board.services.users
    c = await open_settings(offline_board)
    await c.type("p")
    await c.wait_for(r"Current password:")
    await c.line("not-my-pass-3")
    await c.wait_for(r"New password:")
    await c.line("Fresh-words-7")
    await c.wait_for(r"again:")
    await c.line("Fresh-words-7")
    await c.wait_for(r"That is not your current password\.")
    await users.authenticate("bob", "Bobs-pass-01")
    try:
        await users.authenticate("bob", "Fresh-words-7")
        raise AssertionError("the password changed after a wrong old one")
    except AuthFailed:
        pass
    await c.hangup()


async def test_weak_or_mistyped_new_password_is_refused(offline_board: Any) -> None:
    c = await open_settings(offline_board)
    await c.type("p")
    await c.wait_for(r"Current password:")
    await c.line("Bobs-pass-01")
    await c.wait_for(r"New password:")
    await c.line("password1")
    await c.wait_for(r"common|guess")  # the registration rules
    await c.type("p")
    await c.wait_for(r"Current password:")
    await c.line("Bobs-pass-01")
    await c.wait_for(r"New password:")
    await c.line("Fresh-words-7")
    await c.wait_for(r"again:")
    await c.line("Fresh-words-8")
    await c.wait_for(r"The new passwords differ")
    await offline_board.services.users.authenticate("bob", "Bobs-pass-01")
    await c.hangup()


async def test_reset_password_must_be_replaced_before_the_menu(offline_board: Any) -> None:
    users = offline_board.services.users
    await users.register("bob", "Bobs-pass-01")
    _, temporary = await users.reset_password("bob")
    c = await login(offline_board, "bob", temporary)
    await c.wait_for(r"reset your password")
    await c.wait_for(r"New password:\s*$")
    assert "Goodbye" not in c.text  # not at the menu yet
    await c.line("password1")  # the registration rules: refused, asked again
    await c.wait_for(r"common|guess")
    await c.wait_for(r"New password:\s*$")
    await c.line("Fresh-words-7")
    await c.wait_for(r"again:\s*$")
    await c.line("Fresh-words-7")
    await c.wait_for(r"\[G\] Goodbye")
    assert not (await users.get("bob")).must_change_password
    await users.authenticate("bob", "Fresh-words-7")
    await c.hangup()


async def test_reset_password_over_ssh_is_replaced_too(offline_board: Any) -> None:
    users = offline_board.services.users
    await users.register("bob", "Bobs-pass-01")
    _, temporary = await users.reset_password("bob")
    user = await users.authenticate("bob", temporary)  # what SSH password auth hands over
    c = FakeCaller(offline_board, user=user)
    await c.wait_for(r"New password:\s*$")
    await c.hangup()
    assert (await users.get("bob")).must_change_password  # dropped: still reset


async def test_giving_up_on_a_new_password_logs_off(offline_board: Any) -> None:
    users = offline_board.services.users
    await users.register("bob", "Bobs-pass-01")
    _, temporary = await users.reset_password("bob")
    c = await login(offline_board, "bob", temporary)
    for _ in range(5):
        await c.wait_for(r"New password:\s*$")
        await c.line("short")
    await c.wait_for(r"the reset password stays")
    await asyncio.wait_for(c.task, 5)
    assert c.term.hung_up


async def test_new_user_form_says_who_sees_the_real_name(offline_board: Any) -> None:
    c = FakeCaller(offline_board, cols=40)
    await c.wait_for(r"Handle:")
    await c.line("new")
    await c.wait_for(r"Handle")
    await c.line("carol")
    await c.wait_for(r"Password")
    await c.line("Carols-pass-1")
    await c.wait_for(r"again")
    await c.line("Carols-pass-1")
    screen = await c.wait_for(r"Real name")
    flat = " ".join(screen.split())
    assert "real name goes with your posts" in flat and "Show real name" in flat
    await c.hangup()
