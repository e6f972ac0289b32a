"""Settings: defaults, then a TOML file, then RETROBOARD_* environment, then command-line flags."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

ENV_PREFIX = "RETROBOARD_"


class ConfigError(Exception):
    """A configuration value is wrong; the message names the key and is shown as one line."""


@dataclass(frozen=True)
class Settings:
    """Everything the board needs to start. Built by `load_settings`, never at import time."""

    data: Path = Path("retroboard-data")
    host: str = "0.0.0.0"
    telnet_port: int = 2323
    ssh_port: int = 2222
    # Newsreaders (NNTP, RFC 3977): 0 disables. 119 is the standard port but needs root.
    nntp_port: int = 1119
    nntp_anonymous_read: bool = True  # readers that have not logged in may read public groups
    nntp_idle_timeout: int = 600  # seconds without a command before a newsreader is hung up
    # The web pages and the browser terminal (HTTP + WebSocket): 0 disables.
    http_port: int = 8080
    # Origins (scheme://host[:port], comma separated) a browser terminal's WebSocket may come
    # from besides the page's own: the public address behind a reverse proxy, for one.
    http_origins: str = ""
    database_url: str = ""  # empty: SQLite file in the data folder
    board_name: str = "retroboard"
    domain: str = "retroboard.local"  # right-hand side of Message-IDs
    # Groups a new account starts subscribed to (comma separated; missing names are skipped).
    default_groups: str = "local.general,local.sysop,comp.sys.retro,alt.folklore.computers"
    idle_timeout: int = 900  # seconds without a key before disconnecting
    idle_warning: int = 60  # seconds of warning before the idle disconnect
    max_sessions: int = 2000
    login_attempts: int = 3
    # Public-safety limits (see README "Running on the public internet").
    max_prelogin: int = 64  # connections not yet logged in, board-wide (MaxStartups-style)
    max_per_address: int = 40  # connections from one address, logged in or not
    max_prelogin_per_address: int = 8  # of those, not yet logged in
    sysop_reserve: int = 4  # lines above max_sessions that only the sysop may log in on
    login_timeout: int = 60  # seconds from connect to a successful login
    register_timeout: int = 600  # seconds to finish a new-user application
    prelogin_byte_budget: int = 65536  # bytes a caller may send before logging in
    key_rate: int = 2000  # keys per second a session may send (more are paced, not lost)
    registrations_per_hour: int = 3  # new accounts per address per hour
    login_lock_failures: int = 10  # wrong passwords on one handle before a temporary lock
    login_lock_minutes: int = 15  # how long that lock lasts
    # Logging in with a handle already online: "allow", "warn" (both sessions are told) or
    # "refuse" (the second login is turned away).
    duplicate_login: str = "warn"
    skin: str = "default"  # the board's default skin (ui/skins/*.toml: default, plain)
    # The modem speed every session is paced at unless its member or era picks one
    # (domain.modem.MODEM_SPEEDS; 0 = unthrottled). `--bps`, RETROBOARD_MODEM_BPS.
    modem_bps: int = 0
    # The classroom demo board (`retroboard demo`): `guests` lets anyone log in as GUEST
    # (a fresh account guest1, guest2, ... each time, no password); `demo_guests_read_only`
    # keeps those guests from posting, writing letters or one-liners; `demo` starts the
    # scripted regulars. `retroboard demo` turns `demo` and `guests` on.
    guests: bool = False
    demo_guests_read_only: bool = False
    demo: bool = False
    ssh_legacy_algorithms: bool = False  # also offer SHA-1 kex/MACs for old clients (SyncTERM)
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 4
    log_level: str = "INFO"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def db_url(self) -> str:
        """The SQLAlchemy URL: the configured one, or SQLite in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data / 'retroboard.db').resolve()}"

    @property
    def http_origin_list(self) -> tuple[str, ...]:
        """`http_origins` as a tuple (empty names dropped)."""
        return tuple(o.strip() for o in self.http_origins.split(",") if o.strip())

    @property
    def host_key_path(self) -> Path:
        return self.data / "ssh_host_ed25519_key"

    @property
    def art_dir(self) -> Path:
        return self.data / "art"

    @property
    def control_path(self) -> Path:
        """The local control socket `node list`, `ban add` and friends talk to (mode 0600)."""
        return self.data / "control.sock"


