"""Atomic file writes: a reader sees the old file or the new one, never half of one, and an
existing file is only replaced when the user said --force."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from nclplan.errors import OutputError


def write_atomic(path: Path, data: str | bytes, *, force: bool = False) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder.

    Without ``force`` the final step is ``os.link``, which fails if the file appeared in the
    meantime, so nothing is ever overwritten by a race either.
    """
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"{path}: folder {parent} does not exist")
    if path.is_dir():
        raise OutputError(f"{path}: is a folder")
    if path.exists() and not force:
        raise OutputError(f"{path}: already exists; use --force to replace it")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write in {parent} ({exc.strerror})") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        if force:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise OutputError(f"{path}: already exists; use --force to replace it") from None
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror})") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
