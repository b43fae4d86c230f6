"""The parsed-catalog cache: plain JSON data in a folder nclplan owns, never code.

A cache is read on every command, so it must not be a way in. It is JSON (a pickle or marshal
file can run code when loaded); the only objects it can rebuild are the pydantic models of
``nclplan.models``, by name, from plain values. It lives in a folder of its own (``nclplan``
inside the platform's cache folder, or inside ``NCLPLAN_CACHE_DIR``), created 0700; a folder or
file that belongs to another user, a symlink in its place, or anything that does not parse is
ignored, and nclplan writes and replaces only its own two files there (``catalog.json`` and
``routes.json``), deleting nothing else.

What the cache trusts: a file it finds in its own 0700 folder, owned by the user, was written
by nclplan. It is keyed on the SHA-256 of every catalog file's bytes and on nclplan's own code,
so an edit that keeps a file's size and mtime is seen.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nclplan.catalog import Catalog
    from nclplan.models import Route

FORMAT = 1  # bump when the JSON layout changes
MAX_CACHE_BYTES = 64_000_000
_FILES = ("catalog.json", "routes.json")


def directory() -> Path | None:
    """nclplan's own cache folder, created 0700; None when off or not safely usable."""
    from nclplan.catalog import CACHE_DIR_ENV, CACHE_ENV

    if os.environ.get(CACHE_ENV, "").strip().lower() in ("0", "off", "no", "false"):
        return None
    base_env = os.environ.get(CACHE_DIR_ENV, "")
    try:
        if base_env:
            base = Path(base_env)
            resolved = base.resolve()
            if resolved == Path(resolved.anchor):
                return None  # never write into "/" itself
            base.mkdir(parents=True, exist_ok=True, mode=0o700)
            folder = base / "nclplan"
        else:
            from platformdirs import user_cache_dir

            folder = Path(user_cache_dir("nclplan", appauthor=False))
            folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        return _own_folder(folder)
    except (OSError, RuntimeError, ValueError):
        return None


def _own_folder(folder: Path) -> Path | None:
    """``folder`` if it is a real folder of this user, tightened to 0700; else None."""
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    st = os.lstat(folder)
    if not stat.S_ISDIR(st.st_mode) or not _mine(st):
        return None  # a symlink planted in its place, or another user's folder
    if stat.S_IMODE(st.st_mode) & 0o077:
        os.chmod(folder, 0o700)  # created 0755 by an earlier nclplan
    return folder


def _mine(st: os.stat_result) -> bool:
    getuid = getattr(os, "getuid", None)  # Windows: the profile folder is private already
    return getuid is None or st.st_uid == getuid()


# ---- data-only encoding ------------------------------------------------------------------------


def _models() -> dict[str, Any]:
    """The classes the cache may rebuild: the pydantic models of nclplan.models, by name."""
    from pydantic import BaseModel

    from nclplan import models

    return {
        name: obj
        for name, obj in vars(models).items()
        if isinstance(obj, type)
        and issubclass(obj, BaseModel)
        and obj.__module__ == models.__name__
    }


def _encode(obj: Any) -> Any:
    """JSON for a validated model tree: every object is ``{"__m": ...}`` or ``{"__d": ...}``."""
    from pydantic import BaseModel

    if isinstance(obj, BaseModel):
        return {
            "__m": type(obj).__name__,
            "f": [[k, _encode(v)] for k, v in obj.__dict__.items()],
            "s": sorted(obj.model_fields_set),
        }
    if isinstance(obj, list | tuple):
        return [_encode(x) for x in obj]
    if isinstance(obj, dict):
        return {"__d": [[k, _encode(v)] for k, v in obj.items()]}
    if obj is None or isinstance(obj, str | int | float | bool):
        return obj
    raise TypeError(f"cannot cache {type(obj).__name__}")


def _decoder() -> Any:
    """A ``json.loads`` object hook that rebuilds listed models from plain values, as unpickling
    a model would (its fields were validated before they were cached), and nothing else."""
    classes = _models()

    def hook(d: dict[str, Any]) -> Any:
        if "__d" in d:
            return {k: v for k, v in d["__d"]}
        cls = classes[d["__m"]]  # KeyError for any other name: the cache is ignored
        obj = cls.__new__(cls)
        obj.__setstate__(
            {
                "__dict__": {k: v for k, v in d["f"]},
                "__pydantic_fields_set__": set(d["s"]),
                "__pydantic_extra__": None,
                "__pydantic_private__": None,
            }
        )
        return obj

    return hook


# ---- files -------------------------------------------------------------------------------------


def _read(name: str) -> dict[str, Any] | None:
    folder = directory()
    if folder is None:
        return None
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(folder / name, flags)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or not _mine(st) or st.st_size > MAX_CACHE_BYTES:
            return None
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = json.loads(fh.read(MAX_CACHE_BYTES + 1), object_hook=_decoder())
        return data if isinstance(data, dict) and data.get("format") == FORMAT else None
    except Exception:  # a damaged or foreign cache is only a slower start
        return None
    finally:
        os.close(fd)


def _write(name: str, data: dict[str, Any]) -> None:
    """Replace nclplan's own file ``name`` atomically (0600); touch nothing else."""
    import tempfile

    assert name in _FILES
    folder = directory()
    if folder is None:
        return
    tmp = None
    try:
        text = json.dumps({"__d": [["format", FORMAT], *data.items()]}, allow_nan=False)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, folder / name)
        tmp = None
    except Exception:  # a cache that cannot be written is only a slower next start
        return
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def read_catalog(key: str) -> Catalog | None:
    from nclplan.catalog import Catalog

    data = _read("catalog.json")
    if data is None or data.get("key") != key or not isinstance(data.get("catalog"), dict):
        return None
    try:
        return Catalog(**data["catalog"])
    except TypeError:
        return None


def write_catalog(key: str, cat: Catalog) -> None:
    from dataclasses import fields

    try:
        body = _encode({f.name: getattr(cat, f.name) for f in fields(cat)})
    except TypeError:
        return
    _write("catalog.json", {"key": key, "catalog": body})


RouteEntry = tuple[str, tuple["Route", dict[tuple[Any, ...], int], str]]


def read_routes(stamp: str) -> dict[str, RouteEntry]:
    """Per-file parses: resolved path -> (sha256 of the bytes, (route, lines, digest))."""
    from nclplan.models import Route

    data = _read("routes.json")
    if data is None or data.get("stamp") != stamp or not isinstance(data.get("entries"), dict):
        return {}
    out: dict[str, RouteEntry] = {}
    try:
        for path, (sig, route, lines, digest) in data["entries"].items():
            if isinstance(route, Route):
                out[path] = (sig, (route, {tuple(k): n for k, n in lines}, digest))
    except (TypeError, ValueError):
        return {}
    return out


def write_routes(stamp: str, entries: dict[str, RouteEntry]) -> None:
    try:
        body = _encode(
            {
                path: [sig, route, [[list(k), n] for k, n in lines.items()], digest]
                for path, (sig, (route, lines, digest)) in entries.items()
            }
        )
    except TypeError:
        return
    _write("routes.json", {"stamp": stamp, "entries": body})
