"""Modem speeds: which there are, how they are written and parsed, and the board setting."""

from __future__ import annotations

import pytest

from retroboard.config import ConfigError, load_settings
from retroboard.domain.modem import (
    MODEM_SPEEDS,
    characters_per_second,
    is_speed,
    parse_speed,
    speed_label,
)


def test_speeds_labels_and_rates() -> None:
    assert [speed_label(s) for s in MODEM_SPEEDS] == [
        "300", "1200", "2400", "9600", "14.4K", "28.8K", "57.6K",
    ]  # fmt: skip
    assert characters_per_second(2400) == 240 and characters_per_second(0) == 0
    assert is_speed(0) and is_speed(14400) and not is_speed(2401)


@pytest.mark.parametrize(("typed", "bps"), [("2400", 2400), ("14.4k", 14400), ("off", 0)])
def test_parse_speed(typed: str, bps: int) -> None:
    assert parse_speed(typed) == bps


def test_a_bad_speed_names_the_good_ones() -> None:
    with pytest.raises(ValueError, match="300, 1200, 2400"):
        parse_speed("2401")


def test_the_board_setting_takes_the_same_speeds() -> None:
    for speed in (0, *MODEM_SPEEDS):
        assert load_settings({"modem_bps": str(speed)}).modem_bps == speed
    assert load_settings({"modem_bps": "14.4K"}).modem_bps == 14400
    with pytest.raises(ConfigError, match="300, 1200"):
        load_settings({"modem_bps": "2401"})
