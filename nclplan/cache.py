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
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nclplan.catalog import Catalog
    from nclplan.models import Route

FORMAT = 2  # bump when the JSON layout changes
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


@lru_cache(maxsize=1)
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


@lru_cache(maxsize=1)
def _field_names() -> dict[str, tuple[str, ...]]:
    return {name: tuple(cls.model_fields) for name, cls in _models().items()}


def _encode(obj: Any) -> Any:
    """JSON for a validated model tree: a model is ``{"m": class, "v": [field values in
    declaration order], "s": bitmask of the fields the file set}``, a mapping ``{"d": pairs}``.

    Positional values keep the file small and its decoding quick (it runs on every command).
    """
    from pydantic import BaseModel

    names = _field_names()

    def enc(obj: Any) -> Any:
        if isinstance(obj, str | int | float | bool) or obj is None:
            return obj
        if isinstance(obj, BaseModel):
            fields = names[type(obj).__name__]
            given = obj.model_fields_set
            return {
                "m": type(obj).__name__,
                "v": [enc(obj.__dict__[f]) for f in fields],
                "s": sum(1 << i for i, f in enumerate(fields) if f in given),
            }
        if isinstance(obj, list | tuple):
            return [enc(x) for x in obj]
        if isinstance(obj, dict):
            return {"d": [[k, enc(v)] for k, v in obj.items()]}
        raise TypeError(f"cannot cache {type(obj).__name__}")

    return enc(obj)


def _decoder() -> Any:
    """A ``json.loads`` object hook that rebuilds listed models from plain values, as unpickling
    a model would (its fields were validated before they were cached), and nothing else."""
    classes = _models()
    names = _field_names()
    field_sets: dict[tuple[str, int], frozenset[str]] = {}

    def hook(d: dict[str, Any]) -> Any:
        if "d" in d:
            return dict(d["d"])
        kind, mask = d["m"], d["s"]
        cls = classes[kind]  # KeyError for any other name: the cache is ignored
        fields = names[kind]
        values = d["v"]
        if len(values) != len(fields):
            raise ValueError("cached model does not match the code")
        given = field_sets.get((kind, mask))
        if given is None:
            given = frozenset(f for i, f in enumerate(fields) if mask >> i & 1)
            field_sets[(kind, mask)] = given
        obj = cls.__new__(cls)
        obj.__setstate__(
            {
                "__dict__": dict(zip(fields, values, strict=True)),
                "__pydantic_fields_set__": set(given),
                "__pydantic_extra__": None,
                "__pydantic_private__": None,
            }
        )
        return obj

    return hook


# ---- files -------------------------------------------------------------------------------------


def _read(name: str) -> tuple[dict[str, Any], list[str]] | None:
    """One of nclplan's cache files: a JSON header line, then one JSON text per line."""
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
            lines = fh.read(MAX_CACHE_BYTES + 1).decode("utf-8").split("\n")
        header = json.loads(lines[0])
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            return None
        return header, lines[1:]
    except Exception:  # a damaged or foreign cache is only a slower start
        return None
    finally:
        os.close(fd)


def _write(name: str, header: dict[str, Any], texts: list[str]) -> None:
    """Replace nclplan's own file ``name`` atomically (0600); touch nothing else."""
    import tempfile

    assert name in _FILES
    folder = directory()
    if folder is None:
        return
    tmp = None
    try:
        head = json.dumps({"format": FORMAT, **header}, allow_nan=False)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("\n".join([head, *texts]))
        os.replace(tmp, folder / name)
        tmp = None
    except Exception:  # a cache that cannot be written is only a slower next start
        return
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


# Each model tree is stored as its own line of JSON (ASCII, so without raw newlines): a file
# rewritten after one route changed re-encodes that route only. The texts of the trees read or
# written in this process are kept here (by identity) for the other file, which holds the same
# Route objects.
_TEXTS: dict[int, tuple[Any, str]] = {}


def _text_of(obj: Any) -> str:
    known = _TEXTS.get(id(obj))
    if known is not None and known[0] is obj:
        return known[1]
    text = json.dumps(_encode(obj), allow_nan=False, ensure_ascii=True)
    _TEXTS[id(obj)] = (obj, text)
    return text


def _from_text(text: str, hook: Any) -> Any:
    obj = json.loads(text, object_hook=hook)
    _TEXTS[id(obj)] = (obj, text)
    return obj


