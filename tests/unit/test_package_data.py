"""Every data file the board reads at run time is named by pyproject's package data, so a plain
`pip install .` (the README's quick start, the Docker image) ships it: menus of every skin, art
folders, skins, migrations, the demo content."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "retroboard"


def test_every_data_file_is_package_data() -> None:
    doc = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    patterns = doc["tool"]["setuptools"]["package-data"]["retroboard"]
    shipped = {p for pattern in patterns for p in PACKAGE.glob(pattern)}
    data = {
        p
        for p in PACKAGE.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and (p.suffix != ".py" or "migrations" in p.parts)
    }
    missing = sorted(str(p.relative_to(PACKAGE)) for p in data - shipped)
    assert not missing, f"not in [tool.setuptools.package-data]: {missing}"
