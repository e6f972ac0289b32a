"""Login throttle rules and the connection guard's counting, without sockets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from retroboard.domain.throttle import MAX_DELAY, FailureLog, HourlyQuota, delay_for
from retroboard.domain.users import Level
from retroboard.services.guard import (
    ADDRESS_BUSY,
    BUSY,
    PRELOGIN_BUSY,
    RESERVE_ONLY,
    ConnectionGuard,
    Limits,
    normalise_address,
)


def test_delays_grow_then_cap() -> None:
    assert [delay_for(n) for n in range(3)] == [0, 0, 0]
    assert delay_for(3) == 0.5 and delay_for(4) == 1.0 and delay_for(5) == 2.0
    assert delay_for(50) == MAX_DELAY


def test_failure_log_window_and_bounds() -> None:
    log = FailureLog(60, max_keys=3, max_per_key=5)
    assert log.add("a", 0) == 1
    assert log.add("a", 10) == 2
    assert log.count("a", 65) == 1  # the first one left the window
    assert log.count("a", 200) == 0
    for i in range(10):
        log.add("b", 100 + i)
    assert log.count("b", 110) == 5  # saturates at max_per_key
    for key in "cdef":
        log.add(key, 120)
    assert len(log) == 3  # the least recently failed keys are forgotten


def test_hourly_quota() -> None:
    q = HourlyQuota(2)
    assert q.allowed("x", 0)
    q.note("x", 0)
    q.note("x", 1)
    assert not q.allowed("x", 2)
    assert q.allowed("y", 2)
    assert q.allowed("x", 3700)


def test_ipv4_mapped_addresses_are_one_address() -> None:
    assert normalise_address("::ffff:10.1.2.3") == "10.1.2.3"
    assert normalise_address("fe80::1%eth0") == "fe80::1"
    assert normalise_address("not-an-ip") == "not-an-ip"


def guard(**kw: int) -> ConnectionGuard:
    base = dict(
        max_sessions=10,
        max_prelogin=6,
        max_per_address=5,
        max_prelogin_per_address=3,
        sysop_reserve=2,
        prelogin_byte_budget=100,
    )
    base.update(kw)
    return ConnectionGuard(Limits(**base))


def test_one_address_cannot_fill_the_prelogin_lines() -> None:
    g = guard()
    held = [g.admit("telnet", "10.0.0.1") for _ in range(5)]
    assert [t.refusal for t in held] == [None, None, None, PRELOGIN_BUSY, PRELOGIN_BUSY]
    other = g.admit("telnet", "10.0.0.2")
    assert other.refusal is None
    assert g.prelogin == 4
    held[0].release()
    held[0].release()  # twice is harmless
    assert g.admit("telnet", "10.0.0.1").refusal is None


def test_logged_in_callers_do_not_count_as_prelogin_but_count_per_address() -> None:
    g = guard()
    tickets = [g.admit("ssh", "10.0.0.1") for _ in range(3)]
    for t in tickets:
        assert t.log_in(Level.USER) is None
    assert g.prelogin == 0
    more = [g.admit("ssh", "10.0.0.1") for _ in range(3)]
    assert [t.refusal for t in more] == [None, None, ADDRESS_BUSY]  # 5 per address in all


def test_board_wide_prelogin_cap_and_reserve_for_the_sysop() -> None:
    g = guard(max_prelogin=100, max_prelogin_per_address=100, max_per_address=100)
    users = [g.admit("telnet", f"10.0.1.{i}") for i in range(10)]
    for t in users:
        assert t.log_in(Level.USER) is None
    extra = g.admit("telnet", "10.0.2.1")
    assert extra.refusal is None and extra.reserve
    assert extra.log_in(Level.USER) == RESERVE_ONLY
    sysop = g.admit("telnet", "10.0.2.2")
    assert sysop.log_in(Level.SYSOP) is None
    assert g.admit("telnet", "10.0.2.3").refusal == BUSY  # 10 + 2 reserve in use


def test_prelogin_byte_budget() -> None:
    g = guard()
    t = g.admit("telnet", "10.0.0.1")
    assert t.take_bytes(60) and t.take_bytes(40)
    assert not t.take_bytes(1)
    t2 = g.admit("telnet", "10.0.0.3")
    t2.log_in(Level.USER)
    assert t2.take_bytes(10_000_000)  # no budget once logged in


@dataclass
class _Ban:
    value: str
    reason: str = "spam"
    expires_at: datetime | None = None

    def matches_address(self, ip: str) -> bool:
        return ip == self.value

    def matches_handle(self, handle: str) -> bool:
        return handle == self.value


def test_banned_addresses_are_refused_with_a_ban_screen_and_not_counted() -> None:
    g = guard()
    g.load_bans([_Ban("10.0.0.9"), _Ban("10.0.0.8", expires_at=datetime.now(UTC) - timedelta(1))])
    t = g.admit("telnet", "::ffff:10.0.0.9")
    assert t.refusal is not None and "banned" in t.refusal and "spam" in t.refusal
    assert g.total == 0
    assert g.admit("telnet", "10.0.0.8").refusal is None  # expired
    assert g.ban_for_handle("10.0.0.9") is not None
