"""Files named in a form, read for the core to keep as attachments.

A form takes paths (several separated by ``;``), not bytes: this reads them and guesses
the media type from the name. Whether a file may be kept (its size, its name) is the
core's rule, and its refusal is what the form shows; only a path that names no readable
file, or one so large that reading it would stall the screen, is refused here.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from gridgov.core import Platform
from gridgov.core.services.issues import MAX_ATTACHMENT_BYTES

READ_LIMIT = 8 * MAX_ATTACHMENT_BYTES
"""Larger files are not read into memory just to be refused by the core."""


class FileProblem(Exception):
    """A named path that cannot be attached: its message says which and why."""


def paths_of(field: str) -> list[Path]:
    return [Path(part.strip()).expanduser() for part in field.split(";") if part.strip()]


def read_files(field: str) -> list[tuple[str, str, bytes]]:
    """``(name, content type, bytes)`` for each path in ``field``; raises FileProblem."""
    files = []
    for path in paths_of(field):
        if not path.is_file():
            raise FileProblem(f"{path}: no such file")
        size = path.stat().st_size
        if size > READ_LIMIT:
            raise FileProblem(f"{path.name}: is {size:,} bytes; at most {MAX_ATTACHMENT_BYTES:,}")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise FileProblem(f"{path}: {exc.strerror or exc}") from None
        content_type = (mimetypes.guess_type(path.name)[0] or "application/octet-stream").lower()
        files.append((path.name, content_type, data))
    return files


def attach_all(platform: Platform, actor: Any, issue_id: int, files: list[tuple[str, str, bytes]]) -> None:
    """Attach each file; call inside the transaction of the step they come with, so a
    refused file undoes the step too and the form can be corrected and sent again."""
    for name, content_type, data in files:
        platform.issues.attach(actor, issue_id, name=name, content_type=content_type, data=data)
