"""The one table of screens by name: the only module that imports the screens."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

from retroboard.ui.nav import Screen
from retroboard.ui.screens.bulletins import BulletinsScreen
from retroboard.ui.screens.compose import ComposeScreen
from retroboard.ui.screens.draft_offer import DraftOfferScreen
from retroboard.ui.screens.era import EraScreen
from retroboard.ui.screens.groups import GroupSelectorScreen
from retroboard.ui.screens.info import InfoScreen
from retroboard.ui.screens.keyword import KeywordScreen
from retroboard.ui.screens.lastcallers import LastCallersScreen
from retroboard.ui.screens.login import LoginScreen, NewPasswordScreen
from retroboard.ui.screens.logon import LogonScreen
from retroboard.ui.screens.mail import MailScreen
from retroboard.ui.screens.mail_compose import MailComposeScreen
from retroboard.ui.screens.mail_letter import LetterScreen
from retroboard.ui.screens.members import MembersScreen
from retroboard.ui.screens.menu import MenuScreen
from retroboard.ui.screens.modqueue import ModerationQueueScreen
from retroboard.ui.screens.newscan import NewScanScreen
from retroboard.ui.screens.oneliners import OneLinersScreen
from retroboard.ui.screens.page import PageScreen
from retroboard.ui.screens.profile import ProfileScreen
from retroboard.ui.screens.reader import ReaderScreen
from retroboard.ui.screens.register import RegisterScreen
from retroboard.ui.screens.search import SearchScreen
from retroboard.ui.screens.settings import SettingsScreen
from retroboard.ui.screens.teleconference import TeleconferenceScreen
from retroboard.ui.screens.threads import ThreadListScreen
from retroboard.ui.screens.who import WhoScreen

# Targets a menu item may name (the rest need arguments only other screens can give).
MENU_TARGETS = (
    "groups",
    "newscan",
    "info",
    "settings",
    "search",
    "modqueue",
    "mail",
    "chat",
    "oneliners",
    "lastcallers",
    "bulletins",
    "who",
    "page",
    "yell",
    "members",
    "era",
    "keyword",
)


def screen_table() -> Mapping[str, Callable[..., Screen]]:
    """Target name -> factory taking the Push/Replace params as keyword arguments."""
    return {
        "login": LoginScreen,
        "new_password": NewPasswordScreen,
        "register": RegisterScreen,
        "menu": MenuScreen,
        "logon": LogonScreen,
        "oneliners": OneLinersScreen,
        "lastcallers": LastCallersScreen,
        "bulletins": BulletinsScreen,
        "draft_offer": DraftOfferScreen,
        "groups": GroupSelectorScreen,
        "threads": ThreadListScreen,
        "reader": ReaderScreen,
        "compose": ComposeScreen,
        "newscan": NewScanScreen,
        "info": InfoScreen,
        "settings": SettingsScreen,
        "chat": TeleconferenceScreen,
        "search": SearchScreen,
        "modqueue": ModerationQueueScreen,
        "mail": MailScreen,
        "letter": LetterScreen,
        "mail_compose": MailComposeScreen,
        "who": WhoScreen,
        "page": PageScreen,
        "yell": partial(PageScreen, sysop=True),
        "members": MembersScreen,
        "profile": ProfileScreen,
        "era": EraScreen,
        "keyword": KeywordScreen,
    }
