"""Settings precedence and one-line errors for bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from retroboard.config import ConfigError, load_settings


def test_defaults() -> None:
    s = load_settings({}, environ={})
    assert (s.telnet_port, s.ssh_port, s.data) == (2323, 2222, Path("retroboard-data"))
    assert s.db_url.startswith("sqlite+aiosqlite:///")
    assert s.db_url.endswith("retroboard-data/retroboard.db")


def test_precedence_cli_over_env_over_file(tmp_path: Path) -> None:
    cfg = tmp_path / "board.toml"
    cfg.write_text('telnet_port = 3000\nssh_port = 3001\nboard_name = "Pirate Pete\'s"\n')
    env = {"RETROBOARD_SSH_PORT": "4001", "RETROBOARD_HOST": "127.0.0.1"}
    s = load_settings({"telnet_port": 5000}, environ=env, config_file=cfg)
    assert s.telnet_port == 5000  # CLI
    assert s.ssh_port == 4001  # environment
    assert s.board_name == "Pirate Pete's"  # file
    assert s.host == "127.0.0.1"


def test_config_in_data_folder_is_found(tmp_path: Path) -> None:
    (tmp_path / "retroboard.toml").write_text("[retroboard]\ntelnet_port = 2424\n")
    s = load_settings({"data": str(tmp_path)}, environ={})
    assert s.telnet_port == 2424


def test_database_url_from_env() -> None:
    url = "postgresql+asyncpg://bbs@db/bbs"
    assert load_settings({}, environ={"RETROBOARD_DATABASE_URL": url}).db_url == url


@pytest.mark.parametrize(
    "env,needle",
    [
        ({"RETROBOARD_TELNET_PORT": "abc"}, "environment variable RETROBOARD_TELNET_PORT"),
        ({"RETROBOARD_SSH_PORT": "70000"}, "RETROBOARD_SSH_PORT"),
        ({"RETROBOARD_DATABASE_URL": "mysql://x"}, "RETROBOARD_DATABASE_URL"),
        ({"RETROBOARD_LOG_LEVEL": "LOUD"}, "RETROBOARD_LOG_LEVEL"),
        ({"RETROBOARD_DUPLICATE_LOGIN": "maybe"}, "RETROBOARD_DUPLICATE_LOGIN: expected one of"),
    ],
)
def test_bad_values_name_the_key(env: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings({}, environ=env)
    assert needle in str(err.value)
    assert "\n" not in str(err.value)


def test_unknown_key_and_broken_toml(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("telnet_prot = 1\n")
    with pytest.raises(ConfigError, match="telnet_prot"):
        load_settings({}, environ={}, config_file=cfg)
    cfg.write_text("telnet_port = \n")
    with pytest.raises(ConfigError, match="c.toml"):
        load_settings({}, environ={}, config_file=cfg)
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings({}, environ={}, config_file=tmp_path / "missing.toml")


def test_command_line_errors_name_the_option() -> None:
    with pytest.raises(ConfigError, match="option --telnet-port: 99999 is outside"):
        load_settings({"telnet_port": 99999}, environ={})


def test_duplicate_login_policy(tmp_path: Path) -> None:
    assert load_settings({}, environ={}).duplicate_login == "warn"
    cfg = tmp_path / "board.toml"
    cfg.write_text('duplicate_login = "Refuse"\n')
    assert load_settings({}, environ={}, config_file=cfg).duplicate_login == "refuse"
    env = {"RETROBOARD_DUPLICATE_LOGIN": "allow"}
    assert load_settings({}, environ=env, config_file=cfg).duplicate_login == "allow"
    cfg.write_text("duplicate_login = 1\n")
    with pytest.raises(ConfigError, match="duplicate_login': expected text"):
        load_settings({}, environ={}, config_file=cfg)
