"""`retroboard art check`: every art file the board would show, validated one by one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from retroboard.ui.art import (
    COMNT_ID,
    DEFAULT_WIDTH,
    MAX_ART_BYTES,
    Art,
    ArtLibrary,
    art_file_name,
    default_art_dir,
    parse_sauce,
)
from retroboard.ui.skin import Skin

SCREEN_ROWS = 24  # taller art scrolls on an 80x24 screen (a note, not a problem)
CHARACTER = 1  # SAUCE DataType for character art
TEXT_TYPES = {0: "ASCII", 1: "ANSi"}  # the file types of character art the board can show


@dataclass
class Report:
    """What `check_file` found: `problems` make the check fail, `notes` do not."""

    path: Path
    size: str = ""  # "80x24" when the file loaded
    sauce: str = ""  # "title" by author/group, date
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _sauce_remnant(data: bytes) -> bool:
    """A SAUCE or COMNT marker near the end that is not part of a valid record."""
    return b"SAUCE" in data[-2 * 128 :] or COMNT_ID in data[-(128 + 5 + 64 * 255) :]


def check_file(path: Path, limit: int = DEFAULT_WIDTH) -> Report:
    """Validate one .ans file for a screen `limit` columns wide (a variant's own width for
    `name.<cols>.ans`). Never raises: an unreadable file is a problem in the report."""
    report = Report(path)
    parsed = art_file_name(path.name.removesuffix(ArtLibrary.SUFFIX))
    if parsed is None or not path.name.endswith(ArtLibrary.SUFFIX):
        report.notes.append(
            "not used by the board: name it NAME.ans or NAME.<columns>.ans (letters, digits, "
            "'-' and '_')"
        )
    elif parsed[1] is not None:
        limit = parsed[1]
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_ART_BYTES + 1)
    except OSError as exc:
        report.problems.append(f"cannot read it: {exc.strerror or exc}")
        return report
    if len(data) > MAX_ART_BYTES:
        report.problems.append(f"larger than {MAX_ART_BYTES} bytes: the board will not load it")
        return report
    _content, sauce = parse_sauce(data)
    if sauce is None:
        if _sauce_remnant(data):
            report.problems.append("broken SAUCE record (cut off or damaged)")
        else:
            report.notes.append("no SAUCE record (title, author, width)")
    else:
        who = "/".join(x for x in (sauce.author, sauce.group) if x) or "unknown"
        report.sauce = f'"{sauce.title}" by {who}' + (f", {sauce.date}" if sauce.date else "")
        if sauce.datatype != CHARACTER:
            report.problems.append(f"SAUCE data type {sauce.datatype} is not character art")
        elif sauce.filetype not in TEXT_TYPES:
            report.problems.append(
                f"SAUCE file type {sauce.filetype} is not ASCII or ANSi (animation or other)"
            )
        if sauce.datatype == CHARACTER and sauce.width > limit:
            report.problems.append(f"SAUCE width {sauce.width} is wider than {limit} columns")
        if not sauce.comments and data[-24]:  # byte 104 of the record: the comment count
            report.notes.append("SAUCE counts comment lines but there is no COMNT block")
    art = Art.from_bytes(data, name=path.stem)
    report.size = f"{art.width}x{art.height}"
    if art.height == 0:
        report.problems.append("nothing to show: the file draws no text")
    if art.width > limit:
        report.problems.append(
            f"{art.width} columns wide: wider than {limit}, so it is never shown there"
        )
    if art.outside:
        report.problems.append(
            f"{art.outside} cursor move(s) outside the {art.wrap}-column canvas "
            "(drawn for another screen size?)"
        )
    if art.height > SCREEN_ROWS:
        report.notes.append(f"{art.height} rows: it scrolls on a {SCREEN_ROWS}-row screen")
    return report


def board_art_folders(data_art: Path | None, skins: Mapping[str, Skin]) -> list[Path]:
    """The folders the board takes art from: the data folder's art/ (when it exists), every
    skin's art folder, the packaged art; each once, in that order."""
    found: list[Path] = []
    base = default_art_dir()
    candidates: Iterable[Path] = [
        *([data_art] if data_art is not None and data_art.is_dir() else []),
        *(base / name for skin in skins.values() for name in skin.art_folders),
        base,
    ]
    for folder in candidates:
        if folder not in found:
            found.append(folder)
    return found


def check_folders(folders: Iterable[Path]) -> list[Report]:
    """A report for every .ans file directly in each folder (sorted by name per folder); a
    skin's art folder that is missing is a problem of its own."""
    reports: list[Report] = []
    for folder in folders:
        if not folder.is_dir():
            missing = Report(folder)
            missing.problems.append("art folder is missing")
            reports.append(missing)
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() == ArtLibrary.SUFFIX and path.is_file():
                reports.append(check_file(path))
    return reports
