"""What one screen hands the screen below it when it goes Back (plain values, no screens)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReaderExit:
    """What the reader hands back: where it stopped, and a message for the screen below."""

    group: str
    number: int
    finished: bool  # ran out of unread articles (or off the end of the reading list)
    message: str = ""
