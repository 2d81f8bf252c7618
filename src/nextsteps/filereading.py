"""Reading the files people give nextsteps: bytes to text, lines for a CSV reader, zip archives.

Pure: no Django import (the wording is translated through `nextsteps.i18n`). Every reader of an
uploaded or imported file goes through here first, so each refuses the same things the same
way, naming the file, the line and the place in it:

* text that is not UTF-8 (with or without the byte-order mark spreadsheets add), including
  UTF-16 and UTF-32 files, which Excel's "Unicode text" writes;
* a NUL character: no text file holds one, PostgreSQL cannot store one, and it is what a
  binary file read as text shows first;
* a line too long to be a line of text;
* a zip archive that is not one, is cut short, or would unpack to more than a limit (a zip
  bomb), judged by its directory before anything is unpacked; a member whose data turns out
  damaged while it is read.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import IO

from nextsteps.i18n import translate as _

MAX_LINE = 8 * 1024 * 1024
# A workbook's XML unpacks to several times the file: room for 100,000 rows, not for a bomb.
MAX_WORKBOOK_UNPACKED = 100 * 1024 * 1024
_LONE_CR = re.compile(rb"(?<=\r)(?!\n)")
_UTF16_32 = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
NUL = "\x00"


class Unreadable(ValueError):
    """A file, or a part of one, that cannot be read; nothing was taken from it.

    Line 0 means the file as a whole; lines count from 1 as a text editor shows them. `column`
    names a spreadsheet column (a letter or a header) when there is one.
    """

    def __init__(self, file: str, line: int, column: str, message: str) -> None:
        self.file, self.line, self.column, self.message = file, line, column, message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where = _("%(where)s, line %(line)s") % {"where": where, "line": self.line}
        if self.column:
            where = _("%(where)s, column %(column)s") % {"where": where, "column": self.column}
        return f"{where}: {self.message}"


def lines(source: bytes | IO[bytes], file: str, *, max_line: int = MAX_LINE) -> Iterator[str]:
    """The file's lines as text, line endings kept (give them to `csv.reader`).

    A line ends at LF, CR LF or a lone CR, as Python's universal newlines read them, so the
    CSV reader's line numbers are the ones a text editor shows.
    """
    stream = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    number = 0
    while True:
        raw = _read_line(stream, file, number + 1, max_line)
        if not raw:
            return
        if number == 0:
            raw = _without_bom(raw, file)
        for piece in _LONE_CR.split(raw):
            if piece:
                number += 1
                yield _decoded(piece, file, number)


def text(data: bytes, file: str) -> str:
    """The whole file as text, checked as `lines` checks it, the byte-order mark removed."""
    return "".join(lines(data, file))


def open_zip(data: bytes, file: str, *, max_unpacked: int) -> zipfile.ZipFile:
    """The archive, once its directory is read and its members' sizes add up to no more than
    `max_unpacked` bytes; members are read later, and damage found then is `Unreadable` too
    when read through `lines`."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as error:
        raise Unreadable(
            file,
            0,
            "",
            _("this is not a zip file, or it was cut short (%(error)s)") % {"error": error},
        ) from error
    unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > max_unpacked:
        raise Unreadable(
            file,
            0,
            "",
            _("it would unpack to %(size)s MB, more than the %(most)s MB allowed")
            % {"size": unpacked // 1024**2, "most": max_unpacked // 1024**2},
        )
    return archive


def open_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> IO[bytes]:
    """One member of an archive from `open_zip`, for reading through `lines`."""
    try:
        return archive.open(info)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
        # A damaged local header, an unknown compression method, a password.
        raise Unreadable(
            info.filename, 0, "", _("cannot be unpacked (%(error)s)") % {"error": error}
        ) from error


def workbook_rows(
    data: bytes, file: str, cell_text: Callable[[object], str]
) -> Iterator[list[str]]:
    """The first worksheet's rows of an Excel workbook (.xlsx), each cell as `cell_text` makes
    it (an empty cell is ""); `Unreadable` if it is not a workbook, would unpack past the
    limit, is damaged part way, or a cell holds a NUL."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    open_zip(data, file, max_unpacked=MAX_WORKBOOK_UNPACKED).close()
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = book.worksheets[0].iter_rows(values_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise Unreadable(
            file, 0, "", _("this is not an Excel workbook (.xlsx) that can be read")
        ) from error
    number = 0
    try:
        while True:
            try:
                values = next(rows, None)
            except Exception as error:  # noqa: BLE001 - as above, part way through the sheet
                raise Unreadable(file, number + 1, "", _("the workbook is damaged here")) from error
            if values is None:
                return
            number += 1
            cells = ["" if value is None else cell_text(value) for value in values]
            letters = (get_column_letter(index) for index in range(1, len(cells) + 1))
            _refuse_nul_cells(cells, file, number, letters)
            yield cells
    finally:
        book.close()


def _refuse_nul_cells(cells: Iterable[str], file: str, line: int, columns: Iterable[str]) -> None:
    # XML cannot hold a NUL, but a reader may decode one from an escape: none gets further.
    for cell, column in zip(cells, columns, strict=False):
        if NUL in cell:
            raise Unreadable(
                file,
                line,
                column,
                _("the cell holds a NUL character (byte 0), which cannot be stored; %(advice)s")
                % {"advice": _nul_advice()},
            )


def _read_line(stream: IO[bytes], file: str, number: int, max_line: int) -> bytes:
    try:
        raw = stream.readline(max_line + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise Unreadable(
            file, number, "", _("the data is damaged (%(error)s)") % {"error": error}
        ) from error
    if len(raw) > max_line:
        nul = raw.find(b"\x00")
        if nul >= 0:  # a binary file read as text: say so rather than "too long"
            _decoded(raw[: nul + 1], file, number)
        raise Unreadable(
            file,
            number,
            "",
            _("the line is longer than %(most)s MB: is this a text file?")
            % {"most": max_line // 1024**2},
        )
    return raw


def _without_bom(raw: bytes, file: str) -> bytes:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:]
    if raw.startswith(_UTF16_32):
        raise Unreadable(
            file,
            1,
            "",
            _("the file is UTF-16 or UTF-32 text; save it as CSV UTF-8 (or UTF-8 text)"),
        )
    return raw


def _decoded(piece: bytes, file: str, number: int) -> str:
    try:
        decoded = piece.decode("utf-8")
    except UnicodeDecodeError as error:
        character = len(piece[: error.start].decode("utf-8", errors="replace")) + 1
        raise Unreadable(
            file,
            number,
            "",
            _(
                "character %(character)s is not UTF-8 text (byte 0x%(byte)02X); save the file "
                "as CSV UTF-8 (or UTF-8 text)"
            )
            % {"character": character, "byte": piece[error.start]},
        ) from error
    position = decoded.find(NUL)
    if position >= 0:
        raise Unreadable(
            file,
            number,
            "",
            _("character %(character)s is a NUL (byte 0), which no text file holds; %(advice)s")
            % {"character": position + 1, "advice": _nul_advice()},
        )
    return decoded


def _nul_advice() -> str:
    return _("is it the right file, saved as text?")