def read_catalog(key: str) -> Catalog | None:
    from nclplan.catalog import Catalog
    from nclplan.models import Reagent, Route, WorkupBlock

    found = _read("catalog.json")
    if found is None or found[0].get("key") != key:
        return None
    header, texts = found
    try:
        hook = _decoder()
        ids = list(header["routes"])
        if len(texts) != len(ids) + 2:
            return None
        reagents, blocks = _from_text(texts[0], hook), _from_text(texts[1], hook)
        cat = Catalog(
            routes={rid: _from_text(t, hook) for rid, t in zip(ids, texts[2:], strict=True)},
            reagents=reagents,
            blocks=blocks,
            files=dict(header["files"]),
            errors=list(header["errors"]),
            digests=dict(header["digests"]),
        )
    except Exception:  # not what nclplan writes: parse the catalog afresh
        return None
    ok = (
        all(isinstance(r, Route) for r in cat.routes.values())
        and all(isinstance(r, Reagent) for r in cat.reagents.values())
        and all(isinstance(b, WorkupBlock) for b in cat.blocks.values())
    )
    return cat if ok else None


def write_catalog(key: str, cat: Catalog) -> None:
    try:
        header = {
            "key": key,
            "routes": list(cat.routes),
            "files": cat.files,
            "errors": cat.errors,
            "digests": cat.digests,
        }
        texts = [_text_of(cat.reagents), _text_of(cat.blocks)]
        texts += [_text_of(r) for r in cat.routes.values()]
    except (TypeError, ValueError):
        return
    _write("catalog.json", header, texts)


Parsed = tuple["Route", dict[tuple[Any, ...], int], str]  # route, field lines, digest


class LazyLines(dict[tuple[Any, ...], int]):
    """A file's field -> line map, built from its stored pairs on first use: lines are needed
    only for a message, and building 1,000 of them would cost more than the rest of a check."""

    def __init__(self, pairs: list[Any]) -> None:
        super().__init__()
        self.pairs: list[Any] | None = pairs

    def _fill(self) -> None:
        if self.pairs is not None:
            pairs, self.pairs = self.pairs, None
            self.update({tuple(k): int(n) for k, n in pairs})

    def __getitem__(self, key: tuple[Any, ...]) -> int:
        self._fill()
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self._fill()
        return super().__contains__(key)

    def get(self, key: tuple[Any, ...], default: Any = None) -> Any:
        self._fill()
        return super().get(key, default)

    def items(self) -> Any:
        self._fill()
        return super().items()

    def __iter__(self) -> Any:
        self._fill()
        return super().__iter__()

    def __len__(self) -> int:
        self._fill()
        return super().__len__()


class RouteEntry:
    """One file's cached parse, keyed by the SHA-256 of its bytes; decoded only when used, so a
    cache that remembers many files costs only the files a command reads."""

    __slots__ = ("_lines", "_parsed", "_text", "digest", "sig")

    def __init__(
        self,
        sig: str,
        parsed: Parsed | None = None,
        *,
        text: str | None = None,
        lines: list[Any] | None = None,
        digest: str = "",
    ) -> None:
        self.sig, self._parsed, self._text, self._lines = sig, parsed, text, lines
        self.digest = parsed[2] if parsed is not None else digest

    def parsed(self) -> Parsed | None:
        """The parse, or None when the stored text is not a route nclplan wrote."""
        from nclplan.models import Route

        if self._parsed is None:
            try:
                route = _from_text(str(self._text), _decoder())
                lines = LazyLines(list(self._lines or ()))
            except Exception:  # damaged: the caller parses the file afresh
                return None
            if not isinstance(route, Route):
                return None
            self._parsed = (route, lines, self.digest)
        return self._parsed

    def row(self) -> tuple[list[Any], str]:
        if self._parsed is not None:
            route, lines, _ = self._parsed
            if isinstance(lines, LazyLines) and lines.pairs is not None:
                pairs = lines.pairs
            else:
                pairs = [[list(k), n] for k, n in lines.items()]
            return [self.sig, pairs, self.digest], _text_of(route)
        return [self.sig, self._lines, self.digest], str(self._text)


def read_routes(stamp: str) -> dict[str, RouteEntry]:
    """Per-file parses by resolved path (see RouteEntry)."""
    found = _read("routes.json")
    if found is None or found[0].get("stamp") != stamp:
        return {}
    header, texts = found
    try:
        return {
            path: RouteEntry(sig, text=text, lines=lines, digest=digest)
            for (path, sig, lines, digest), text in zip(header["entries"], texts, strict=True)
        }
    except Exception:  # not what nclplan writes: parse every file afresh
        return {}


def write_routes(stamp: str, entries: dict[str, RouteEntry]) -> None:
    try:
        rows, texts = [], []
        for path, entry in entries.items():
            row, text = entry.row()
            rows.append([path, *row])
            texts.append(text)
    except (TypeError, ValueError):
        return
    _write("routes.json", {"stamp": stamp, "entries": rows}, texts)
