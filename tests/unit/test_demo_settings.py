"""The classroom demo's settings: a class calling from one address (a school's NAT, a reverse
proxy in front of the web terminal) gets in together, unless the sysop set their own limits."""

from __future__ import annotations

from dataclasses import replace

from retroboard.cli import CLASSROOM_PER_ADDRESS, CLASSROOM_PRELOGIN_PER_ADDRESS, demo_settings
from retroboard.config import Settings
from retroboard.services.facade import limits_of
from retroboard.services.guard import ConnectionGuard


def test_a_class_behind_one_address_gets_in_together() -> None:
    plain = Settings()
    demo = demo_settings(plain, ["local.general"])
    assert (demo.max_per_address, demo.max_prelogin_per_address) == (
        CLASSROOM_PER_ADDRESS,
        CLASSROOM_PRELOGIN_PER_ADDRESS,
    )
    for settings, admitted in ((plain, plain.max_prelogin_per_address), (demo, 40)):
        guard = ConnectionGuard(limits_of(settings))
        tickets = [guard.admit("web", "203.0.113.7") for _ in range(40)]
        assert sum(t.refusal is None for t in tickets) == admitted


def test_the_sysops_own_limits_stay() -> None:
    own = replace(Settings(), max_per_address=12, max_prelogin_per_address=3)
    demo = demo_settings(own, [])
    assert (demo.max_per_address, demo.max_prelogin_per_address) == (12, 3)
    small = replace(Settings(), max_prelogin=20)  # never more than the board-wide cap
    assert demo_settings(small, []).max_prelogin_per_address == 20
