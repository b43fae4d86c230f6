"""Reading what a user hands us, and atomic file writes.

Reads take only regular files, with a cap on the bytes actually read. Writes: a reader sees the
old file or the new one, never half of one, and an existing file is only replaced when the user
said --force.

``--force`` replaces a regular file (or the regular file a symlink points to) and keeps its
permission bits; it never replaces a device, a FIFO, a socket or a folder. A sweep folder is
replaced only file by file, and only files nclplan wrote there (named in its manifest); a
folder holding anything else is refused, whatever ``--force`` says.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import tempfile
from pathlib import Path

from nclplan.errors import NclplanError, OutputError
from nclplan.safetext import visible

MANIFEST = ".nclplan-manifest.json"
# The only names a sweep writes; nothing else in a folder is ever replaced or removed.
_SWEEP_NAME = re.compile(r"^(?:point-\d+\.[a-z]+|design\.csv|shopping-list\.csv)$")
_TMP_PREFIX = ".nclplan-"  # short: a 255-byte output name must still leave room for it


def read_capped(path: Path, limit: int, what: str, error: type[NclplanError]) -> bytes:
    """The bytes of a regular file (or a symlink to one), at most ``limit`` of them.

    A FIFO would block a plain ``open`` forever and ``/dev/zero`` reports size 0 and never ends,
    so the file is opened without blocking, must be regular, and the cap counts the bytes
    actually read rather than trusting the reported size. ``what`` names the file in messages
    ("a protocol"); ``error`` is the exception the caller documents.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise error(f"{visible(path)}: cannot read ({exc.strerror})") from exc
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise error(f"{visible(path)}: not a regular file; {what} is a plain file")
        chunks, total = [], 0
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise error(f"{visible(path)}: more than {limit} bytes is too large for {what}")
    except OSError as exc:
        raise error(f"{visible(path)}: cannot read ({exc.strerror})") from exc
    finally:
        os.close(fd)
    return b"".join(chunks)


def _fail(path: Path, exc: OSError, what: str = "cannot write") -> OutputError:
    return OutputError(f"{visible(path)}: {what} ({exc.strerror or exc})")


def _existing(path: Path, force: bool) -> tuple[Path, os.stat_result | None]:
    """Where to write for ``path`` and the status (mode, owner) to keep; refuse what must not
    be replaced."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return path, None
    except OSError as exc:
        raise _fail(path, exc) from exc
    target = path
    if stat.S_ISLNK(st.st_mode):
        try:
            st = os.stat(path)
        except OSError as exc:  # dangling or looping link: not a file to replace
            raise OutputError(f"{visible(path)}: a symbolic link to nothing writable") from exc
        target = Path(os.path.realpath(path))
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{visible(path)}: is a folder")
    if not stat.S_ISREG(st.st_mode):
        raise OutputError(
            f"{visible(path)}: not a regular file (a device, FIFO or socket); "
            "nclplan writes only regular files"
        )
    if not force:
        raise OutputError(f"{visible(path)}: already exists; use --force to replace it")
    return target, st


def write_atomic(path: Path, data: str | bytes, *, force: bool = False) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder.

    Without ``force`` the final step is ``os.link``, which fails if the file appeared in the
    meantime, so nothing is ever overwritten by a race either.
    """
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"{visible(path)}: folder {visible(parent)} does not exist")
    target, old = _existing(path, force)
    parent = target.parent
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(prefix=_TMP_PREFIX, suffix=".tmp", dir=parent)
    except OSError as exc:
        raise _fail(path, exc, f"cannot write in {visible(parent)}") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644 if old is None else stat.S_IMODE(old.st_mode))
        if old is not None:
            if hasattr(os, "geteuid") and os.geteuid() == 0:  # root keeps the owner as well
                with contextlib.suppress(OSError):
                    os.chown(tmp, old.st_uid, old.st_gid)
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)
            except FileExistsError:
                raise OutputError(
                    f"{visible(path)}: already exists; use --force to replace it"
                ) from None
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
    except OSError as exc:
        raise _fail(path, exc) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _digest(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _ours(entry: Path, listed: dict[str, str]) -> bool:
    """A file nclplan wrote and nobody changed since: a sweep's name, in the manifest, a regular
    file whose bytes still have the recorded SHA-256 (a user's edit is the user's file)."""
    if entry.name not in listed or not _SWEEP_NAME.match(entry.name):
        return False
    try:
        if not stat.S_ISREG(os.lstat(entry).st_mode):
            return False
        return _digest(entry.read_bytes()) == listed[entry.name]
    except OSError:
        return False


def _owned_names(path: Path, force: bool) -> list[str]:
    """The files of an existing folder that nclplan may replace; refuse any other content.

    An empty folder may be written without ``--force``; a folder of nclplan's own sweep output
    (every entry in its manifest and unchanged since, see ``_ours``) only with it.
    """
    try:
        entries = sorted(os.listdir(path))
    except OSError as exc:
        raise _fail(path, exc, "cannot read the folder") from exc
    if not entries:
        return []
    listed: dict[str, str] = {}
    with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
        raw = (path / MANIFEST).read_text(encoding="utf-8")
        data = json.loads(raw)
        if data.get("written_by") == "nclplan":
            listed = {str(n): str(h) for n, h in data["files"].items()}
    foreign = [n for n in entries if n != MANIFEST and not _ours(path / n, listed)]
    if foreign:
        shown = ", ".join(visible(n) for n in foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        raise OutputError(
            f"{visible(path)}: the folder holds files nclplan did not write ({shown}); "
            "give a new or empty folder"
        )
    if not force:
        raise OutputError(f"{visible(path)}: folder is not empty; use --force to replace it")
    return [n for n in entries if n != MANIFEST]


def write_folder(path: Path, files: dict[str, str | bytes], *, force: bool = False) -> None:
    """Write a folder of files: a new folder is built beside the target and renamed in.

    Into an existing folder (``-o . --force`` included) each file is replaced atomically, then
    nclplan's own files of the previous run that this run does not write are removed; a file
    nclplan did not write is never touched.
    """
    import shutil

    assert all(_SWEEP_NAME.match(n) for n in files), "only sweep names are written"
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"{visible(path)}: folder {visible(parent)} does not exist")
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise _fail(path, exc) from exc
    if st is not None and not stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{visible(path)}: exists and is not a folder")
    old = _owned_names(path, force) if st is not None else []
    payloads = {n: d.encode("utf-8") if isinstance(d, str) else d for n, d in files.items()}
    digests = {n: _digest(payloads[n]) for n in sorted(payloads)}
    manifest = json.dumps({"files": digests, "written_by": "nclplan"}, indent=2) + "\n"
    build_in = path if st is not None else parent
    try:
        tmp = Path(tempfile.mkdtemp(prefix=_TMP_PREFIX, dir=build_in))
    except OSError as exc:
        raise _fail(path, exc, f"cannot write in {visible(build_in)}") from exc
    try:
        for name, data in {**payloads, MANIFEST: manifest.encode("utf-8")}.items():
            (tmp / name).write_bytes(data)
            os.chmod(tmp / name, 0o644)
        if st is None:
            os.chmod(tmp, 0o755)
            os.replace(tmp, path)
            return
        for name in sorted(files):
            os.replace(tmp / name, path / name)
        for name in old:
            if name not in files:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(path / name)
        os.replace(tmp / MANIFEST, path / MANIFEST)
    except OSError as exc:
        raise _fail(path, exc) from exc
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
