"""SQLite backup and restore: a consistent online copy (the backup API), and putting one back.

Both run the sqlite3 work in a thread, so a caller's event loop keeps going. Every file made
here is private (mode 0600). Messages of BackupError are one line, fit to show a sysop.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import text
from sqlalchemy.engine import make_url

from retroboard.db.engine import Database
from retroboard.db.migrate import _config, upgrade

CHECKED_TABLES = ("users", "groups", "articles")  # counted before and after a restore
BUSY_TIMEOUT = 30.0  # seconds to wait for a writer's lock on the live database


class BackupError(Exception):
    """A backup or restore was refused or failed; `str()` is one line for the sysop."""


@dataclass(frozen=True)
class RestoreResult:
    counts: dict[str, int]  # rows per table in the restored database (after migrations)
    kept: Path | None  # where the database that was replaced was kept
    revision_before: str | None  # the schema revision of FILE
    revision_after: str | None  # the schema revision after migrations


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL; None for another database (PostgreSQL)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(parsed.database)


def _family(path: Path) -> set[Path]:
    p = path.resolve()
    return {p, p.with_name(p.name + "-wal"), p.with_name(p.name + "-shm")}


def _connect_ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(
        f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, timeout=BUSY_TIMEOUT
    )


def _private_new_file(path: Path) -> None:
    """Create `path` empty with mode 0600 (whatever the umask); FileExistsError if it exists."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per table, by name; full-text index tables (virtual and shadow) left out."""
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    virtual = [n for n, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL TABLE")]
    counts = {}
    for name, _ in sorted(rows):
        if any(name == v or name.startswith(v + "_") for v in virtual):
            continue
        quoted = '"' + name.replace('"', '""') + '"'
        counts[name] = int(conn.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0])
    return counts


def _copy(source: sqlite3.Connection, target: Path) -> dict[str, int]:
    """Copy the open `source` into the new file `target` (a rollback-journal database, so it
    is one self-contained file); checks the copy and returns its table counts."""
    dst = sqlite3.connect(str(target), timeout=BUSY_TIMEOUT)
    try:
        # One step: on a WAL database the read snapshot stays consistent while the board
        # goes on writing, and the board's writers are never blocked.
        source.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
        result = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"the copy failed its integrity check: {result}")
        counts = table_counts(dst)
    finally:
        dst.close()
    with open(target, "rb+") as fh:
        os.fsync(fh.fileno())
    os.chmod(target, 0o600)
    return counts


def _partial(dest: Path) -> Path:
    return dest.with_name(f".{dest.name}.partial-{os.getpid()}")


