"""`retroboard bulletin add/list/delete` and `user add --location`, as a sysop types them."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_cli import run


def _sysop(data: Path, handle: str = "boss") -> None:
    r = run(
        data,
        "user",
        "add",
        handle,
        "--level",
        "sysop",
        "--location",
        "The Basement",
        "--password-stdin",
        stdin="Sysop-pass-1\n",
    )
    assert r.returncode == 0, r.stderr


def test_user_add_takes_a_location(tmp_path: Path) -> None:
    _sysop(tmp_path)
    r = run(tmp_path, "user", "list")
    [row] = [line for line in r.stdout.splitlines() if line.startswith("boss ")]
    assert "The Basement" in row


def test_bulletin_add_list_delete(tmp_path: Path) -> None:
    news = tmp_path / "news.txt"
    news.write_text("New modem pool\nWe now answer at 33600 bps.\nCall often!\n")
    r = run(tmp_path, "bulletin", "add", str(news))
    assert r.returncode == 1 and "no sysop account" in r.stderr and "Traceback" not in r.stderr
    _sysop(tmp_path)
    r = run(tmp_path, "bulletin", "add", str(news))
    assert r.returncode == 0, r.stderr
    assert "bulletin 1 published: New modem pool (by boss)" in r.stdout
    r = run(tmp_path, "bulletin", "add", "-", "--title", "Uptime", stdin="All week.\n")
    assert r.returncode == 0 and "bulletin 2 published: Uptime" in r.stdout
    r = run(tmp_path, "bulletin", "list")
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["ID", "DATE", "AUTHOR", "TITLE"]
    assert [line.split()[0] for line in lines[1:]] == ["2", "1"]
    assert lines[2].endswith("boss                 New modem pool")
    r = run(tmp_path, "bulletin", "delete", "1")
    assert r.returncode == 0 and "bulletin 1 removed" in r.stdout
    r = run(tmp_path, "bulletin", "delete", "1")
    assert r.returncode == 1 and "No bulletin number 1" in r.stderr
    assert [
        line.split()[0] for line in run(tmp_path, "bulletin", "list").stdout.splitlines()[1:]
    ] == ["2"]


def test_bulletin_author_must_be_a_sysop(tmp_path: Path) -> None:
    _sysop(tmp_path)
    r = run(tmp_path, "user", "add", "bob", "--password-stdin", stdin="Bobs-pass-1\n")
    assert r.returncode == 0
    news = tmp_path / "n.txt"
    news.write_text("Title only\n")
    r = run(tmp_path, "bulletin", "add", str(news), "--author", "bob", "--title", "Hi")
    assert r.returncode == 1 and "Only a sysop" in r.stderr
    r = run(tmp_path, "bulletin", "add", str(news))  # the title line and no text
    assert r.returncode == 1 and "needs some text" in r.stderr
    r = run(tmp_path, "bulletin", "add", str(tmp_path / "missing.txt"))
    assert r.returncode == 1 and "missing.txt" in r.stderr and "Traceback" not in r.stderr
