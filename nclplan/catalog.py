"""Find, load and validate protocol files; look routes up by target, alias or id.

Protocol files are YAML read with a SafeLoader that also rejects anchors/aliases (a protocol has
no use for them, and they are how "billion laughs" files blow up) and duplicate keys (YAML would
silently keep the last). Every error names ``file:line: field: message``.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from nclplan.errors import CatalogError, UnknownTargetError, UsageError
from nclplan.models import Reagent, Route, WorkupBlock
from nclplan.safetext import visible

shown = visible  # a file name in a message: a newline or ESC in it is shown, not obeyed

LIBRARY_PREFIX = "reagents"  # reagents.yaml, reagents-extra.yaml, ...: reagent libraries
BLOCKS_FILE = "purification.yaml"
ENV_PATH = "NCLPLAN_PATH"
MAX_FILE_BYTES = 1_000_000  # a protocol is a few kB; refuse anything absurd before parsing


@dataclass
class Catalog:
    """The routes and reagent library in force, with the file each came from."""

    routes: dict[str, Route] = field(default_factory=dict)
    reagents: dict[str, Reagent] = field(default_factory=dict)
    blocks: dict[str, WorkupBlock] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # route id -> file
    errors: list[str] = field(default_factory=list)
    # Content digests (of the parsed YAML, so reformatting a file does not change them), for
    # plan ids that change exactly when the data a plan is made from changes.
    digests: dict[str, str] = field(default_factory=dict)  # "route:ID" / "reagent:ID" -> hex

    def route_list(self) -> list[Route]:
        return [self.routes[k] for k in sorted(self.routes)]


# ---- YAML with line numbers ------------------------------------------------------------------


def read_bytes(path: Path) -> bytes:
    """The bytes of a protocol file: a regular file, at most MAX_FILE_BYTES (see read_capped)."""
    from nclplan.fileio import read_capped

    return read_capped(path, MAX_FILE_BYTES, "a protocol", CatalogError)


# An anchor is "&name" where a node begins; the quick test only sends suspect files to the scanner.
_ANCHOR_HINT = re.compile(rb"(?:^|[\s\[{,])&[^\s\[\]{},]")


def _refuse_anchors(text: str, path: Path) -> None:
    """Refuse anchors even without an alias (README: protocol files hold no anchors).

    The C composer does not keep anchor names on nodes, so the tokens of a file that may hold
    one are scanned; almost every file is cleared by the regular expression alone.
    """
    import yaml

    scanner = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        while scanner.check_token():
            token = scanner.get_token()
            if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
                line = token.start_mark.line + 1
                raise CatalogError(
                    f"{shown(path)}:{line}: YAML anchors and aliases are not allowed "
                    "in protocol files"
                )
    except yaml.YAMLError:
        return  # the parser reports it with its line
    finally:
        scanner.dispose()


def _read_yaml(path: Path, raw: bytes | None = None) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """Parse one YAML file safely; return data and a map from field path to line number."""
    import yaml

    raw = read_bytes(path) if raw is None else raw
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{shown(path)}: not UTF-8 text ({exc.reason})") from exc
    if _ANCHOR_HINT.search(raw):
        _refuse_anchors(text, path)

    # libyaml's composer when present (about 10x faster); plain PyYAML otherwise. The data is
    # built from the node tree here, in the same pass that records line numbers, so only
    # plain YAML (strings, numbers, booleans, null, lists, mappings) can ever be constructed.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise CatalogError(f"{shown(path)}:1: empty file")
        lines: dict[tuple[Any, ...], int] = {}
        data = _build(node, (), lines, path, set(), yaml.constructor.SafeConstructor())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = visible(exc.problem or "invalid YAML")
        raise CatalogError(f"{shown(path)}:{line}: {problem}") from exc
    except yaml.YAMLError as exc:
        raise CatalogError(f"{shown(path)}: invalid YAML ({visible(exc)})") from exc
    except RecursionError as exc:
        raise CatalogError(f"{shown(path)}: nested too deeply for a protocol file") from exc
    finally:
        loader.dispose()
    return data, lines


_YAML = "tag:yaml.org,2002:"
_PLAIN_SCALARS = {f"{_YAML}{t}" for t in ("null", "bool", "int", "float")}


def _build(
    node: Any,
    at: tuple[Any, ...],
    lines: dict[tuple[Any, ...], int],
    path: Path,
    seen_nodes: set[int],
    constructor: Any,
) -> Any:
    """The Python value of ``node``, recording the line of every field on the way.

    Refuses aliases (a node reached twice), duplicate keys and any tag but plain data.
    """
    import yaml

    line = node.start_mark.line + 1
    if id(node) in seen_nodes:
        raise CatalogError(
            f"{shown(path)}:{line}: YAML anchors and aliases are not allowed in protocol files"
        )
    seen_nodes.add(id(node))
    lines[at] = line
    tag = node.tag or ""
    if isinstance(node, yaml.MappingNode) and tag == f"{_YAML}map":
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise CatalogError(
                    f"{shown(path)}:{key_node.start_mark.line + 1}: a key must be a plain word"
                )
            key = _build(key_node, (*at, "__key__"), {}, path, seen_nodes, constructor)
            if key in out:
                raise CatalogError(
                    f"{shown(path)}:{key_node.start_mark.line + 1}: duplicate key {key!r}"
                )
            out[key] = _build(value_node, (*at, key), lines, path, seen_nodes, constructor)
            lines[(*at, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode) and tag == f"{_YAML}seq":
        return [
            _build(item, (*at, i), lines, path, seen_nodes, constructor)
            for i, item in enumerate(node.value)
        ]
    if isinstance(node, yaml.ScalarNode) and tag == f"{_YAML}str":
        return node.value
    if isinstance(node, yaml.ScalarNode) and tag in _PLAIN_SCALARS:
        if len(node.value) > 40 and tag != f"{_YAML}null":  # a 5,000-digit integer
            raise CatalogError(f"{shown(path)}:{line}: a number of {len(node.value)} characters")
        try:
            return constructor.construct_object(node)
        except (ValueError, OverflowError) as exc:
            raise CatalogError(f"{shown(path)}:{line}: not a number YAML can read") from exc
    tag_text = visible(tag.replace(_YAML, "!!"))
    raise CatalogError(
        f"{shown(path)}:{line}: unsafe or unknown YAML tag {tag_text}; "
        "protocol files hold plain data only"
    )


def _line_for(loc: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> int:
    """The line of the deepest part of ``loc`` the file has (a missing key: its parent)."""
    names = {"yield_": "yield", "schema_": "schema"}
    loc = tuple(names.get(p, p) if isinstance(p, str) else p for p in loc)
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return 1


_WHERE_RE = re.compile(r"^([A-Za-z_]\w*(?:\.\w+)*): (.*)$", re.S)


def _validation_messages(path: Path, exc: Any, lines: dict[tuple[Any, ...], int]) -> list[str]:
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        msg = err["msg"].removeprefix("Value error, ")
        m = _WHERE_RE.match(msg)
        if m:  # a whole-route check names the field itself: "reagents.0.mass: ..."
            loc = (*loc, *(int(p) if p.isdigit() else p for p in m.group(1).split(".")))
            msg = m.group(2)
        where = ".".join(str(p) for p in loc) or "(file)"
        out.append(f"{shown(path)}:{_line_for(loc, lines)}: {where}: {msg}")
    return out


# ---- loading ---------------------------------------------------------------------------------


def digest(data: Any) -> str:
    import hashlib
    import json

    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def load_route(path: Path) -> tuple[Route, dict[tuple[Any, ...], int]]:
    """One route file, validated; raises CatalogError with every problem found in it."""
    route, lines, _ = _load_route(path)
    return route, lines


def _load_route(
    path: Path, raw: bytes | None = None
) -> tuple[Route, dict[tuple[Any, ...], int], str]:
    from pydantic import ValidationError

    data, lines = _read_yaml(path, raw)
    if not isinstance(data, dict):
        raise CatalogError(f"{shown(path)}:1: a protocol file holds a mapping (id:, title:, ...)")
    try:
        route = Route.model_validate(data)
    except ValidationError as exc:
        raise CatalogError("\n".join(_validation_messages(path, exc, lines))) from exc
    if route.id != path.stem:
        raise CatalogError(
            f"{shown(path)}:{lines.get(('id',), 1)}: id: {route.id!r} must equal the "
            f"file name {path.stem!r}"
        )
    return route, lines, digest(data)


def _load_mapping(path: Path, top: str, model: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """A library file: ``top:`` maps ids to entries validated as ``model``."""
    from pydantic import ValidationError

    data, lines = _read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get(top), dict) or len(data) != 1:
        raise CatalogError(f"{shown(path)}:1: this library file holds one mapping '{top}:' of ids")
    out: dict[str, Any] = {}
    digests: dict[str, str] = {}
    errors: list[str] = []
    for key, entry in data[top].items():
        digests[str(key)] = digest(entry)
        if not isinstance(key, str) or not re.match(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", key):
            errors.append(
                f"{shown(path)}:{_line_for((top, key), lines)}: {top}.{key}: not a valid id"
            )
            continue
        try:
            out[key] = model.model_validate(entry)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                loc = (top, key, *err["loc"])
                errors.append(
                    f"{shown(path)}:{_line_for(loc, lines)}: {'.'.join(map(str, loc))}: "
                    f"{err['msg'].removeprefix('Value error, ')}"
                )
    if errors:
        raise CatalogError("\n".join(errors))
    return out, digests


def shipped_dir() -> Path:
    """The protocols folder installed with the package."""
    return Path(str(resources.files("nclplan.protocols")))


def search_path(extra: Iterable[Path] = ()) -> list[Path]:
    """Shipped catalog first, then ``NCLPLAN_PATH`` entries, then ``--catalog`` folders."""
    dirs = [shipped_dir()]
    env = os.environ.get(ENV_PATH, "")
    dirs += [Path(p) for p in env.split(os.pathsep) if p.strip()]
    dirs += list(extra)
    return dirs


def _yaml_files(target: Path) -> Iterator[Path]:
    if target.is_dir():
        yield from sorted(p for p in target.iterdir() if p.suffix in (".yaml", ".yml"))
    else:
        yield target


def _folder_problem(d: Path) -> str:
    """Why catalog folder (or file) ``d`` cannot be read, or ``""``: a symlink loop is not
    "missing"."""
    try:
        d.stat()
    except FileNotFoundError:
        return f"{shown(d)}: catalog folder does not exist"
    except OSError as exc:
        return f"{shown(d)}: cannot read the catalog folder ({exc.strerror})"
    return ""


CACHE_ENV = "NCLPLAN_CACHE"  # "0" or "off" disables the parsed-catalog cache
CACHE_DIR_ENV = "NCLPLAN_CACHE_DIR"  # nclplan keeps its cache in a folder "nclplan" inside it


def load_catalog(extra: Iterable[Path] = (), *, collect: bool = False) -> Catalog:
    """Load every route and reagent library on the search path.

    With ``collect`` the problems are gathered in ``Catalog.errors`` (for ``nclplan check``,
    which reuses the cached catalog when nothing changed, else the per-file parse of unchanged
    files); otherwise the first broken file
    raises CatalogError, and a valid catalog is kept in a cache keyed on the bytes of every
    catalog file (see ``nclplan.cache``).
    """
    from nclplan import cache

    dirs = search_path(extra)
    key = _cache_key(dirs)
    if key is not None:
        # Only a valid catalog is cached, and the key covers every file's bytes and nclplan's
        # code: the checks that passed when it was stored pass again, so `check` may use it.
        cached = cache.read_catalog(key)
        if cached is not None:
            return cached
    cat = _load_catalog(dirs, collect=collect)
    if key is not None and not cat.errors:
        cache.write_catalog(key, cat)
    return cat


def code_stamp() -> list[str]:
    """What a cached parse depends on besides the file: nclplan's own code.

    ``wording`` is part of it because ``check`` reuses a cached catalog: a new curation rule
    must see the files again.
    """
    import sys

    from nclplan import __version__, chemistry, models, units, wording

    return [
        __version__,
        sys.version,
        *(
            str(Path(m).stat().st_mtime_ns)
            for m in (
                __file__,
                models.__file__,
                chemistry.__file__,
                units.__file__,
                wording.__file__,
            )
        ),
    ]


def _cache_key(dirs: list[Path]) -> str | None:
    """A key that changes with nclplan itself and with the name or bytes of any catalog file.

    Hashing the bytes (about 0.5 ms for the shipped catalog) rather than trusting size and
    mtime: an edit that keeps both must not serve the old plan.
    """
    import hashlib

    from nclplan import cache

    if cache.directory() is None:
        return None
    parts = code_stamp()
    try:
        for d in dirs:
            parts.append(f"dir:{d.resolve() if d.exists() else d}")
            for f in _yaml_files(d) if d.exists() else ():
                parts.append(f"{f.name}:{hashlib.sha256(read_bytes(f)).hexdigest()}")
    except (OSError, CatalogError):
        return None  # the full load reports the problem
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


MAX_CACHED_FILES = 2000


class _FileCache:
    """Each route file's parse and validation, kept while the file's bytes and nclplan are
    unchanged.

    What depends on other files (library reagents, ids, precursor links) is checked afresh on
    every load; only the single-file work is reused. Errors are not cached.
    """

    def __init__(self) -> None:
        import hashlib

        from nclplan import cache

        self.stamp = hashlib.sha256("\n".join(code_stamp()).encode()).hexdigest()
        self.entries = cache.read_routes(self.stamp)
        self.used: set[str] = set()
        self.dirty = False

    def load_route(self, path: Path) -> tuple[Route, dict[tuple[Any, ...], int], str]:
        import hashlib

        from nclplan import cache

        raw = read_bytes(path)
        try:
            key = str(path.resolve())
        except (OSError, RuntimeError):  # a symlink loop: parse it and let that fail
            return _load_route(path, raw)
        sig = hashlib.sha256(raw).hexdigest()
        self.used.add(key)
        hit = self.entries.get(key)
        if hit is not None and hit.sig == sig:
            parsed = hit.parsed()
            if parsed is not None:
                return parsed
        result = _load_route(path, raw)
        self.entries[key] = cache.RouteEntry(sig, result)
        self.dirty = True
        return result

    def save(self) -> None:
        from nclplan import cache

        if self.dirty:
            # this load's files, then others that still exist, at most MAX_CACHED_FILES
            keep = [k for k in self.entries if k in self.used]
            keep += [k for k in self.entries if k not in self.used and os.path.isfile(k)]
            kept = {k: self.entries[k] for k in keep[:MAX_CACHED_FILES]}
            cache.write_routes(self.stamp, kept)


def _load_catalog(dirs: list[Path], *, collect: bool) -> Catalog:
    cat = Catalog()
    route_files: list[Path] = []
    for d in dirs:
        msg = _folder_problem(d)
        if msg:
            if not collect:
                raise CatalogError(msg)
            cat.errors.append(msg)
            continue
        for f in _yaml_files(d):
            if f.name.startswith(LIBRARY_PREFIX) or f.name == BLOCKS_FILE:
                try:
                    entries, digests = (
                        _load_mapping(f, "purification", WorkupBlock)
                        if f.name == BLOCKS_FILE
                        else _load_mapping(f, "reagents", Reagent)
                    )
                except CatalogError as exc:
                    if not collect:
                        raise
                    cat.errors += str(exc).splitlines()
                    continue
                into: dict[str, Any] = cat.blocks if f.name == BLOCKS_FILE else cat.reagents
                for key, entry in entries.items():
                    if collect:
                        kind = "purification" if f.name == BLOCKS_FILE else "reagents"
                        cat.errors += _wording(entry, f"{f}: {kind}.{key}", {})
                    if f.name != BLOCKS_FILE:
                        cat.digests[f"reagent:{key}"] = digests[key]
                    if key in into and into[key] != entry:
                        msg = (
                            f"{shown(f)}: {key!r} is already defined differently in another library"
                        )
                        if not collect:
                            raise CatalogError(msg)
                        cat.errors.append(msg)
                    into[key] = entry
            elif not f.name.startswith("_"):
                route_files.append(f)
    parsed = _FileCache()
    for f in route_files:
        try:
            route, lines, route_digest = parsed.load_route(f)
            if route.id in cat.routes:
                raise CatalogError(
                    f"{shown(f)}:1: id: {route.id!r} is also defined in "
                    f"{shown(cat.files[route.id])}"
                )
            _cross_check(route, cat, f, lines)
            if collect:  # `check` only: wording never stops a plan from being made
                cat.errors += _wording(route, f"{f}", lines)
        except CatalogError as exc:
            if not collect:
                raise
            cat.errors += str(exc).splitlines()
            continue
        cat.routes[route.id] = route
        cat.files[route.id] = str(f)
        cat.digests[f"route:{route.id}"] = route_digest
    parsed.save()
    for problem in _link_problems(cat):
        if not collect:
            raise CatalogError(problem)
        cat.errors.append(problem)
    return cat


def _wording(obj: Route | Reagent | WorkupBlock, where: str, lines: dict[Any, int]) -> list[str]:
    """Curation words in fields a plan shows (see nclplan.wording), as ``file:line: field: ...``."""
    from nclplan.wording import findings

    out = []
    for path, message in findings(obj):
        line = next((lines[path[:n]] for n in range(len(path), 0, -1) if path[:n] in lines), 0)
        name = ".".join(map(str, path))
        out.append(f"{where}:{line}: {name}: {message}" if line else f"{where}: {name}: {message}")
    return out


def _link_problems(cat: Catalog) -> list[str]:
    """Checks across routes: precursor routes exist, no route depends on itself, blocks exist."""
    out = []
    for rid, route in cat.routes.items():
        for line in route.reagents:
            if line.made_by is not None and line.made_by not in cat.routes:
                out.append(
                    f"{shown(cat.files[rid])}: reagents: {line.id}.made_by {line.made_by!r} "
                    "is not a route of the catalog"
                )
        for block in route.workup:
            if block not in cat.blocks:
                out.append(
                    f"{shown(cat.files[rid])}: workup: {block!r} is not a purification block"
                )
    for key, b in cat.blocks.items():
        for reagent in sorted({*b.removes_if_used, *b.check_if_used} - set(cat.reagents)):
            out.append(f"purification: {key}: {reagent!r} is not in the reagent library")
    for rid in cat.routes:
        chain = _precursor_chain(cat, rid, ())
        if chain is not None:
            out.append(
                f"{shown(cat.files[rid])}: precursor routes form a cycle: {' -> '.join(chain)}"
            )
    return out


def _precursor_chain(cat: Catalog, rid: str, seen: tuple[str, ...]) -> tuple[str, ...] | None:
    if rid in seen:
        return (*seen, rid)
    route = cat.routes.get(rid)
    if route is None:
        return None
    for line in route.reagents:
        if line.made_by is not None:
            cycle = _precursor_chain(cat, line.made_by, (*seen, rid))
            if cycle is not None:
                return cycle
    return None


def _cross_check(route: Route, cat: Catalog, path: Path, lines: dict[tuple[Any, ...], int]) -> None:
    """What a single file cannot check alone: its reagents exist and have what scaling needs."""
    from nclplan import chemistry

    errors = []
    for i, line in enumerate(route.reagents):
        where = f"{shown(path)}:{lines.get(('reagents', i, 'reagent'), 1)}: reagents.{i}.reagent"
        reagent = cat.reagents.get(line.reagent)
        if reagent is None:
            close = difflib.get_close_matches(line.reagent, list(cat.reagents), n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            errors.append(f"{where}: {line.reagent!r} is not in the reagent library{hint}")
            continue
        if (
            line.form == "liquid"
            and line.volume is not None
            and reagent.density is None
            and reagent.formula is not None
            and not line.as_needed
        ):
            errors.append(f"{where}: liquid {line.reagent!r} has no density in the library")
        if (
            reagent.formula is None
            and reagent.molar_mass is None
            and line.form != "gas"
            and not line.as_needed
            and (line.amount is not None or line.role == "metal-precursor")
        ):
            errors.append(f"{where}: {line.reagent!r} has no formula or molar mass")
    if not errors:
        errors += _ratio_problems(route, cat, path)
    errors += _text_problems(route, path, lines)
    metal = route.metal_line
    reagent = cat.reagents.get(metal.reagent)
    if reagent is not None and reagent.formula is not None:
        n = chemistry.atoms_of(chemistry.normalize_hydrate(reagent.formula), route.target.metal)
        if n == 0:
            errors.append(
                f"{shown(path)}: metal precursor {metal.reagent!r} holds no {route.target.metal}"
            )
    if route.target.formula is not None:
        try:
            cluster = chemistry.parse_cluster(route.target.formula)
        except UsageError as exc:
            errors.append(
                f"{shown(path)}:{lines.get(('target', 'formula'), 1)}: target.formula: {exc}"
            )
        else:
            if cluster.metal != route.target.metal:
                errors.append(
                    f"{shown(path)}: target.metal {route.target.metal} does not match formula"
                )
            if route.target.metal_atoms not in (None, cluster.metal_atoms):
                errors.append(f"{shown(path)}: target.metal_atoms does not match formula")
    if errors:
        raise CatalogError("\n".join(errors))


def _text_problems(route: Route, path: Path, lines: dict[tuple[Any, ...], int]) -> list[str]:
    """Parameter values repeated literally in route text; heating in an open vessel."""
    from nclplan.params import literal_parameters
    from nclplan.vessel import heating_messages

    out = []
    for where, message in literal_parameters(route) + heating_messages(route):
        loc = tuple(int(p) if p.isdigit() else p for p in where.split("."))
        out.append(f"{path}:{_line_for(loc, lines)}: {where}: {message}")
    return out


def _ratio_problems(route: Route, cat: Catalog, path: Path) -> list[str]:
    """A ratio parameter must state the equivalents the published amounts really give."""
    from nclplan.scale import metal_atoms_per_unit, published_amounts
    from nclplan.units import U

    out = []
    for c in route.conditions:
        if c.controls is None or c.value is None:
            continue
        metal = published_amounts(route.metal_line, cat.reagents[route.metal_line.reagent])
        line = route.line(c.controls)
        mine = published_amounts(line, cat.reagents[line.reagent])
        if metal.amount is None or mine.amount is None:
            out.append(
                f"{shown(path)}: conditions: {c.name} controls {line.id}, whose moles are unknown"
            )
            continue
        per_unit = metal_atoms_per_unit(route, cat.reagents[route.metal_line.reagent])
        eq = float((mine.amount / (metal.amount * per_unit)).to(U("")).magnitude)
        if abs(eq - c.value.value) > 0.03 * c.value.value:
            out.append(
                f"{shown(path)}: conditions: {c.name} is {c.value.value:g} but the published "
                f"amounts give {eq:.3g} equivalents of {line.id} per metal atom"
            )
    return out


# ---- lookup ----------------------------------------------------------------------------------


def norm_name(text: str) -> str:
    """A name as compared: case and spaces do not matter ("au25 (pet)18" is Au25(PET)18)."""
    return "".join(text.split()).lower()


def names_of(route: Route) -> list[str]:
    names = [route.id, route.target.name, *route.target.aliases]
    if route.target.formula:
        names.append(route.target.formula)
    return names


def resolve(cat: Catalog, target: str, route_id: str | None = None) -> tuple[Route, list[Route]]:
    """The route to plan for ``target`` (and ``--route``), and the alternatives for that core."""
    if not target.strip():
        raise UsageError("empty target; name a cluster such as Au25 (see 'nclplan list')")
    matches = _matches(cat, target)
    if route_id is not None:
        if route_id not in cat.routes:
            close = difflib.get_close_matches(route_id, list(cat.routes), n=3, cutoff=0.5)
            raise UnknownTargetError(route_id, close)
        chosen = cat.routes[route_id]
        if matches and chosen not in matches and target != route_id:
            raise UsageError(
                f"route {route_id!r} makes {chosen.target.name}, not {target!r}; "
                f"routes for {target!r}: {', '.join(r.id for r in matches)}"
            )
        if not matches and target != route_id:
            raise UnknownTargetError(target, _suggest(cat, target))
    elif not matches:
        raise UnknownTargetError(target, _suggest(cat, target))
    elif len(matches) == 1:
        chosen = matches[0]
    else:
        defaults = [r for r in matches if r.default]
        if len(defaults) != 1:
            raise UsageError(
                f"{target!r} is made by several routes; pick one with --route: "
                f"{', '.join(r.id for r in matches)}"
            )
        chosen = defaults[0]
    atoms = chosen.target.atom_count()
    alternatives = [
        r
        for r in cat.route_list()
        if r.id != chosen.id
        and atoms is not None  # particles without an atom count share no "core"
        and (r.target.metal, r.target.atom_count()) == (chosen.target.metal, atoms)
    ]
    return chosen, alternatives


def same_composition(a: Route, b: Route) -> bool:
    """Whether two routes make the same cluster: metal, atom count and ligand shell alike
    (Hill formula of the cluster, counterions and charge state aside).

    ``resolve`` lists every route to the same metal core; a plan calls only these "other routes
    to this cluster" (Na4[Ag44(p-MBA)30] is not a route to (PPh4)4[Ag44(SPhF)30]).
    """
    ta, tb = a.target, b.target
    if ta.metal != tb.metal or ta.atom_count() != tb.atom_count():
        return False
    if not ta.formula or not tb.formula:
        return False
    from nclplan import chemistry

    try:
        return chemistry.hill(ta.formula) == chemistry.hill(tb.formula)
    except UsageError:  # a formula the library cannot read matches nothing
        return False


def _matches(cat: Catalog, target: str) -> list[Route]:
    from nclplan import chemistry

    key = norm_name(target)
    if target in cat.routes:
        return [cat.routes[target]]
    exact = [r for r in cat.route_list() if key in {norm_name(n) for n in names_of(r)}]
    if exact:
        return exact
    cluster = None
    for text in (target, target[:1].upper() + target[1:]):  # "au25" as well as "Au25"
        try:
            cluster = chemistry.parse_cluster(text)
            break
        except UsageError:
            continue
    if cluster is None:
        return []
    out = []
    for r in cat.route_list():
        if (r.target.metal, r.target.atom_count()) != (cluster.metal, cluster.metal_atoms):
            continue
        if not cluster.ligands or (
            r.target.formula
            and chemistry.hill(r.target.formula) == chemistry.hill(cluster.text)
            and cluster.charge in (0, r.target.charge)
        ):  # "Au25": every route to that core
            out.append(r)
    return out


def _suggest(cat: Catalog, target: str) -> list[str]:
    names: dict[str, str] = {}
    for r in cat.route_list():
        atoms = r.target.atom_count()
        # "Au1" helps nobody; particles without an atom count have no core name
        cores = [f"{r.target.metal}{atoms}"] if atoms is not None and atoms > 1 else []
        for n in [*cores, *names_of(r)]:
            names.setdefault(n.lower(), n)
    key = target.strip().lower()
    close = difflib.get_close_matches(key, list(names), n=4, cutoff=0.5)
    if len(key) >= 4:  # "brust" is part of a name rather than a typo of one
        close += sorted(n for n in names if key in n and n not in close)[: 4 - len(close)]
    return [names[c] for c in close]