def backup_sqlite(source: Path, dest: Path, *, force: bool = False) -> dict[str, int]:
    """Copy the live database `source` to `dest` (mode 0600), consistently, while the board
    runs. Returns the copy's rows per table. Raises BackupError: `dest` exists (without
    `force`), is the database itself, its folder is missing, or the copy fails."""
    if not source.is_file():
        raise BackupError(f"there is no database at {source}")
    if dest.resolve() in _family(source):
        raise BackupError(f"{dest} is the board's own database; choose another file")
    if dest.is_dir():
        raise BackupError(f"{dest} is a folder; give the name of the backup file to write")
    if not dest.parent.is_dir():
        raise BackupError(f"the folder {dest.parent} does not exist")
    if dest.exists() and not force:
        raise BackupError(f"{dest} already exists (use --force to overwrite it)")
    tmp = _partial(dest)
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    try:
        _private_new_file(tmp)
        src = sqlite3.connect(str(source), timeout=BUSY_TIMEOUT)
        try:
            counts = _copy(src, tmp)
        finally:
            src.close()
        if force:
            os.replace(tmp, dest)
        else:
            try:
                os.link(tmp, dest)  # never replaces a file that appeared meanwhile
            except FileExistsError:
                raise BackupError(f"{dest} already exists (use --force to overwrite it)") from None
    except sqlite3.Error as exc:
        raise BackupError(f"the backup failed: {exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return counts


async def backup(source: Path, dest: Path, *, force: bool = False) -> dict[str, int]:
    """`backup_sqlite` in a thread."""
    return await asyncio.to_thread(backup_sqlite, source, dest, force=force)


def check_backup_file(path: Path) -> tuple[dict[str, int], str]:
    """Check that `path` is a retroboard SQLite database fit to restore.

    Returns (rows per table, its schema revision). Raises BackupError when it is missing,
    not SQLite, fails PRAGMA integrity_check, has no alembic_version table, or was made by
    a newer retroboard (a revision these migrations do not know).
    """
    if not path.is_file():
        raise BackupError(f"there is no file {path}")
    try:
        conn = _connect_ro(path)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise BackupError(f"{path} fails its integrity check: {result[:200]}")
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if "alembic_version" not in tables:
                raise BackupError(f"{path} is an SQLite database but not a retroboard backup")
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            counts = table_counts(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise BackupError(f"{path} is not an SQLite database") from None
        raise BackupError(f"{path} is damaged and cannot be restored ({exc})") from None
    revision = row[0] if row else None
    if revision is None:
        raise BackupError(f"{path} has no schema revision; it is not a retroboard backup")
    try:
        known = ScriptDirectory.from_config(_config()).get_revision(revision)
    except CommandError:
        known = None
    if known is None:
        raise BackupError(
            f"{path} has schema revision {revision}, which this retroboard does not know "
            "(it was made by a newer version)"
        )
    missing = [t for t in CHECKED_TABLES if t not in counts]
    if missing:
        raise BackupError(f"{path} has no {', '.join(missing)} table")
    return counts, revision


def _keep_name(db_file: Path) -> Path:
    first = db_file.with_name(db_file.name + ".before-restore")
    if not first.exists():
        return first
    n = 2
    while db_file.with_name(f"{db_file.name}.before-restore.{n}").exists():
        n += 1
    return db_file.with_name(f"{db_file.name}.before-restore.{n}")


def _make_private(db_file: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.chmod(db_file.with_name(db_file.name + suffix), 0o600)


def _keep(db_file: Path, kept: Path) -> None:
    """Keep the current database as `kept`: a consistent one-file copy, or, when it cannot
    be read (the reason to restore may be that it is damaged), its files moved aside."""
    _private_new_file(kept)
    try:
        current = sqlite3.connect(str(db_file), timeout=BUSY_TIMEOUT)
        try:
            _copy(current, kept)
        finally:
            current.close()
        return
    except (sqlite3.DatabaseError, BackupError):
        kept.unlink()
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.replace(db_file.with_name(db_file.name + suffix), kept.with_name(kept.name + suffix))


def _put_in_place(backup_file: Path, db_file: Path) -> Path | None:
    """Keep the current database aside (a consistent copy), then copy `backup_file` in."""
    if backup_file.resolve() in _family(db_file):
        raise BackupError(f"{backup_file} is the board's own database; nothing to restore")
    kept: Path | None = None
    db_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        if db_file.exists():
            kept = _keep_name(db_file)
            _keep(db_file, kept)
        tmp = _partial(db_file)
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        _private_new_file(tmp)
        try:
            src = _connect_ro(backup_file)
            try:
                _copy(src, tmp)
            finally:
                src.close()
            for stale in (db_file.with_name(db_file.name + s) for s in ("-wal", "-shm")):
                with contextlib.suppress(FileNotFoundError):
                    stale.unlink()
            os.replace(tmp, db_file)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
    except sqlite3.Error as exc:
        raise BackupError(f"the restore failed: {exc}") from None
    return kept


async def restore(backup_file: Path, url: str) -> RestoreResult:
    """Replace the SQLite database of `url` with `backup_file`, bring it to the newest schema
    and check that it opens with the same users, groups and articles as the file.

    The board must not be running (the caller checks). The database that was there is kept
    as `<name>.before-restore` (or `.before-restore.N`). Raises BackupError.
    """
    db_file = sqlite_file(url)
    if db_file is None:
        raise BackupError("restore works on SQLite databases only")
    expected, revision = await asyncio.to_thread(check_backup_file, backup_file)
    kept = await asyncio.to_thread(_put_in_place, backup_file, db_file)
    db = Database(url)
    try:
        try:
            _, after = await upgrade(db)
        except Exception as exc:
            raise BackupError(f"the restored database could not be migrated: {exc}") from None
        counts: dict[str, int] = {}
        async with db.read() as s:
            for table in CHECKED_TABLES:
                counts[table] = int(
                    (await s.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()
                )
    finally:
        await db.dispose()
    await asyncio.to_thread(_make_private, db_file)
    wrong = [t for t in CHECKED_TABLES if counts[t] != expected[t]]
    if wrong:
        detail = ", ".join(f"{t} {counts[t]} (file has {expected[t]})" for t in wrong)
        raise BackupError(f"the restored database does not match the file: {detail}")
    return RestoreResult(counts, kept, revision, after)
