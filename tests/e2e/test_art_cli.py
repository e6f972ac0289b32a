"""`retroboard art show FILE` and `retroboard art check`, as a sysop types them."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.e2e.test_cli import run

SHARED = [
    Path(__file__).resolve().parents[3] / "shared" / "testdata",
    Path("/work/shared/testdata"),
]


def _example(name: str) -> Path:
    for base in SHARED:
        found = sorted((base / "ansilove-examples").rglob(name)) if base.is_dir() else []
        if found:
            return found[0]
    pytest.skip("shared test data not available")


def _sauce(width: int, title: bytes = b"sysop art") -> bytes:
    return (
        b"SAUCE00"
        + title.ljust(35)
        + b"sysop".ljust(20)
        + b"board".ljust(20)
        + b"19890101"
        + struct.pack("<IBBHHHHBB", 0, 1, 1, width, 1, 0, 0, 0, 0)
        + b"".ljust(22, b"\x00")
    )


def test_check_on_a_fresh_checkout_with_an_empty_data_folder(tmp_path: Path) -> None:
    r = run(tmp_path, "art", "check")
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert lines[-1].startswith(f"{len(lines) - 1 - sum(ln.startswith('note') for ln in lines)}")
    assert "0 with problems" in lines[-1]
    assert any(ln.startswith("ok ") and ln.split()[1].endswith("welcome.ans") for ln in lines)
    assert not any(ln.startswith("FAIL") for ln in lines)


def test_check_names_each_problem_and_fails(tmp_path: Path) -> None:
    art = tmp_path / "art"
    art.mkdir()
    (art / "wide.ans").write_bytes(b"w" * 100 + b"\r\n\x1a" + _sauce(100))
    (art / "jumpy.ans").write_bytes(b"\x1b[3;200Hx\r\n\x1a" + _sauce(80))
    (art / "cut.ans").write_bytes(b"hello\r\n\x1aSAUCE00Sauce title   ")
    (art / "fine.ans").write_bytes(b"\x1b[1;36m\xdb fine\x1b[0m\r\n\x1a" + _sauce(6))
    r = run(tmp_path, "art", "check")
    assert r.returncode == 1
    out = r.stdout
    assert f"FAIL {art / 'wide.ans'}: 100 columns wide: wider than 80" in out
    assert f"FAIL {art / 'wide.ans'}: SAUCE width 100 is wider than 80 columns" in out
    assert f"FAIL {art / 'jumpy.ans'}: 1 cursor move(s) outside the 80-column canvas" in out
    assert f"FAIL {art / 'cut.ans'}: broken SAUCE record" in out
    assert f'ok   {art / "fine.ans"} (6x1, "sysop art" by sysop/board, 19890101)' in out
    assert "3 with problems" in out.splitlines()[-1]
    assert "Traceback" not in r.stderr


def test_show_previews_in_utf8(tmp_path: Path) -> None:
    path = _example("bs-ansilove.ans")
    r = run(tmp_path, "art", "show", str(path), "--width", "80")
    assert r.returncode == 0, r.stderr
    assert "█" in r.stdout and "\x1b[" in r.stdout
    assert r.stdout.rstrip().endswith('78x23 "ansilove" by burps/fuel 20170720 iCE colours')


def test_show_ascii_and_no_colour(tmp_path: Path) -> None:
    path = _example("n-silove.ans")
    r = run(tmp_path, "art", "show", str(path), "--width", "80", "--ascii", "--no-color")
    assert r.returncode == 0, r.stderr
    data = r.stdout.encode("utf-8")
    assert max(data) <= 0x7E and b"\x1b" not in data
    assert "#" in r.stdout


def test_show_refuses_to_crop_and_bad_files(tmp_path: Path) -> None:
    path = _example("bs-ansilove.ans")
    r = run(tmp_path, "art", "show", str(path), "--width", "60")
    assert r.returncode == 1
    assert "78 columns wide, wider than 60" in r.stderr and "Traceback" not in r.stderr
    r = run(tmp_path, "art", "show", str(tmp_path / "missing.ans"))
    assert r.returncode == 1 and "missing.ans" in r.stderr
    r = run(tmp_path, "art", "show", str(path), "--width", "zero")
    assert r.returncode == 2
