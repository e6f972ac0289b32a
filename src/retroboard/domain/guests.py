"""Guest logins on a demo board: what a read-only guest is told when it tries to write."""

from __future__ import annotations

from retroboard.domain.users import User

READ_ONLY_GUEST = (
    "Guests on this demo board may look around but not write: {what} needs an account "
    "(type NEW at the login prompt)."
)


def write_refusal(user: User, read_only_guests: bool, what: str) -> str | None:
    """Why `user` may not write `what` ("posting", "a letter", "a one-liner"), or None.

    Only a guest account (users.guest) on a board whose guests are read-only is refused."""
    if read_only_guests and user.guest:
        return READ_ONLY_GUEST.format(what=what)
    return None
