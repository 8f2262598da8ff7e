"""Reading import files as streams: CSV rows and the records of a JSON list, one at a time,
each with where it came from (``members.csv line 12``, ``issues.json record 7``).

A file is never read whole, so a million cases cost the memory of a few. The readers refuse
what would otherwise import as something else: a header or a JSON object that names a field
twice (the last would silently win), a stray quote that runs across lines and swallows the
rows after it, a field over :data:`~.transfer_cells.FIELD_LIMIT`, text that is not UTF-8.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from ..errors import ValidationError
from .transfer_cells import FIELD_LIMIT, FIELD_LIMIT_TEXT, unescape_formula
from .transfer_records import format_of

Located = tuple[str, dict[str, Any]]

MULTILINE = frozenset({"title", "description", "duties", "commitments", "note", "profile", "payload"})
"""Columns whose text may hold line breaks; in any other column a line break inside a field is
the sign of a stray quote."""
LINE_LIMIT = 8 * FIELD_LIMIT
"""Longest physical line read at once (one row of several large fields)."""
RECORD_LIMIT = 16 * FIELD_LIMIT
"""Largest JSON record, in characters, the reader waits for before a parse error counts."""


class FileRecords:
    """The records of an import file; every iteration reads the file afresh, so an import
    can go over it twice without holding it. ``progress()`` is (bytes read, file size)."""

    def __init__(self, path: str | Path, fmt: str | None = None) -> None:
        self.path = Path(path)
        self.fmt = format_of(self.path, fmt)
        self.name = self.path.name
        if not self.path.is_file():
            raise ValidationError("file", "does not exist", record=str(self.path))
        self._counter: _Counting | None = None

    def __iter__(self) -> Iterator[Located]:
        raw = _Counting(open(self.path, "rb", buffering=0))  # noqa: SIM115 (closed below)
        self._counter = raw
        stream = io.TextIOWrapper(io.BufferedReader(raw, 1 << 16), encoding="utf-8-sig", newline="")
        try:
            yield from iter_text(stream, self.fmt, self.name)
        finally:
            stream.close()

    def progress(self) -> tuple[int, int]:
        return (self._counter.count if self._counter else 0), self.path.stat().st_size


class _Counting(io.RawIOBase):
    """A raw file that counts the bytes read from it (for the progress bar)."""

    def __init__(self, raw: io.RawIOBase) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self.raw.readinto(buffer) or 0
        self.count += n
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()


def read_records(path: str | Path, fmt: str | None = None) -> FileRecords:
    """The records of a file, read lazily (see :class:`FileRecords`)."""
    return FileRecords(path, fmt)


def parse_text(text: str, fmt: str, source: str) -> Iterator[Located]:
    """The records of CSV or JSON text already in memory."""
    return iter_text(io.StringIO(text, newline=""), fmt, source)


def iter_text(stream: TextIO, fmt: str, source: str) -> Iterator[Located]:
    """The records of a text stream, turning undecodable bytes into a one-line error."""
    records = iter_json(stream, source) if fmt == "json" else iter_csv(stream, source)
    where = None
    try:
        for where, raw in records:
            yield where, raw
    except UnicodeDecodeError:
        after = f" (after {where.removeprefix(source).strip()})" if where else ""
        raise ValidationError("file", f"is not UTF-8 text{after}", record=source) from None


# -- CSV ------------------------------------------------------------------------------------------


class _Lines:
    """Physical lines for :mod:`csv`, kept since the last complete row, so a field that is too
    large can still be named."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.pending: list[str] = []
        self.number = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.stream.readline(LINE_LIMIT)
        if not line:
            raise StopIteration
        self.number += 1
        if len(line) == LINE_LIMIT and not line.endswith(("\n", "\r")):
            raise _LineTooLong(line)
        self.pending.append(line)
        return line


class _LineTooLong(Exception):
    def __init__(self, line: str) -> None:
        self.line = line


def iter_csv(stream: TextIO, source: str) -> Iterator[Located]:
    """The rows of a CSV stream with a header of field names, as ``{field: text}`` without
    the empty cells. Formula escapes (``'=…``) are taken off, see
    :func:`~.transfer_cells.unescape_formula`."""
    lines = _Lines(stream)
    reader = csv.reader(lines)
    previous = csv.field_size_limit(FIELD_LIMIT)
    header: list[str] = []
    done = 1
    try:
        header = next(reader, [])
        if not header:
            return
        seen: set[str] = set()
        for name in header:
            if name in seen:
                raise ValidationError(name, "the header names this column twice", record=f"{source} line 1")
            seen.add(name)
        width = len(header)
        done = lines.number
        lines.pending.clear()
        for row in reader:
            start, done = done + 1, lines.number
            lines.pending.clear()
            if not row:
                continue
            if done > start:
                _check_spanning(row, header, start, done, source)
            if len(row) > width:
                raise ValidationError("row", "has more cells than the header", record=f"{source} line {start}")
            record = {}
            for name, cell in zip(header, row, strict=False):
                if cell:
                    record[name] = unescape_formula(cell) if cell[0] == "'" else cell
            yield f"{source} line {start}", record
    except _LineTooLong as exc:
        raise _oversized("".join(lines.pending) + exc.line, header, done + 1, source) from None
    except csv.Error as exc:
        if "field limit" in str(exc) and header:
            raise _oversized("".join(lines.pending), header, done + 1, source) from None
        raise ValidationError("csv", str(exc), record=f"{source} line {lines.number}") from None
    finally:
        csv.field_size_limit(previous)


