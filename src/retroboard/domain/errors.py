"""The one rooted error hierarchy services raise; the UI turns them into short messages."""

from __future__ import annotations


class BoardError(Exception):
    """Root of every error a service raises on purpose. `str(e)` is fit to show a user."""


class NotFound(BoardError):
    """The thing asked for does not exist (or the user may not see it)."""


class PermissionDenied(BoardError):
    """The user's level does not allow this."""


class ValidationError(BoardError):
    """Input broke a rule (too long, bad name, empty...)."""


class AuthFailed(BoardError):
    """Wrong handle or password."""


class Conflict(BoardError):
    """The thing already exists (a taken handle, a duplicate group)."""


class StorageError(BoardError):
    """The database could not be written (disk full, locked too long)."""