_INT_RANGES = {
    "telnet_port": (0, 65535),
    "ssh_port": (0, 65535),
    "nntp_port": (0, 65535),
    "http_port": (0, 65535),
    "nntp_idle_timeout": (10, 86400),
    "idle_timeout": (30, 86400),
    "idle_warning": (0, 3600),
    "max_sessions": (1, 100000),
    "login_attempts": (1, 20),
    "argon2_time_cost": (1, 20),
    "argon2_memory_kib": (1024, 4 * 1024 * 1024),
    "argon2_parallelism": (1, 64),
    "max_prelogin": (1, 100000),
    "max_per_address": (1, 100000),
    "max_prelogin_per_address": (1, 100000),
    "sysop_reserve": (0, 1000),
    "login_timeout": (5, 3600),
    "register_timeout": (30, 7200),
    "prelogin_byte_budget": (1024, 1 << 30),
    "key_rate": (10, 1000000),
    "registrations_per_hour": (0, 100000),
    "login_lock_failures": (1, 1000),
    "login_lock_minutes": (1, 10080),
}
_BOOLS = ("nntp_anonymous_read", "ssh_legacy_algorithms", "guests", "demo_guests_read_only", "demo")
_MODEM_SPEEDS = ("0", "300", "1200", "2400", "9600", "14400", "28800", "57600")  # domain.modem
_CHOICES = {"duplicate_login": ("allow", "warn", "refuse")}
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _coerce(key: str, value: Any, source: str) -> Any:
    """Turn a raw value from TOML, env or CLI into the field's type, or raise ConfigError."""
    if source == "environment":
        where = f"environment variable {ENV_PREFIX}{key.upper()}"
    elif source == "command line":
        where = f"option --{key.replace('_', '-')}"
    else:
        where = f"{source} key '{key}'"
    if key in _INT_RANGES:
        lo, hi = _INT_RANGES[key]
        try:
            if isinstance(value, bool):
                raise ValueError
            number = int(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{where}: expected a whole number, got {value!r}") from None
        if not lo <= number <= hi:
            raise ConfigError(f"{where}: {number} is outside {lo}..{hi}")
        return number
    if key == "modem_bps":  # the layers beside domain.modem cannot ask it: the same speeds
        speed = str(value).strip().lower().removesuffix("bps").replace("14.4k", "14400")
        speed = speed.replace("28.8k", "28800").replace("57.6k", "57600")
        speed = "0" if speed in ("off", "none", "unthrottled") else speed
        if speed not in _MODEM_SPEEDS:
            raise ConfigError(
                f"{where}: a modem speed is one of {', '.join(_MODEM_SPEEDS[1:])} or 0 "
                f"(unthrottled), not {value!r}"
            )
        return int(speed)
    if key in _BOOLS:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{where}: expected true or false, got {value!r}")
    if key == "data":
        if not isinstance(value, str | Path) or not str(value).strip():
            raise ConfigError(f"{where}: expected a folder path, got {value!r}")
        return Path(value).expanduser()
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected text, got {value!r}")
    if key in _CHOICES:
        choice = value.strip().lower()
        if choice not in _CHOICES[key]:
            raise ConfigError(f"{where}: expected one of {', '.join(_CHOICES[key])}, got {value!r}")
        return choice
    if key == "log_level":
        if value.upper() not in _LOG_LEVELS:
            raise ConfigError(f"{where}: expected one of {', '.join(_LOG_LEVELS)}, got {value!r}")
        return value.upper()
    if key == "database_url" and value and not value.startswith(("sqlite", "postgresql")):
        raise ConfigError(f"{where}: expected a sqlite+aiosqlite:// or postgresql+asyncpg:// URL")
    if key == "http_origins":
        for origin in (o.strip() for o in value.split(",")):
            if origin and not re.fullmatch(r"https?://[^/\s]+", origin):
                raise ConfigError(
                    f"{where}: an origin is scheme://host[:port] (http or https, no path), "
                    f"not {origin!r}"
                )
        return value
    if key == "host" and not value.strip():
        raise ConfigError(f"{where}: expected an address such as 0.0.0.0 or 127.0.0.1")
    return value


_KNOWN = {f.name for f in fields(Settings)} - {"extra"}


def _apply(settings: Settings, values: dict[str, Any], source: str) -> Settings:
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if key not in _KNOWN:
            raise ConfigError(f"{source}: unknown key '{key}' (known: {', '.join(sorted(_KNOWN))})")
        changes[key] = _coerce(key, value, source)
    return replace(settings, **changes) if changes else settings


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            doc = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path}: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"config file {path}: {exc.strerror}") from None
    # Accept both a flat file and one with a [retroboard] table.
    table = doc.get("retroboard", doc)
    if not isinstance(table, dict):
        raise ConfigError(f"config file {path}: [retroboard] must be a table")
    return {k.replace("-", "_"): v for k, v in table.items()}


def load_settings(
    cli: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
    config_file: str | Path | None = None,
) -> Settings:
    """Merge the sources in order of precedence: CLI > environment > config file > defaults.

    The config file is `config_file`, else $RETROBOARD_CONFIG, else `retroboard.toml` in the
    data folder when that exists. Raises ConfigError naming the bad key.
    """
    env = os.environ if environ is None else environ
    cli = {k: v for k, v in (cli or {}).items() if v is not None}
    env_values = {
        name: env[ENV_PREFIX + name.upper()] for name in _KNOWN if ENV_PREFIX + name.upper() in env
    }
    settings = Settings()
    path = config_file or env.get(ENV_PREFIX + "CONFIG")
    if not path:
        data = cli.get("data") or env_values.get("data") or settings.data
        candidate = Path(data) / "retroboard.toml"
        path = candidate if candidate.is_file() else None
    if path:
        settings = _apply(settings, _read_toml(Path(path)), f"config file {path}")
    settings = _apply(settings, env_values, "environment")
    settings = _apply(settings, cli, "command line")
    return settings
