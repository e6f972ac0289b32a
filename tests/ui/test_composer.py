"""The one composer behind posts and letters: a send the service refuses keeps the text (as a
draft and in the editor), E edits it again, and the next send goes through with it."""

from __future__ import annotations

from typing import Any

import pytest

from retroboard.domain.errors import ValidationError
from retroboard.domain.users import User
from retroboard.ui.screens.compose import ComposeScreen
from tests.helpers.fakeui import FakeCaller

PASSWORD = "Secret-pass-1"
GROUP = "comp.sys.retro"
MENU = r"\[G\] Goodbye"
REFUSAL = "The spool is full for a moment."
TEXT = ["Kept through a refusal.", "Second line, also kept."]


def refuse_once(monkeypatch: pytest.MonkeyPatch, service: object, method: str) -> list[int]:
    """Make `service.method` raise a BoardError on its first call only; the list counts calls."""
    real = getattr(service, method)
    calls: list[int] = []

    async def flaky(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise ValidationError(REFUSAL)
        return await real(*args, **kwargs)

    monkeypatch.setattr(service, method, flaky)
    return calls


async def member(board: Any, handle: str) -> User:
    user: User = await board.services.users.register(handle, PASSWORD)
    return user


async def write_post(board: Any, ada: User) -> FakeCaller:
    board.screens["info"] = lambda: ComposeScreen([GROUP])  # [I] opens the composer
    c = FakeCaller(board, user=ada)
    await c.wait_for(MENU)
    await c.type("i")
    await c.wait_for(r"^Subject:$")
    await c.line("Refused once")
    await c.wait_for(r"Also post to")
    await c.line("")
    await c.wait_for(r"/S to save")
    for line in TEXT:
        await c.line(line)
    await c.line("/s")
    return c


async def write_letter(board: Any, ada: User) -> FakeCaller:
    c = FakeCaller(board, user=ada)
    await c.wait_for(MENU)
    await c.type("e")
    await c.wait_for(r"Mail: inbox")
    await c.type("w")
    await c.wait_for(r"^To:$")
    await c.line("bob")
    await c.wait_for(r"CC \(Enter for none\):$")
    await c.line("")
    await c.wait_for(r"^Subject:$")
    await c.line("Refused once")
    await c.wait_for(r"/S to save")
    for line in TEXT:
        await c.line(line)
    await c.line("/s")
    return c


async def sent_post(board: Any, ada: User) -> str:
    page = await board.services.articles.thread_page(ada, GROUP)
    [head] = [h for t in page.threads for h in t.articles]
    article = await board.services.articles.read_article(ada, GROUP, head.number, mark_read=False)
    body: str = article.body
    return body


async def sent_letter(board: Any, ada: User) -> str:
    [letter] = await board.services.mail.sent(ada)
    body: str = (await board.services.mail.get(ada, letter.id)).body
    return body


CASES = {  # the service and call that sends, the screen, what it says on a refusal and when sent
    "post": (
        "articles",
        "post",
        write_post,
        r"Your text is kept as a draft\.",
        r"Article posted \(comp\.sys\.retro #1\)\.",
        sent_post,
    ),
    "letter": (
        "mail",
        "send",
        write_letter,
        r"Your letter is kept as a draft\.",
        r"Letter sent to bob\.",
        sent_letter,
    ),
}


@pytest.mark.parametrize("kind", sorted(CASES))
async def test_a_refused_send_keeps_the_text_and_edit_again_sends_it(
    offline_board: Any, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    service_name, method, write, kept, done, sent_body = CASES[kind]
    ada = await member(offline_board, "ada")
    await member(offline_board, "bob")
    calls = refuse_once(monkeypatch, getattr(offline_board.services, service_name), method)
    c = await write(offline_board, ada)

    await c.wait_for(rf"^{REFUSAL}$")
    await c.wait_for(kept)
    await c.wait_for(r"\(E\)dit again, \(S\)ave as draft and leave, \(A\)bandon >$")
    [draft] = await offline_board.services.drafts.list(ada.id)
    assert draft.body.split("\n") == TEXT  # kept as typed, not only on the screen

    await c.type("e")  # edit again: the editor lists the text it had
    screen = await c.wait_for(r"^ ?2: Second line, also kept\.$")
    assert " 1: Kept through a refusal." in screen
    await c.line("/s")
    await c.wait_for(done)
    assert len(calls) == 2
    assert (await sent_body(offline_board, ada)).split("\n") == TEXT
    assert await offline_board.services.drafts.list(ada.id) == []  # sent: the draft is gone
    await c.hangup()
