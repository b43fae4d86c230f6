"""Formulas, ligand abbreviations and cluster arithmetic.

Molar masses always come from molmass (IUPAC atomic weights), never from typed-in numbers.
Ligand abbreviations are expanded here, *before* molmass sees a formula: molmass has its own
abbreviations, and some mean something else (its ``Cys`` is the peptide residue C3H5NOS, whereas
a cysteinate ligand is C3H6NO2S), so passing ``Au25(Cys)18`` straight through would be wrong by
18 x 17 g/mol.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from nclplan.errors import UsageError
from nclplan.safetext import short


@dataclass(frozen=True)
class Ligand:
    """A ligand as it is bound in a cluster (thiolates without their S-H hydrogen)."""

    abbreviation: str
    formula: str
    name: str
    # One-electron (X-type) bonds to the metal core: 1 for a thiolate or halide, 2 for a
    # dithiolate, 0 for a neutral two-electron donor such as a phosphine.
    x_count: int
    charge: int = 0
    # Carboxylic-acid protons per bound ligand: what ESI-MS in negative mode strips off, giving
    # the [M-nH]z- series of water-soluble clusters.
    acid_protons: int = 0


# Bound forms. Sources for the structures: IUPAC names of the parent thiols/phosphines; the
# formulas are written out so that molmass computes the masses.
_LIGANDS: tuple[Ligand, ...] = (
    Ligand("PET", "SCH2CH2C6H5", "2-phenylethanethiolate", 1),
    Ligand("SC2H4Ph", "SCH2CH2C6H5", "2-phenylethanethiolate", 1),
    Ligand("SCH2CH2Ph", "SCH2CH2C6H5", "2-phenylethanethiolate", 1),
    Ligand("SG", "SC10H16N3O6", "glutathionate", 1, acid_protons=2),
    Ligand("Cys", "SCH2CH(NH2)COOH", "L-cysteinate", 1, acid_protons=1),
    Ligand("MBA", "SC6H4COOH", "mercaptobenzoate", 1, acid_protons=1),
    Ligand("p-MBA", "SC6H4COOH", "4-mercaptobenzoate", 1, acid_protons=1),
    Ligand("pMBA", "SC6H4COOH", "4-mercaptobenzoate", 1, acid_protons=1),
    Ligand("4-MBA", "SC6H4COOH", "4-mercaptobenzoate", 1, acid_protons=1),
    Ligand("m-MBA", "SC6H4COOH", "3-mercaptobenzoate", 1, acid_protons=1),
    Ligand("3-MBA", "SC6H4COOH", "3-mercaptobenzoate", 1, acid_protons=1),
    Ligand("TBBT", "SC6H4C(CH3)3", "4-tert-butylbenzenethiolate", 1),
    Ligand("DHLA", "S2C8H14O2", "dihydrolipoate (dithiolate)", 2, acid_protons=1),
    Ligand("MSA", "SCH(COOH)CH2COOH", "mercaptosuccinate", 1, acid_protons=2),
    Ligand("MHA", "S(CH2)5COOH", "6-mercaptohexanoate", 1, acid_protons=1),
    Ligand("SPhF", "SC6H4F", "4-fluorobenzenethiolate", 1),
    Ligand("4-FTP", "SC6H4F", "4-fluorobenzenethiolate", 1),
    Ligand("SPhF2", "SC6H3F2", "3,4-difluorobenzenethiolate", 1),
    Ligand("SPhMe2", "SC6H3(CH3)2", "2,4-dimethylbenzenethiolate", 1),
    Ligand("BDT", "S2C6H4", "1,3-benzenedithiolate", 2),
    Ligand("MBT", "SC6H4CH3", "methylbenzenethiolate", 1),
    Ligand("PPh3", "P(C6H5)3", "triphenylphosphine", 0),
    Ligand("TPP", "P(C6H5)3", "triphenylphosphine", 0),
    # Counterions of isolated cluster salts.
    Ligand("TOA", "N(C8H17)4", "tetraoctylammonium", 0, charge=+1),
    Ligand("PPh4", "P(C6H5)4", "tetraphenylphosphonium", 0, charge=+1),
)
LIGANDS: dict[str, Ligand] = {lig.abbreviation: lig for lig in _LIGANDS}
_LIGANDS_FOLDED: dict[str, Ligand] = {lig.abbreviation.lower(): lig for lig in _LIGANDS}

# Organic groups a chemist writes inside a ligand (``SC2H4Ph``); expanded before molmass.
_GROUPS = {"Ph": "C6H5", "Me": "CH3", "Et": "C2H5", "tBu": "C(CH3)3"}
_GROUP_RE = re.compile(r"tBu|Ph|Me|Et")


def lookup_ligand(token: str) -> Ligand | None:
    """A known ligand by abbreviation (exact first, then ignoring case)."""
    return LIGANDS.get(token) or _LIGANDS_FOLDED.get(token.lower())


def _expand_group(fragment: str) -> str:
    return _GROUP_RE.sub(lambda m: _GROUPS[m.group(0)], fragment)


_PAREN_RE = re.compile(r"\(([^()]+)\)")


def expand(formula: str) -> str:
    """Replace ligand and group abbreviations by explicit formulas (``Au25(PET)18`` ->
    ``Au25(SCH2CH2C6H5)18``). Raises UsageError for a token that is neither."""

    def repl(m: re.Match[str]) -> str:
        inner = m.group(1)
        lig = lookup_ligand(inner)
        if lig is not None:
            return f"({lig.formula})"
        return f"({_expand_group(inner)})"

    out = _PAREN_RE.sub(repl, formula.strip())
    lig = lookup_ligand(out)
    if lig is not None:  # a bare abbreviation such as "TOA"
        return lig.formula
    return _expand_group(out) if "(" not in formula else out


@lru_cache(maxsize=512)
def _formula(expanded: str) -> Any:
    from molmass import Formula, FormulaError

    try:
        f = Formula(expanded)
        f.mass  # noqa: B018 - molmass parses lazily; force it so errors surface here
    except (FormulaError, KeyError, ValueError, IndexError) as exc:
        raise UsageError(f"cannot read formula {expanded!r}: {exc}".splitlines()[0]) from exc
    return f


def molar_mass(formula: str) -> float:
    """Average molar mass in g/mol of a formula that may use ligand abbreviations."""
    return float(_formula(expand(formula)).mass)


def monoisotopic_mass(formula: str) -> float:
    """Monoisotopic mass (Da) of a formula that may use ligand abbreviations."""
    return float(_formula(expand(formula)).monoisotopic_mass)


def hill(formula: str) -> str:
    """Hill-order formula (C, H, then alphabetical), for comparing ways of writing a cluster."""
    return str(_formula(expand(formula)).formula)


def composition(formula: str) -> dict[str, int]:
    """Element counts of a formula."""
    return {str(k): int(v.count) for k, v in _formula(expand(formula)).composition().items()}


@lru_cache(maxsize=1024)
def atoms_of(formula: str, element: str) -> int:
    """How many atoms of ``element`` one formula unit holds (1 Au in HAuCl4·3H2O)."""
    return composition(formula).get(element, 0)


def normalize_hydrate(formula: str) -> str:
    """``HAuCl4·3H2O`` -> ``HAuCl4.3H2O`` (molmass reads the dot, not the middle dot)."""
    return formula.replace("·", ".").replace("•", ".").replace("∙", ".")


# ---- cluster notation -------------------------------------------------------------------------

_CHARGE_RE = re.compile(
    r"^\[(?P<body>.+)\]\s*(?P<n>\d*)(?P<sign>[+-−])$|^(?P<body2>.+?)\s+(?P<n2>\d*)(?P<sign2>[+-−])$"
)
_CLUSTER_RE = re.compile(
    r"^(?P<metal>[A-Z][a-z]?)(?P<n>\d*)(?P<rest>(?:\([^()]+\)\d*|[A-Z][a-z]?\d*)*)$"
)


@dataclass(frozen=True)
class Cluster:
    """A cluster formula as a chemist writes it, split into its parts."""

    text: str  # as given, without charge
    charge: int
    metal: str
    metal_atoms: int
    ligands: tuple[tuple[str, int], ...]  # (abbreviation or formula, count)

    @property
    def expanded(self) -> str:
        return expand(self.text)


def parse_charge(text: str) -> tuple[str, int]:
    """Split ``[Au25(PET)18]-`` or ``Ag44(SPhF2)30 4-`` into body and charge."""
    s = text.strip().replace("−", "-")
    m = _CHARGE_RE.match(s)
    if not m:
        return s.strip("[] "), 0
    body = m.group("body") or m.group("body2")
    n = m.group("n") if m.group("body") else m.group("n2")
    sign = m.group("sign") if m.group("body") else m.group("sign2")
    if n and len(n) > 3:
        raise UsageError(f"cluster formula {short(text)}: a charge above 999")
    value = int(n) if n else 1
    return body.strip("[] "), value if sign == "+" else -value


@lru_cache(maxsize=1024)
def core_size(text: str) -> int:
    """The metal atom count of a cluster formula (``Au25(PET)18`` -> 25), read without
    validating its ligands: a target lookup asks it of every route, and a full parse (molmass)
    of each formula cost more than the rest of the lookup. Catalog checks parse them fully."""
    m = _CLUSTER_RE.match(parse_charge(text)[0].replace(" ", ""))
    if not m:
        return parse_cluster(text).metal_atoms  # raises the parser's own message
    return int(m.group("n")) if m.group("n") else 1


@lru_cache(maxsize=1024)
def parse_cluster(text: str) -> Cluster:
    """Read ``Au25(PET)18``, ``[Au25(SC2H4Ph)18]-`` or ``Ag29(BDT)12(TPP)4 3-``."""
    body, charge = parse_charge(text)
    m = _CLUSTER_RE.match(body.replace(" ", ""))
    if not m:
        raise UsageError(
            f"cannot read cluster formula {short(text)!r} (e.g. Au25(PET)18 or [Au25(SC2H4Ph)18]-)"
        )
    if any(len(n) > 5 for n in re.findall(r"\d+", body)):  # Au<309 nines> overflows a float
        raise UsageError(f"cluster formula {short(text)}: an atom or ligand count above 99999")
    ligands: list[tuple[str, int]] = []
    for lm in re.finditer(r"\(([^()]+)\)(\d*)|([A-Z][a-z]?)(\d*)", m.group("rest")):
        name = lm.group(1) or lm.group(3)
        count = int(lm.group(2) or lm.group(4) or 1)
        ligands.append((name, count))
    metal = m.group("metal")
    from molmass import ELEMENTS

    if metal not in ELEMENTS:
        raise UsageError(f"unknown element {short(metal)!r} in {short(text)!r}")
    # "Au(PPh3)Cl" is one metal atom; "Au25(PET)18" twenty-five
    count = int(m.group("n")) if m.group("n") else 1
    cluster = Cluster(body.replace(" ", ""), charge, metal, count, tuple(ligands))
    hill(cluster.text)  # validates every part
    return cluster


# ---- cluster calculator ------------------------------------------------------------------------

# Valence (free) electrons a metal atom gives to the superatom core: group 11 metals 1 (s1);
# group 10 metals 0 (d10, as in [PdAu24(SR)18]0 or [PtAu24(SR)18]0 being 8e).
VALENCE = {"Au": 1, "Ag": 1, "Cu": 1, "Pd": 0, "Pt": 0}
# Spherical jellium shell closures (superatom model: Walter et al., PNAS 2008, 105, 9157,
# DOI 10.1073/pnas.0801001105).
SHELLS = (2, 8, 18, 34, 58, 92, 138, 198)
HALIDES = {"F", "Cl", "Br", "I"}


@dataclass(frozen=True)
class Ion:
    charge: int
    label: str  # "[M]4-", "[M+PPh4]3-", "[M-3H]3-"
    formula: str  # expanded, with charge, as molmass reads it
    mz_peak: float  # most abundant isotopic peak
    mz_monoisotopic: float
    mz_average: float
    adducts: int = 0  # counterions carried by the ion
    protons_removed: int = 0  # acidic protons stripped off ([M-nH])


@dataclass(frozen=True)
class Salt:
    """The isolated salt of a charged cluster with its counterions ([TOA][Au25(SC2H4Ph)18])."""

    label: str
    counterion: str
    count: int
    average_mass: float  # g/mol: what a chemist weighs


@dataclass(frozen=True)
class ClusterReport:
    text: str
    cluster: Cluster
    hill: str
    average_mass: float
    monoisotopic_mass: float
    electrons: int
    closed_shell: bool
    ligands: tuple[tuple[str, int, int], ...]  # (name, count, one-electron bonds each)
    ions: tuple[Ion, ...]
    salt: Salt | None = None
    acidic_protons: int = 0  # carboxylic-acid protons of all ligands ([M-nH] reaches n <= this)


def electron_count(cluster: Cluster) -> tuple[int, tuple[tuple[str, int, int], ...]]:
    """n* = sum of metal valence electrons - one-electron (X-type) ligands - charge."""
    if cluster.metal not in VALENCE:
        raise UsageError(
            f"no valence electron count for {cluster.metal} (nclplan knows "
            f"{', '.join(sorted(VALENCE))})"
        )
    parts = []
    x_total = 0
    for name, count in cluster.ligands:
        if name in VALENCE:
            raise UsageError(
                f"{cluster.text!r}: write heterometals as part of the core (e.g. "
                "doped clusters are not yet supported)"
            )
        lig = lookup_ligand(name)
        x = lig.x_count if lig is not None else 1 if name in HALIDES else None
        if x is None:
            raise UsageError(
                f"{short(name)!r} is not a known ligand; "
                f"known: {', '.join(sorted(LIGANDS))} and halides"
            )
        parts.append((name, count, x))
        x_total += x * count
    n = cluster.metal_atoms * VALENCE[cluster.metal] - x_total - cluster.charge
    return n, tuple(parts)


def _ion(expanded: str, charge: int, label: str, adducts: int = 0, protons: int = 0) -> Ion:
    return _ion_cached(expanded, charge, label, adducts, protons)


@lru_cache(maxsize=4096)
def isotope_pattern(formula: str) -> tuple[tuple[float, float], ...]:
    """(m/z, intensity in % of the top) of each nominal-mass isotopologue group of an ion
    formula (``[C144H162Au25S18]-``), as molmass computes it. Groups below 1e-9 of the total are
    left out: they change nothing a mass spectrometer sees and halve the time of large clusters.
    """
    from molmass import Formula

    spectrum = Formula(formula).spectrum(min_fraction=1e-9, min_intensity=0.01)
    return tuple((float(e.mz), float(e.intensity)) for e in spectrum.values())


@lru_cache(maxsize=4096)
def _ion_cached(expanded: str, charge: int, label: str, adducts: int, protons: int) -> Ion:
    from molmass import Formula

    sign = "-" if charge < 0 else "+"
    body = Formula(expanded)
    if protons:
        body = body - Formula(f"H{protons}")
    f = Formula(f"[{body.formula}]{abs(charge) if abs(charge) > 1 else ''}{sign}")
    pattern = isotope_pattern(f.formula)
    z = abs(charge)
    return Ion(
        charge,
        label,
        f.formula,
        max(pattern, key=lambda p: p[1])[0],
        float(f.monoisotopic_mass) / z,
        float(f.mass) / z,
        adducts,
        protons,
    )


# Ion charges listed for an acidic cluster when none are asked for: the 1- to 6- ions cover what
# negative-mode ESI of water-soluble Au25/Ag29/Ag44 clusters shows (e.g. the 3- to 5- series of
# Au25(p-MBA)18 noted in the au25-mba-co route).
DEFAULT_DEPROTONATED = tuple(range(-1, -7, -1))


def acidic_protons(cluster: Cluster) -> int:
    """Carboxylic-acid protons of all ligands: how many [M-nH] can at most remove."""
    total = 0
    for name, count in cluster.ligands:
        lig = lookup_ligand(name)
        total += (lig.acid_protons if lig is not None else 0) * count
    return total


def _counterion(counterion: str, cluster: Cluster) -> Ligand:
    ion_lig = lookup_ligand(counterion)
    if ion_lig is None or ion_lig.charge == 0:
        raise UsageError(f"{counterion!r} is not a known counterion (TOA, PPh4)")
    if cluster.charge == 0:
        raise UsageError(f"{cluster.text} is neutral: a counterion needs a charge (give --charge)")
    if ion_lig.charge * cluster.charge > 0:
        raise UsageError(f"{counterion} has the same sign as the cluster")
    return ion_lig


def cluster_ions(
    cluster: Cluster, counterion: str | None = None, ion_charges: tuple[int, ...] | None = None
) -> tuple[Ion, ...]:
    """The ESI-MS ions of a cluster: [M]z, counterion adducts and, for acidic ligands, the
    deprotonated [M-nH]z- series (z = the cluster's own charge - n).

    ``ion_charges`` picks the ion charges to list; every asked charge must be reachable. The
    cluster keeps its own charge (and so its electron count) whatever the ion's charge is.
    """
    expanded = expand(cluster.text)
    z0 = cluster.charge
    ions: list[Ion] = []
    if z0 != 0:
        ions.append(_ion(expanded, z0, f"[M]{_charge_text(z0)}"))
    if counterion is not None:
        lig = _counterion(counterion, cluster)
        z, k = z0, 0
        while (z + lig.charge) * z0 > 0:
            z += lig.charge
            k += 1
            count = "" if k == 1 else str(k)
            ions.append(
                _ion(
                    f"{expanded}({lig.formula}){k}",
                    z,
                    f"[M+{count}{counterion}]{_charge_text(z)}",
                    adducts=k,
                )
            )
    protons = acidic_protons(cluster)
    wanted = DEFAULT_DEPROTONATED if ion_charges is None else ion_charges
    for z in sorted(set(wanted), reverse=True):
        n = z0 - z
        if 1 <= n <= protons:
            lost = "H" if n == 1 else f"{n}H"
            ions.append(_ion(expanded, z, f"[M-{lost}]{_charge_text(z)}", protons=n))
    if ion_charges is None:
        return tuple(ions)
    missing = sorted(set(ion_charges) - {i.charge for i in ions})
    if missing:
        how = (
            f"it has {protons} acidic protons to lose"
            if protons
            else "its ligands have no acidic protons to lose"
        )
        raise UsageError(
            f"{cluster.text} ({f'charge {z0:+d}' if z0 else 'neutral'}) gives no ion of charge "
            f"{', '.join(f'{z:+d}' for z in missing)}: {how}"
            + ("" if counterion else " and no --counterion was given")
        )
    return tuple(i for i in ions if i.charge in set(ion_charges))


def cluster_report(
    text: str,
    charge: int | None = None,
    counterion: str | None = None,
    ion_charges: tuple[int, ...] | None = None,
) -> ClusterReport:
    """Everything ``nclplan cluster`` prints about a cluster formula.

    ``charge`` is the cluster's own charge (-1 for [Au25(SR)18]-), which sets the electron count;
    the ions of the mass spectrum may carry other charges (``ion_charges``).
    """
    cluster = parse_cluster(text)
    if charge is not None:
        if cluster.charge not in (0, charge):
            raise UsageError(f"{short(text)!r} has charge {cluster.charge}, not {charge}")
        cluster = Cluster(cluster.text, charge, cluster.metal, cluster.metal_atoms, cluster.ligands)
    electrons, ligands = electron_count(cluster)
    f = _formula(expand(cluster.text))
    return ClusterReport(
        text=text,
        cluster=cluster,
        hill=str(f.formula),
        average_mass=float(f.mass),
        monoisotopic_mass=float(f.monoisotopic_mass),
        electrons=electrons,
        closed_shell=electrons in SHELLS,
        ligands=ligands,
        ions=cluster_ions(cluster, counterion, ion_charges),
        salt=None if counterion is None else salt(cluster, counterion),
        acidic_protons=acidic_protons(cluster),
    )


def salt(cluster: Cluster, counterion: str) -> Salt:
    """The neutral salt: the cluster with as many counterions as its charge needs."""
    lig = _counterion(counterion, cluster)
    if cluster.charge % lig.charge:
        raise UsageError(
            f"{counterion} ({lig.charge:+d}) cannot balance charge {cluster.charge:+d}"
        )
    k = abs(cluster.charge // lig.charge)
    mass = float(_formula(f"{expand(cluster.text)}({lig.formula}){k}").mass)
    ion = f"[{counterion}]" + (str(k) if k > 1 else "")
    return Salt(f"{ion}[{cluster.text}]", counterion, k, mass)


def _charge_text(z: int) -> str:
    return f"{abs(z) if abs(z) > 1 else ''}{'-' if z < 0 else '+'}"
