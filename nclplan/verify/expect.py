"""What a route leads one to expect in the spectra of its product, and of what else it may give.

The product's bands, emission and reported m/z come from the route's fingerprints; its ions
come from its formula (molmass), so a route with a formula can be judged by ESI-MS even where the
paper's m/z values were not recorded. "Neighbours" are the compositions a synthesis commonly also
yields: the catalog's other targets of the same metal and ligand, and the thiolate-protected gold
sizes that ESI-MS of Au-SR syntheses keeps finding.
"""

from __future__ import annotations

from dataclasses import dataclass

from nclplan.catalog import Catalog
from nclplan.chemistry import Cluster, hill, parse_cluster
from nclplan.errors import UsageError
from nclplan.models import Fingerprint, Route

# Au_n(SR)_m compositions found again and again by ESI-MS of thiolate-protected gold (the
# Au_n(SG)_m series of Negishi, Nobusada & Tsukuda, J. Am. Chem. Soc. 2005, 127, 5261,
# DOI 10.1021/ja042218h; the crystallised sizes reviewed by Jin et al., Chem. Rev. 2016, 116,
# 10346, DOI 10.1021/acs.chemrev.5b00703), with the charge each is isolated in.
AU_THIOLATE_SIZES: tuple[tuple[int, int, int], ...] = (
    (10, 10, 0),
    (15, 13, 0),
    (18, 14, 0),
    (20, 16, 0),
    (22, 16, 0),
    (22, 17, 0),
    (22, 18, 0),
    (24, 20, 0),
    (25, 18, -1),
    (28, 20, 0),
    (29, 20, 0),
    (33, 22, 0),
    (36, 24, 0),
    (38, 24, 0),
    (39, 24, 0),
    (44, 28, 0),
    (102, 44, 0),
    (130, 50, 0),
    (144, 60, 0),
)
NEIGHBOUR_SPAN = 0.5  # nearby sizes: metal atoms within +-50 % of the product's


@dataclass(frozen=True)
class Reported:
    """m/z values a paper reports for an ion of the product."""

    charge: int | None
    values: tuple[float, ...]
    ion: str | None
    note: str | None


@dataclass(frozen=True)
class Composition:
    text: str  # "Au38(PET)24"
    charge: int
    source: str  # "route target", "catalog route au38-pet-focusing", "common Au-SR size"


@dataclass(frozen=True)
class OtherBands:
    """Another catalog target's UV-vis bands: an unexpected feature may be that product."""

    route_id: str
    target: str
    bands: tuple[float, ...]


@dataclass(frozen=True)
class Expectation:
    route: Route
    absorption: tuple[float, ...]  # nm
    emission: tuple[float, ...]  # nm
    excitation: tuple[float, ...]  # nm
    reported_mz: tuple[Reported, ...]
    molecular_mass: tuple[float, ...]  # Da
    product: Composition | None
    counterion: str | None
    neighbours: tuple[Composition, ...]
    other_bands: tuple[OtherBands, ...]
    not_judged: tuple[str, ...]  # fingerprints spectra cannot check (size, quantum yield)

    @property
    def metal(self) -> str:
        return self.route.target.metal


def _values(f: Fingerprint) -> tuple[float, ...]:
    from nclplan.fingerprint import value_in_unit

    return tuple(value_in_unit(f, n) for n in f.values)


def _ligand_key(c: Cluster) -> tuple[str, ...]:
    from nclplan.chemistry import expand

    return tuple(sorted(expand(f"({name})") for name, _ in c.ligands))


def expectation(route: Route, cat: Catalog) -> Expectation:
    """Everything ``verify`` looks for, for ``route`` (with any --set already applied)."""
    from nclplan.fingerprint import label, values_text

    absorption: list[float] = []
    emission: list[float] = []
    excitation: list[float] = []
    reported: list[Reported] = []
    masses: list[float] = []
    not_judged: list[str] = []
    for f in route.fingerprints:
        if f.kind == "absorption":
            absorption += _values(f)
        elif f.kind == "emission":
            emission += _values(f)
        elif f.kind == "excitation":
            excitation += _values(f)
        elif f.kind == "mz":
            reported.append(Reported(f.charge, _values(f), f.ion, f.note))
        elif f.kind == "molecular_mass":
            masses += _values(f)
        else:
            not_judged.append(f"{label(f)}: {values_text(f)}")
    t = route.target
    product = None
    neighbours: tuple[Composition, ...] = ()
    if t.formula is not None:
        try:
            parse_cluster(t.formula)
            product = Composition(t.formula, t.charge, "route target")
        except UsageError:
            product = None
    if product is not None:
        neighbours = _neighbours(product, route, cat)
    return Expectation(
        route=route,
        absorption=tuple(sorted(absorption)),
        emission=tuple(emission),
        excitation=tuple(excitation),
        reported_mz=tuple(reported),
        molecular_mass=tuple(masses),
        product=product,
        counterion=t.counterion,
        neighbours=neighbours,
        other_bands=_other_bands(route, cat),
        not_judged=tuple(not_judged),
    )


def _neighbours(product: Composition, route: Route, cat: Catalog) -> tuple[Composition, ...]:
    """Same metal and ligand: the catalog's other targets, and nearby common Au-SR sizes."""
    pc = parse_cluster(product.text)
    key = _ligand_key(pc)
    own = hill(pc.text)
    out: dict[str, Composition] = {}
    for r in sorted(cat.routes.values(), key=lambda r: r.id):
        f = r.target.formula
        if f is None or r.target.metal != pc.metal:
            continue
        try:
            c = parse_cluster(f)
            if _ligand_key(c) != key or hill(c.text) == own:
                continue
        except UsageError:
            continue
        out.setdefault(hill(c.text), Composition(f, r.target.charge, f"catalog route {r.id}"))
    single = len(pc.ligands) == 1
    if pc.metal == "Au" and single:
        name = pc.ligands[0][0]
        lo, hi = pc.metal_atoms * (1 - NEIGHBOUR_SPAN), pc.metal_atoms * (1 + NEIGHBOUR_SPAN)
        for n, m, z in AU_THIOLATE_SIZES:
            if not lo <= n <= hi:
                continue
            text = f"Au{n}({name}){m}"
            h = hill(text)
            if h != own:
                out.setdefault(h, Composition(text, z, "common Au-thiolate size"))
    return tuple(sorted(out.values(), key=lambda c: (parse_cluster(c.text).metal_atoms, c.text)))


def _other_bands(route: Route, cat: Catalog) -> tuple[OtherBands, ...]:
    out = []
    for r in sorted(cat.routes.values(), key=lambda r: r.id):
        if r.id == route.id or r.target.metal != route.target.metal:
            continue
        if r.target.name == route.target.name:
            continue  # another route to the same product
        bands = tuple(
            sorted(v for f in r.fingerprints if f.kind == "absorption" for v in _values(f))
        )
        if len(bands) >= 2:
            out.append(OtherBands(r.id, r.target.name, bands))
    return tuple(out)
