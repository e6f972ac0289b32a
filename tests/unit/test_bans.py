"""Ban targets, durations and matching (domain/bans.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from retroboard.domain.bans import Ban, format_remaining, parse_duration, parse_target

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def ban(kind: str, value: str, expires: datetime | None = None) -> Ban:
    return Ban(
        id=1,
        kind=kind,  # type: ignore[arg-type]
        value=value,
        reason="",
        created_at=NOW,
        expires_at=expires,
        created_by="sysop",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.2", ("address", "127.0.0.2")),
        (" 192.0.2.7 ", ("address", "192.0.2.7")),
        ("::ffff:192.0.2.7", ("address", "192.0.2.7")),
        ("2001:DB8::0:1", ("address", "2001:db8::1")),
        ("[::1]", ("address", "::1")),
        ("fe80::1%eth0", ("address", "fe80::1")),
        ("10.1.2.3/8", ("network", "10.0.0.0/8")),
        ("192.0.2.0/24", ("network", "192.0.2.0/24")),
        ("2001:db8::77/32", ("network", "2001:db8::/32")),
        ("::ffff:10.0.0.0/104", ("network", "10.0.0.0/8")),
        ("192.0.2.9/32", ("address", "192.0.2.9")),
        ("Spammer", ("handle", "spammer")),
        ("b.o_b-1", ("handle", "b.o_b-1")),
    ],
)
def test_parse_target(text: str, expected: tuple[str, str]) -> None:
    assert parse_target(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Say what to ban"),
        ("   ", "Say what to ban"),
        ("10.0.0.0/33", "not a network"),
        ("banana/8", "not a network"),
        ("300.1.1.1", "not a valid IP address"),
        ("1.2.3", "not a valid IP address"),
        ("x", "not an address, a network"),
        ("a" * 21, "not an address, a network"),
        ("bad name", "not an address, a network"),
        ("1abc", "not an address, a network"),
    ],
)
def test_parse_target_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_target(text)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90),
        ("30m", 1800),
        ("2h", 7200),
        ("7d", 7 * 86400),
        ("1w", 7 * 86400),
        ("1h30m", 5400),
        ("2 days", 2 * 86400),
        (" 3H ", 3 * 3600),
    ],
)
def test_parse_duration(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("30", "not a duration"),
        ("abc", "not a duration"),
        ("m30", "not a duration"),
        ("5x", "unknown unit 'x'"),
        ("0s", "longer than zero"),
        ("99999w", "at most ten years"),
        ("3d-1h", "not a duration"),
    ],
)
def test_parse_duration_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_duration(text)


def test_active_until_expiry() -> None:
    assert ban("address", "192.0.2.1").active(NOW)
    temporary = ban("address", "192.0.2.1", NOW + timedelta(minutes=5))
    assert temporary.active(NOW)
    assert not temporary.active(NOW + timedelta(minutes=5))
    assert not temporary.active(NOW + timedelta(days=1))


def test_address_ban_matches_that_address_only() -> None:
    b = ban("address", "192.0.2.1")
    assert b.matches_address("192.0.2.1")
    assert b.matches_address("::ffff:192.0.2.1")  # a dual-stack listener's view of it
    assert not b.matches_address("192.0.2.2")
    assert not b.matches_address("::1")
    assert not b.matches_address("not an address")
    assert not b.matches_address("")
    assert not b.matches_handle("192.0.2.1")


def test_network_ban_matches_the_cidr() -> None:
    b = ban("network", "10.0.0.0/8")
    assert b.matches_address("10.255.3.4")
    assert b.matches_address("::ffff:10.1.1.1")
    assert not b.matches_address("11.0.0.1")
    assert not b.matches_address("2001:db8::1")
    v6 = ban("network", "2001:db8::/32")
    assert v6.matches_address("2001:db8:ffff::1")
    assert v6.matches_address("[2001:db8::2]")
    assert not v6.matches_address("2001:db9::1")
    assert not v6.matches_address("10.0.0.1")


def test_ipv6_address_ban() -> None:
    b = ban("address", "2001:db8::1")
    assert b.matches_address("2001:0db8:0000::0001")
    assert b.matches_address("2001:db8::1%eth0")
    assert not b.matches_address("2001:db8::2")


def test_handle_ban() -> None:
    b = ban("handle", "spammer")
    assert b.matches_handle("Spammer") and b.matches_handle(" spammer ")
    assert not b.matches_handle("spammer2")
    assert not b.matches_address("127.0.0.1")


def test_damaged_value_matches_nothing() -> None:
    b = ban("network", "garbage")
    assert not b.matches_address("10.0.0.1")
    with pytest.raises(ValueError):
        ban("country", "xx")


def test_format_remaining() -> None:
    assert format_remaining(ban("handle", "x1"), NOW) == "for good"
    assert format_remaining(ban("handle", "x1", NOW + timedelta(days=3, hours=4)), NOW) == "3d 4h"
    assert format_remaining(ban("handle", "x1", NOW + timedelta(minutes=12)), NOW) == "12m"
    assert format_remaining(ban("handle", "x1", NOW + timedelta(seconds=40)), NOW) == "40s"
    assert format_remaining(ban("handle", "x1", NOW - timedelta(seconds=1)), NOW) == "expired"