def _line_breaks(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _check_spanning(row: list[str], header: list[str], start: int, end: int, source: str) -> None:
    """Refuse a row whose quoted field ran across lines where it should not: into a column
    that holds no line breaks, or into what should have been the next rows (the row then has
    the wrong number of cells). The field blamed is the one whose quote ran on."""
    spanning = [i for i, cell in enumerate(row) if "\n" in cell or "\r" in cell]
    if len(row) == len(header):
        culprits = [i for i in spanning if header[i] not in MULTILINE]
        if not culprits:
            return
        blamed = culprits[0]
    else:
        blamed = spanning[-1]
    opened = start + sum(_line_breaks(cell) for cell in row[:blamed])
    field = header[blamed] if blamed < len(header) else "row"
    raise ValidationError(field, f"the quote opened on this line runs across {end - opened + 1} lines into what "
                          "reads as other rows; close it, or double a quote meant as text (\"\")",
                          record=f"{source} line {opened}")


def _oversized(text: str, header: list[str], start: int, source: str) -> ValidationError:
    """The error for a field over the limit, naming its column: the row read so far is parsed
    again without the limit to see which field it is."""
    csv.field_size_limit(sys.maxsize)
    try:
        cells = next(csv.reader(io.StringIO(text, newline="")), [""])
    finally:
        csv.field_size_limit(FIELD_LIMIT)
    index = next((i for i, cell in enumerate(cells) if len(cell) > FIELD_LIMIT), len(cells) - 1)
    line = start + sum(_line_breaks(cell) for cell in cells[:index])
    field = header[index] if index < len(header) else "row"
    return ValidationError(field, f"is larger than {FIELD_LIMIT_TEXT}, the most a CSV field may hold",
                           record=f"{source} line {line}")


# -- JSON -----------------------------------------------------------------------------------------


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    record = dict(pairs)
    if len(record) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return record


_DECODER = json.JSONDecoder(object_pairs_hook=_object)
_SPACE = " \t\n\r"


def iter_json(stream: TextIO, source: str, *, buffer_size: int = 1 << 16) -> Iterator[Located]:
    """The objects of a JSON list, decoded one at a time with the standard library's decoder
    over a sliding buffer; line numbers in errors are exact.

    A parse error near the end of the buffer may only mean the record goes on in the next
    chunk, so the buffer grows (up to :data:`RECORD_LIMIT`) before the error counts."""
    buf, pos, line, eof = "", 0, 1, False

    def more() -> bool:
        nonlocal buf, pos, line, eof
        if eof:
            return False
        chunk = stream.read(buffer_size)
        if not chunk:
            eof = True
            return False
        line += buf.count("\n", 0, pos)
        buf, pos = buf[pos:] + chunk, 0
        return True

    def skip_space() -> str:
        nonlocal pos
        while True:
            while pos < len(buf) and buf[pos] in _SPACE:
                pos += 1
            if pos < len(buf) or not more():
                return buf[pos] if pos < len(buf) else ""

    def fail(reason: str, at: int) -> ValidationError:
        return ValidationError("json", reason, record=f"{source} line {line + buf.count(chr(10), 0, at)}")

    if skip_space() != "[":
        raise ValidationError("json", "must be a list of records", record=source)
    pos += 1
    number = 0
    if skip_space() == "]":
        pos += 1
    else:
        while True:
            number += 1
            where = f"{source} record {number}"
            skip_space()
            while True:
                try:
                    record, end = _DECODER.raw_decode(buf, pos)
                except _DuplicateKey as exc:
                    raise ValidationError(exc.key, "the record names this key twice", record=where) from None
                except json.JSONDecodeError as exc:
                    # Near the end of the buffer the record may only go on in the next chunk.
                    near_end = exc.pos >= len(buf) - 64 or exc.msg.startswith("Unterminated string")
                    if near_end and len(buf) - pos <= RECORD_LIMIT and more():
                        continue
                    raise fail(exc.msg, exc.pos) from None
                if end == len(buf) and not isinstance(record, dict | list) and more():
                    continue  # a number or literal may go on in the next chunk
                break
            if not isinstance(record, dict):
                raise ValidationError("json", "a record must be an object", record=where)
            pos = end
            yield where, record
            following = skip_space()
            if following == "]":
                pos += 1
                break
            if following != ",":
                raise fail("Expecting ',' delimiter" if following else "Expecting ']' at the end of the list", pos)
            pos += 1
    if skip_space():
        raise fail("Extra data after the list", pos)
