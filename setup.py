"""Build hook: the web terminal's assets (web/ -> src/retroboard/transports/web/static/).

Everything else about the package is in pyproject.toml. Before the Python files are copied
(`pip install .`, a wheel, and `pip install -e .`, which runs build_py too), this runs
`npm ci` and `npm run build` in web/ when npm is on PATH and the built files are older than
web/'s sources or lockfile; the built files then go into the wheel as package data
(pyproject: [tool.setuptools.package-data] transports/web/static/**). Without npm it says how
to get them and installs without them (the board's /terminal page then says the same).

RETROBOARD_SKIP_WEB_BUILD=1 skips npm altogether (the install then has whatever is built).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
WEB = ROOT / "web"
STATIC = ROOT / "src" / "retroboard" / "transports" / "web" / "static"
# Written last by web/build.mjs: its presence and age say a whole build is there.
STAMP = STATIC / "BUILT"
HOW = (
    "  To get them: install Node.js with npm (e.g. `apt-get install nodejs npm`) and reinstall,\n"
    "  or build them in place: `cd web && npm ci && npm run build`."
)


def _newest(paths: list[Path]) -> float:
    newest = 0.0
    for path in paths:
        if path.is_dir():
            for sub in path.rglob("*"):
                if sub.is_file():
                    newest = max(newest, sub.stat().st_mtime)
        elif path.exists():
            newest = max(newest, path.stat().st_mtime)
    return newest


def _say(message: str) -> None:
    print(f"retroboard web assets: {message}", file=sys.stderr, flush=True)


def build_web_assets() -> None:
    """Build web/ into STATIC unless it is up to date; never fails for a missing npm."""
    if not (WEB / "package.json").exists():
        return  # not a source tree with web/ (e.g. a build from an sdist without it)
    sources = [WEB / "src", WEB / "package.json", WEB / "package-lock.json", WEB / "build.mjs"]
    if STAMP.exists() and STAMP.stat().st_mtime >= _newest(sources):
        _say(f"up to date in {STATIC.relative_to(ROOT)}")
        return
    if os.environ.get("RETROBOARD_SKIP_WEB_BUILD"):
        _say("RETROBOARD_SKIP_WEB_BUILD is set: not building them.\n" + HOW)
        return
    npm = shutil.which("npm")
    if npm is None and STAMP.exists():
        _say(
            "npm was not found: installing the assets built before, older than web/'s sources.\n"
            + HOW
        )
        return
    if npm is None:
        _say(
            "npm was not found, so the web terminal's JavaScript/CSS are not built; the board\n"
            "  still installs and runs, and its /terminal page says how to get them.\n" + HOW
        )
        return
    installed = WEB / "node_modules" / ".package-lock.json"
    lock = WEB / "package-lock.json"
    steps = [[npm, "run", "build"]]
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        steps.insert(0, [npm, "ci", "--no-audit", "--no-fund"])
    for step in steps:
        _say("running " + " ".join(["npm", *step[1:]]) + " in web/")
        done = subprocess.run(step, cwd=WEB, stdout=sys.stderr, stderr=sys.stderr, check=False)
        if done.returncode != 0:
            raise SystemExit(
                f"retroboard web assets: `{' '.join(['npm', *step[1:]])}` failed in web/ "
                f"(exit {done.returncode}). Fix that, or set RETROBOARD_SKIP_WEB_BUILD=1 to "
                "install without the web terminal's assets."
            )
    _say(f"built into {STATIC.relative_to(ROOT)}")


class BuildPyWithWebAssets(build_py):
    """build_py that first builds the web assets, so they are found as package data."""

    def run(self) -> None:
        build_web_assets()
        # The package-data file list may have been worked out before the assets existed.
        self.__dict__.pop("data_files", None)
        super().run()


setup(cmdclass={"build_py": BuildPyWithWebAssets})
