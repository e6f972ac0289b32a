"""The explicit table of screens that menus may open, by target name."""

from __future__ import annotations

from collections.abc import Callable

from retroboard.ui.nav import Screen
from retroboard.ui.screens.groups import GroupSelectorScreen
from retroboard.ui.screens.info import InfoScreen
from retroboard.ui.screens.modqueue import ModerationQueueScreen
from retroboard.ui.screens.newscan import NewScanScreen
from retroboard.ui.screens.search import SearchScreen
from retroboard.ui.screens.settings import SettingsScreen


def screen_table() -> dict[str, Callable[[], Screen]]:
    """Target name -> factory. A menu item naming anything else fails the start-up check."""
    return {
        "groups": GroupSelectorScreen,
        "newscan": NewScanScreen,
        "info": InfoScreen,
        "settings": SettingsScreen,
        "search": SearchScreen,
        "modqueue": ModerationQueueScreen,
    }
