"""Typed models of the catalog (routes, reagents) validated from YAML.

Every number in a route is a ``Num``: a value with a unit and its provenance. Provenance is either
a reference key of the route (``source: wu2009``, the number was read in that paper) or an
``estimate`` with a one-line reason. A number may leave both out and inherit them from the object
that holds it (a reagent line, a step, a condition), so a route states provenance once per line;
``Route`` checks that every number ends up with one.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_ID = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
Identifier = Annotated[str, Field(pattern=_ID, min_length=1, max_length=64)]

Family = Literal[
    "phosphine",
    "brust-schiffrin-two-phase",
    "brust-schiffrin-one-phase",
    "kinetic-control",
    "size-focusing",
    "solid-state",
    "co-directed",
    "protein-directed",
    "high-temperature",
    "leist",
    "bottom-up-top-down",
    "precursor",
    "naoh-mediated",
]

FAMILY_TITLES: dict[str, str] = {
    "phosphine": "Phosphine-protected clusters",
    "brust-schiffrin-two-phase": "Brust–Schiffrin two-phase",
    "brust-schiffrin-one-phase": "Brust–Schiffrin one-phase (modified)",
    "kinetic-control": "Kinetic control",
    "size-focusing": "Size focusing",
    "solid-state": "Solid-state and paste",
    "co-directed": "CO-directed",
    "protein-directed": "Protein-directed",
    "high-temperature": "High-temperature",
    "leist": "Ligand-exchange-induced size/structure transformation (LEIST)",
    "bottom-up-top-down": "Combined bottom-up/top-down",
    "precursor": "Precursor",
    "naoh-mediated": "NaOH-mediated NaBH4 reduction",
}


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"\s*[\t\n\r]\s*")


def _plain_text(value: Any) -> Any:
    """Catalog text as one line of plain text: line breaks and tabs fold to a space (as Markdown
    would), and any other control character is refused.

    A newline in a checkpoint would start a heading or a raw ``<script>`` line in Markdown, and an
    ESC byte would reach the terminal; catalog text has no use for either.
    """
    if isinstance(value, str):
        bad = _CONTROL.search(value)
        if bad:
            raise ValueError(
                f"control character U+{ord(bad.group()):04X} is not allowed in catalog text"
            )
        return (
            _LINE_BREAKS.sub(" ", value)
            if "\n" in value or "\t" in value or "\r" in value
            else value
        )
    if isinstance(value, list):
        return [_plain_text(v) for v in value]
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, defer_build=True
    )

    @model_validator(mode="before")
    @classmethod
    def _plain_text_fields(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return _plain_text(data)
        out = {}
        for key, value in data.items():
            try:
                out[key] = _plain_text(value)
            except ValueError as exc:  # "title: ..." lets the loader name the field's line
                raise ValueError(f"{key}: {exc}") from None
        return out


class Provenance(_Strict):
    """Where the numbers of an object come from (see module docstring)."""

    source: str | None = None
    estimate: str | None = Field(default=None, min_length=8)

    def estimate_reasons(self) -> tuple[str, ...]:
        """Every estimate reason behind what this object prints, its own first, each once.

        A number with its own ``estimate`` is an estimate even where the object cites a source
        (a step read in the review whose time was assumed): a document that showed only the
        object's source would pass the assumed time off as read.
        """
        out: list[str] = [self.estimate] if self.estimate else []
        numbers = getattr(self, "numbers", None)
        for _, num in numbers() if numbers is not None else []:
            if num.estimate and num.estimate not in out:
                out.append(num.estimate)
        return tuple(out)


MIN_MAGNITUDE, MAX_MAGNITUDE = 1e-12, 1e12  # any catalog number outside is a typo or an attack
_NUM_RE = re.compile(r"^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


def reason_of(num: Provenance, fallback: str | None) -> str | None:
    """Why ``num`` is an estimate, or None where it was read: its own reason, else ``fallback``
    (its holder's) unless the number cites its own source. The one rule by which provenance is
    counted (plan.count_provenance), marked on steps and ranges, and worded on the scale line."""
    return num.estimate or (fallback if not num.source else None)


class Num(Provenance):
    """A reported or estimated number with a unit (``unit: ""`` for pH and ratios).

    YAML may write ``"0.25 mL"`` for ``{value: 0.25, unit: mL}``.
    """

    value: float
    unit: str = ""

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, bool):
            raise ValueError("expected a number with a unit, not a boolean")
        if isinstance(data, int | float):
            return {"value": data, "unit": ""}
        if isinstance(data, str):
            m = _NUM_RE.match(data)
            if not m:
                raise ValueError(f"cannot read {data!r} as a number with a unit (e.g. '0.25 mL')")
            return {"value": float(m.group(1)), "unit": m.group(2)}
        return data

    @field_validator("value")
    @classmethod
    def _finite(cls, v: float) -> float:
        if v != v or v in (float("inf"), float("-inf")):
            raise ValueError("must be a finite number")
        if v != 0 and not MIN_MAGNITUDE <= abs(v) <= MAX_MAGNITUDE:
            # 1e-320 mmol or 1e300 mL plans with hundreds of digits or overflows to infinity
            raise ValueError(f"{v:.3g} is not a plausible laboratory number")
        return v

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, v: str) -> str:
        from nclplan.units import is_unit

        if not is_unit(v):
            raise ValueError(f"unknown unit {v!r}")
        return v


def _unit_problem(num: Num | None, dims: tuple[str, ...], what: str, *, positive: bool) -> str:
    """Why ``num`` cannot be a ``what`` (wrong dimension, zero or negative), or ``""``."""
    if num is None:
        return ""
    from nclplan.units import dimension

    if dimension(num.unit) not in dims:
        unit = num.unit or "no unit"
        return f"{unit} is not a unit of {what}"
    if positive and num.value <= 0:
        return f"{what} must be larger than zero"
    return ""


def _raise_unit_problems(problems: dict[str, str]) -> None:
    """One ``field: message`` error (the loader turns it into file:line)."""
    for key, problem in problems.items():
        if problem:
            raise ValueError(f"{key}: {problem}")


class Range(Provenance):
    """A reported working range, e.g. the pH window of a CO route."""

    min: Num
    max: Num

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        from nclplan.units import Q

        lo, hi = Q(self.min.value, self.min.unit), Q(self.max.value, self.max.unit)
        if lo.dimensionality != hi.dimensionality:
            raise ValueError("min and max have different dimensions")
        if lo > hi:
            raise ValueError("min is larger than max")
        return self


class Hazard(_Strict):
    code: Annotated[str, Field(pattern=r"^(EU)?H\d{3}[A-Za-z]*$")]
    text: str


class Reagent(_Strict):
    """A chemical of the shared reagent library (``protocols/reagents.yaml``)."""

    name: str
    label: str  # short name for steps and tables: "HAuCl4·3H2O", "NaBH4", "THF"
    formula: str | None = None  # None for biopolymers (BSA); then molar_mass must be given
    molar_mass: Num | None = None  # only for substances without a formula, with its source
    cas: Annotated[str, Field(pattern=r"^\d{2,7}-\d{2}-\d$")] | None = None
    density: Num | None = None  # liquids, g/mL near 20-25 °C
    hazards: list[Hazard] = []
    synonyms: list[str] = []
    sources: list[str] = []  # where CAS, density and hazards were checked (maintainers only)
    hazard_note: str | None = None  # e.g. "no GHS classification found: check the supplier SDS"
    # True only when a cited SDS or registration says "not classified as hazardous" (water):
    # such a reagent takes no hazard line. A reagent with no hazards and not marked so has no
    # classification on file, and every plan that uses it warns (nclplan.hazards).
    not_hazardous: bool = False
    # May a too-small mass be made up as a stock and dosed as an aliquot? In what, and must the
    # solution be made fresh (NaBH4 hydrolyses)? None: never made up as a solution by nclplan.
    stock_solvent: str | None = None
    stock_fresh: bool = False
    # Concentrations of the solution a lab keeps on the shelf (1 M NaOH, 1 M HCl): a recipe that
    # doses one of them takes it from the bottle instead of weighing milligrams of pellets.
    lab_stocks: list[Num] = []
    # Solvents (library ids) it dissolves in: an aliquot stock is made up in the reaction's own
    # solvent where it can be, so that a stock does not carry water into a THF route.
    dissolves_in: list[Identifier] = []
    note: str | None = None  # handling and stock-solution advice

    @model_validator(mode="after")
    def _mass_defined(self) -> Reagent:
        if self.formula and self.molar_mass:
            raise ValueError("give a formula or a molar_mass, not both: masses come from formulas")
        if self.molar_mass is not None and not (self.molar_mass.source or self.molar_mass.estimate):
            raise ValueError("molar_mass needs a source or an estimate reason")
        if self.not_hazardous and self.hazards:
            raise ValueError("not_hazardous: a reagent with hazard statements is hazardous")
        return self


Form = Literal["solid", "liquid", "solution", "gas"]
Role = Literal[
    "metal-precursor",
    "ligand",
    "reductant",
    "phase-transfer",
    "base",
    "acid",
    "solvent",
    "template",
    "antisolvent",
    "precursor-cluster",
    "other",
]
Stage = Literal["synthesis", "workup"]
# Roles whose amount changes what is made: "as needed" alone is not an instruction for them.
CHEMISTRY_ROLES = frozenset(
    {"metal-precursor", "ligand", "reductant", "phase-transfer", "base", "acid", "template"}
)


class ReagentLine(Provenance):
    """One reagent of the reference recipe, exactly as published.

    A solid gives ``mass`` or ``amount``; a liquid ``volume``, ``mass`` or ``amount``; a solution
    ``volume`` and ``concentration`` of the stock; a gas gives none (its use is a step). A line
    with ``as_needed: true`` (wash solvents) has no amount and does not scale.
    """

    id: Identifier
    reagent: Identifier
    role: Role
    form: Form
    stage: Stage = "synthesis"
    mass: Num | None = None
    amount: Num | None = None
    volume: Num | None = None
    concentration: Num | None = None
    medium: str | None = None  # what a stock is made up in ("ice-cold water", "0.2 M NaOH")
    purity: Num | None = (
        None  # as a fraction or percent of the weighed form, when the paper gives it
    )
    as_needed: bool = False
    # For an as_needed reagent that changes the chemistry: what to add it to, e.g.
    # "pH {cond:ph} ± 0.1, by meter" (with concentration: the stock to use, "1 M").
    target: str | None = None
    made_by: Identifier | None = None  # id of the route that makes this reagent (multi-stage)
    note: str | None = None

    @model_validator(mode="after")
    def _form_fits(self) -> ReagentLine:
        given = [k for k in ("mass", "amount", "volume") if getattr(self, k) is not None]
        if self.as_needed:
            if given:
                raise ValueError("an as_needed reagent has no amount")
            if self.concentration is not None and self.form != "solution":
                raise ValueError("only a solution has a concentration")
            if self.role in CHEMISTRY_ROLES and (
                self.target is None or (self.form == "solution" and self.concentration is None)
            ):
                raise ValueError(
                    f"an as_needed {self.role} changes the chemistry: give its target (e.g. "
                    "'pH {cond:ph} ± 0.1, by meter') and, for a solution, its concentration"
                )
            return self
        if self.target is not None:
            raise ValueError("target is for as_needed reagents; others have an amount")
        if self.form == "gas":
            if given:
                raise ValueError("a gas has no scaled amount; describe its use in a step")
        elif self.form == "solution":
            if self.volume is None or self.concentration is None:
                raise ValueError("a solution needs volume and concentration of the stock")
            if self.mass is not None or self.amount is not None:
                raise ValueError("a solution gives volume and concentration only")
        elif len(given) != 1:
            raise ValueError(f"a {self.form} gives exactly one of mass, amount, volume")
        if self.form != "solution" and self.concentration is not None:
            raise ValueError("only a solution has a concentration")
        return self

    @model_validator(mode="after")
    def _units_fit(self) -> ReagentLine:
        _raise_unit_problems(
            {
                "amount": _unit_problem(self.amount, ("[substance]",), "amount", positive=True),
                "mass": _unit_problem(self.mass, ("[mass]",), "mass", positive=True),
                "volume": _unit_problem(self.volume, ("[length] ** 3",), "volume", positive=True),
                "concentration": _unit_problem(
                    self.concentration,
                    ("[substance] / [length] ** 3", "[mass] / [length] ** 3"),
                    "concentration",
                    positive=True,
                ),
                "purity": _unit_problem(self.purity, ("dimensionless",), "purity", positive=True),
            }
        )
        return self

    def numbers(self) -> list[tuple[str, Num]]:
        return [
            (k, v)
            for k in ("mass", "amount", "volume", "concentration", "purity")
            if (v := getattr(self, k)) is not None
        ]


class WorkupBlock(_Strict):
    """A reusable purification block (``protocols/purification.yaml``) that routes refer to."""

    title: str
    removes: list[str] = Field(min_length=1)  # unbound ligand, Au(I)-thiolates, ...
    how: str
    check: str  # how to check purity afterwards
    # What the block also removes or checks only when a route uses a reagent (keyed by reagent
    # id): a route without TOABr must not be told to wash out TOA+ salts.
    removes_if_used: dict[str, list[str]] = {}
    check_if_used: dict[str, str] = {}
    # What the block removes or checks only for routes of one kind (keyed by a trait of
    # WORKUP_TRAITS): a silver cluster's plasmon band lies near 400 nm, not 520 nm, and a
    # phosphine route has no free thiol to look for. ``{metal}`` in any text is the target metal.
    removes_when: dict[WorkupTrait, list[str]] = {}
    check_when: dict[WorkupTrait, str] = {}
    source: str | None = None  # citation where the block is described (free text)


# Traits of a route that decide which parts of a purification block apply (nclplan.plan):
# its metal, whether a thiol(ate) ligand is used, whether a phosphine is the only ligand, and
# whether the product is a defined cluster (a formula with more than one metal atom).
WorkupTrait = Literal["Au", "Ag", "thiolate", "phosphine", "cluster"]


class Reference(_Strict):
    """A paper a number is read in. Printed as citation and DOI, plus "DOI not confirmed" when
    ``doi_confirmed`` is false; ``note`` is for maintainers (how the paper and DOI were checked)
    and is never rendered."""

    key: Identifier
    doi: Annotated[str, Field(pattern=r"^10\.\d{4,9}/\S+$")]
    doi_confirmed: bool = True
    citation: str
    note: str | None = None  # maintainers only: never printed in a plan, card or export


class Target(_Strict):
    """The cluster a route makes, and the form in which it is isolated and weighed."""

    name: str  # as chemists write it: "Au25(PET)18", "Au25@BSA"
    formula: str | None = None  # cluster formula (abbreviations allowed); None if undefined
    charge: int = 0
    counterion: str | None = None  # ligand-table abbreviation or formula, e.g. "TOA"
    counterion_charge: int | None = None
    metal: Annotated[str, Field(pattern=r"^[A-Z][a-z]?$")]
    metal_atoms: int | None = Field(default=None, gt=0)
    aliases: list[str] = []
    isolated_as: str | None = None  # words for the isolated form, e.g. "[TOA]+[Au25(PET)18]−"
    mass_scaling: str | None = None  # why a product mass cannot be planned (formula None)
    # How the product is kept: a solid is weighed; a solution or dispersion used as made is
    # measured by volume and absorbance, so its result block asks for those, not a mass.
    product_form: Literal["solid", "solution", "dispersion"] = "solid"

    def atom_count(self) -> int | None:
        """Metal atoms per product unit; None for products without one (polydisperse particles).

        Here, on the model, so that scaling needs no catalog (the two modules once imported each
        other).
        """
        from nclplan import chemistry

        if self.metal_atoms is not None or self.formula is None:
            return self.metal_atoms
        return chemistry.core_size(self.formula)

    @model_validator(mode="after")
    def _consistent(self) -> Target:
        if self.formula is None and self.mass_scaling is None:
            raise ValueError("a target without a formula must say in mass_scaling why")
        if self.counterion is not None:
            if self.charge == 0:
                raise ValueError("a neutral cluster has no counterion")
            if self.counterion_charge is None or self.counterion_charge * self.charge >= 0:
                raise ValueError("counterion_charge must be given, opposite in sign to charge")
            if self.charge % self.counterion_charge:
                raise ValueError("charge is not a whole number of counterions")
        return self


class Outcome(Provenance):
    """What the literature says a parameter value gives (the CO route's pH -> cluster size)."""

    min: float | None = None  # in the condition's unit; None = open
    max: float | None = None
    product: str
    note: str | None = None


class Condition(Provenance):
    """A reaction condition with its reported value and, where known, reported range.

    A ``parameter`` can be changed with ``--set name=value``. With ``controls: <line id>`` the
    value is that reagent's equivalents per metal atom (thiol_ratio, reductant_ratio), and
    setting it changes the reagent's amount.
    """

    name: Identifier  # temperature, ph, stirring, atmosphere, reaction_time, thiol_ratio, ...
    label: str
    value: Num | None = None
    text: str | None = None  # for conditions without a number ("air", "CO, sealed")
    range: Range | None = None
    parameter: bool = False
    controls: Identifier | None = None
    outcomes: list[Outcome] = []
    # A pH: the reagent lines that raise and lower it, and the mixture's pH before adjustment
    # where known; ``{adjust:ph}`` in a step then names the base or the acid, whichever the set
    # value needs (or says to measure first).
    base: Identifier | None = None
    acid: Identifier | None = None
    before: Num | None = None

    @model_validator(mode="after")
    def _something(self) -> Condition:
        if self.value is None and self.text is None:
            raise ValueError("a condition needs a value or a text")
        if (self.parameter or self.controls or self.outcomes) and self.value is None:
            raise ValueError("a parameter needs a value")
        return self

    @model_validator(mode="after")
    def _plannable(self) -> Condition:
        from nclplan.units import CANONICAL, dimension

        for key, num in self.numbers():
            if dimension(num.unit) not in CANONICAL:
                raise ValueError(f"{key}: {num.unit} is not a unit a condition can be planned in")
        if (
            self.value is not None
            and self.range is not None
            and (dimension(self.value.unit) != dimension(self.range.min.unit))
        ):
            raise ValueError("range: the range and the value have different dimensions")
        return self

    def numbers(self) -> list[tuple[str, Num]]:
        out: list[tuple[str, Num]] = []
        if self.value is not None:
            out.append(("value", self.value))
        if self.range is not None:
            out += [("range.min", self.range.min), ("range.max", self.range.max)]
        if self.before is not None:
            out.append(("before", self.before))
        return out


VesselKind = Literal[
    "vial",
    "sealed-vial",
    "round-bottom",
    "schlenk",
    "beaker",
    "mortar",
    "centrifuge-tube",
    "separatory-funnel",
]


class Vessel(Provenance):
    """A vessel of the route: steps name it (``vessel: flask``) and it is sized from its contents.

    ``headspace_ratio`` is the gas volume over the liquid volume of the published recipe, for a
    sealed vessel whose headspace holds a reagent (CO): the plan keeps that ratio instead of a
    fill rule. ``condenser`` says a reflux condenser is fitted (heating for hours, or near the
    boiling point, in an open vessel needs one).
    """

    id: Identifier
    kind: VesselKind
    label: str | None = None  # "etching flask": how later steps call it
    stir_bar: bool = False
    condenser: bool = False
    headspace_ratio: Num | None = None

    @model_validator(mode="after")
    def _fits_kind(self) -> Vessel:
        if self.headspace_ratio is not None and self.kind != "sealed-vial":
            raise ValueError("only a sealed vessel keeps a headspace ratio")
        if self.condenser and self.kind in (
            "sealed-vial",
            "mortar",
            "centrifuge-tube",
            "vial",
            "separatory-funnel",
        ):
            raise ValueError(f"a {self.kind} takes no reflux condenser")
        return self


class Step(Provenance):
    """One step. ``text`` names reagent lines as ``{id}``; they are replaced by scaled amounts.

    ``{cond:name}`` is a condition's value in force (``{published:name}``: as published) and
    ``{vessel:id}`` the vessel, sized (the first use says its size and fill, later uses name it).
    ``vessel`` is where the step's reagents go; ``transfer`` moves the whole contents of another
    vessel into it.
    """

    action: Identifier
    text: str
    stage: Stage = "synthesis"
    duration: Num | None = None
    temperature: Num | None = None
    ph: Num | None = None
    checkpoint: str | None = None
    # Parameters whose --set value this step's temperature, duration or pH follows.
    condition: list[Identifier] = []
    vessel: Identifier | None = None
    transfer: Identifier | None = None

    @field_validator("condition", mode="before")
    @classmethod
    def _one_or_more(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @model_validator(mode="after")
    def _units_fit(self) -> Step:
        _raise_unit_problems(
            {
                "duration": _unit_problem(self.duration, ("[time]",), "time", positive=True),
                "temperature": _unit_problem(
                    self.temperature, ("[temperature]",), "temperature", positive=False
                ),
                "ph": _unit_problem(self.ph, ("dimensionless",), "pH", positive=False),
            }
        )
        return self

    def numbers(self) -> list[tuple[str, Num]]:
        return [
            (k, v) for k in ("duration", "temperature", "ph") if (v := getattr(self, k)) is not None
        ]


FingerprintKind = Literal[
    "absorption", "emission", "excitation", "mz", "molecular_mass", "quantum_yield", "size"
]

# The unit a fingerprint kind is exported in (JSON) and the dimension its values must have. A
# molecular mass (Da, kDa) is a mass per particle, never a mass of substance to weigh.
FINGERPRINT_UNITS: dict[str, str] = {
    "absorption": "nm",
    "emission": "nm",
    "excitation": "nm",
    "mz": "",
    "molecular_mass": "Da",
    "quantum_yield": "%",
    "size": "nm",
}
_DALTON_UNITS = ("Da", "kDa", "dalton", "kilodalton")

# Kinds of schema_version 1/2 route files, read on so that user-written routes keep loading:
# the old kind named the method and left the quantity to its unit.
_OLD_KINDS = {
    "uv-vis": ("absorption", "uv-vis"),
    "quantum-yield": ("quantum_yield", None),
}


class Fingerprint(Provenance):
    """A characterization signature to check the product against, of one kind of quantity.

    ``kind`` says what the numbers are (a wavelength, an m/z, a molecular mass, ...), so every
    output prints and exports them in their own unit; ``method`` says how they are measured.
    """

    kind: FingerprintKind
    method: str | None = None  # uv-vis, photoluminescence, esi-ms, maldi-ms, tem, ...
    values: list[Num] = Field(min_length=1)
    charge: int | None = None  # the ion's charge, for m/z
    ion: str | None = None  # the ion as written, e.g. "[Au25(p-MBA)18]5-"
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _old_kind(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "method" in data:
            return data
        kind = data.get("kind")
        if kind in _OLD_KINDS:
            new, method = _OLD_KINDS[kind]
            return {**data, "kind": new, **({"method": method} if method else {})}
        if kind in ("emission", "excitation"):
            return {**data, "method": "photoluminescence"}
        if kind in ("esi-ms", "maldi-ms"):
            units = {str(v).split()[-1] if isinstance(v, str) else "" for v in data["values"]}
            is_mass = bool(units) and units <= set(_DALTON_UNITS)
            return {**data, "kind": "molecular_mass" if is_mass else "mz", "method": kind}
        return data

    @model_validator(mode="after")
    def _units_fit_kind(self) -> Fingerprint:
        from nclplan.units import Q, U

        want = FINGERPRINT_UNITS[self.kind]
        for n in self.values:
            if self.kind == "molecular_mass":
                ok = n.unit in _DALTON_UNITS
            elif self.kind == "mz":
                ok = n.unit == ""
            else:
                ok = Q(1, n.unit or "").check(U(want).dimensionality)
            if not ok:
                raise ValueError(
                    f"a fingerprint of kind {self.kind} is in {want or 'plain numbers (m/z)'}"
                    f"{' or kDa' if want == 'Da' else ''}, not {n.unit or 'a plain number'!r}"
                )
            if n.value <= 0:
                raise ValueError(f"a fingerprint of kind {self.kind} must be positive")
        if self.charge is not None and self.kind != "mz":
            raise ValueError("only an m/z fingerprint has an ion charge")
        if self.charge == 0:
            raise ValueError("an ion's charge is not 0")
        return self

    def numbers(self) -> list[tuple[str, Num]]:
        return [(f"values.{i}", n) for i, n in enumerate(self.values)]


class Yield(Provenance):
    value: Num  # percent or fraction
    basis: str  # "Au atom basis", ...

    @model_validator(mode="after")
    def _a_yield(self) -> Yield:
        from nclplan.units import convert, dimension

        if dimension(self.value.unit) != "dimensionless":
            raise ValueError(f"value: {self.value.unit} is not a unit of a yield (%)")
        if not 0 < convert(self.value.value, self.value.unit, "percent") <= 100:
            raise ValueError("value: a yield lies above 0 % and at most 100 %")
        return self

    def numbers(self) -> list[tuple[str, Num]]:
        return [("value", self.value)]


class RouteHazard(Provenance):
    text: str


ScaleDirection = Literal["up", "down", "both"]


class ScaleNote(_Strict):
    """Advice for another scale than the published one, and which way it applies.

    ``up`` prints only above the published scale ("at larger volumes use an overhead stirrer"),
    ``down`` only below it, ``both`` at any other scale. A plain string in a route file is a
    note for both directions, so route files written before directions keep loading.
    """

    text: str
    direction: ScaleDirection = "both"

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        return {"text": data} if isinstance(data, str) else data

    def applies(self, factor: float) -> bool:
        """Does the note concern a plan at ``factor`` times the published scale?"""
        if factor == 1:
            return False
        return self.direction == "both" or (self.direction == "up") == (factor > 1)


class ScaleLimits(Provenance):
    """The range of scales a route is safe and doable at, as multiples of its reference recipe.

    Past ``max`` (or below ``min``) a plan is refused, with ``reason``: solvent-free grinding of
    NaBH4 with an oxidising silver salt is a milligram-scale operation; diborane bubbled through
    a solvent is a small-flask operation. The limits carry a source or an estimate reason like
    every number of a route; they are not counted among the recipe's numbers.
    """

    min: float | None = Field(default=None, gt=0)
    max: float | None = Field(default=None, gt=0)
    reason: str = Field(min_length=8)

    @model_validator(mode="after")
    def _bounds(self) -> ScaleLimits:
        if self.min is None and self.max is None:
            raise ValueError("scale_limits: give min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("scale_limits: min is above max")
        if (self.min is not None and self.min > 1) or (self.max is not None and self.max < 1):
            raise ValueError("scale_limits: the reference recipe (1x) must lie within the limits")
        if self.source is None and self.estimate is None:
            raise ValueError("scale_limits: give a source or an estimate reason")
        return self


class Route(_Strict):
    """A reviewed synthesis route with its reference recipe as published."""

    schema_: Literal[1] = Field(default=1, alias="schema")
    id: Identifier
    title: str
    family: Family
    review_section: str
    default: bool = False  # the default route for its target's metal core (e.g. Au25)
    target: Target
    references: list[Reference] = Field(min_length=1)
    summary: str
    reagents: list[ReagentLine] = Field(min_length=1)
    conditions: list[Condition] = []
    vessels: list[Vessel] = []
    steps: list[Step] = Field(min_length=1)
    yield_: Yield | None = Field(default=None, alias="yield")
    fingerprints: list[Fingerprint] = []
    hazards: list[RouteHazard] = []
    purification: str | None = None
    workup: list[Identifier] = []  # ids of purification blocks used, in order
    scale_notes: list[ScaleNote] = []
    scale_limits: ScaleLimits | None = None
    notes: list[str] = []

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, defer_build=True)

    @model_validator(mode="after")
    def _check(self) -> Route:
        keys = [r.key for r in self.references]
        if len(set(keys)) != len(keys):
            raise ValueError("duplicate reference key")
        ids = [r.id for r in self.reagents]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"duplicate reagent line id(s): {', '.join(sorted(dup))}")
        metal_lines = [r for r in self.reagents if r.role == "metal-precursor"]
        if len(metal_lines) != 1:
            raise ValueError("exactly one reagent line must have role metal-precursor")
        for where, prov, num in self.provenance_walk():
            src = num.source or (prov.source if prov else None)
            est = num.estimate or (prov.estimate if prov else None)
            if src is None and est is None:
                raise ValueError(f"{where}: number has neither a source nor an estimate reason")
            if src is not None and src not in keys:
                raise ValueError(f"{where}: source {src!r} is not a reference key of this route")
        lim = self.scale_limits
        if lim is not None and lim.source is not None and lim.source not in keys:
            raise ValueError(
                f"scale_limits.source: {lim.source!r} is not a reference key of this route"
            )
        conditions = {c.name: c for c in self.conditions}
        if len(conditions) != len(self.conditions):
            raise ValueError("conditions: two conditions have the same name")
        for i, c in enumerate(self.conditions):
            for key in ("controls", "base", "acid"):
                ref = getattr(c, key)
                if ref is not None and ref not in ids:
                    raise ValueError(f"conditions.{i}.{key}: {ref!r} is not a reagent line id")
        self._check_steps(ids, conditions)
        self._check_vessels()
        return self

    def _check_steps(self, ids: list[str], conditions: dict[str, Condition]) -> None:
        for where, text in self.text_fields():
            for name in _PLACEHOLDER.findall(text):
                if where == "title":
                    raise ValueError("title: a title names no placeholder")
                if name.startswith(("cond:", "published:")):
                    cond = conditions.get(name.split(":", 1)[1])
                    if cond is None or cond.value is None:
                        raise ValueError(f"{where}: {{{name}}} is not a condition with a value")
                elif name.startswith("adjust:") and where.endswith(".text"):
                    cond = conditions.get(name[7:])
                    if cond is None or cond.value is None or not (cond.base or cond.acid):
                        raise ValueError(
                            f"{where}: {{{name}}} is not a condition with a value and a "
                            "base or acid line"
                        )
                elif not where.startswith("steps.") or where.endswith(".checkpoint"):
                    raise ValueError(
                        f"{where}: only {{cond:...}} or {{published:...}} may stand here, "
                        f"not {{{name}}}"
                    )
                elif name.startswith("vessel:"):
                    if name[7:] not in {v.id for v in self.vessels}:
                        raise ValueError(f"{where}: {{{name}}} is not a vessel of the route")
                elif name not in ids:
                    raise ValueError(f"{where}: {{{name}}} is not a reagent line id")
        for i, step in enumerate(self.steps):
            for name in step.condition:
                if name not in conditions or conditions[name].value is None:
                    raise ValueError(
                        f"steps.{i}.condition: {name!r} is not a condition with a value"
                    )

    def _check_vessels(self) -> None:
        """Every step that adds a measured reagent says where; every vessel is used and named."""
        vessels = [v.id for v in self.vessels]
        if len(set(vessels)) != len(vessels):
            raise ValueError("vessels: two vessels have the same id")
        measured = {r.id for r in self.reagents if not r.as_needed}
        used: set[str] = set()
        for i, step in enumerate(self.steps):
            for key in ("vessel", "transfer"):
                v = getattr(step, key)
                if v is not None and v not in vessels:
                    raise ValueError(f"steps.{i}.{key}: {v!r} is not a vessel of the route")
            if step.transfer is not None and step.transfer not in used:
                raise ValueError(f"steps.{i}.transfer: {step.transfer!r} is not in use yet")
            named = set(_PLACEHOLDER.findall(step.text))
            if step.vessel is None and named & measured:
                raise ValueError(f"steps.{i}.vessel: the step adds reagents but names no vessel")
            if step.vessel is not None and step.vessel not in used:
                if f"vessel:{step.vessel}" not in named:
                    raise ValueError(
                        f"steps.{i}.text: first use of vessel {step.vessel!r}: name it as "
                        f"{{vessel:{step.vessel}}} so the plan says its size"
                    )
                used.add(step.vessel)
        unused = [v for v in vessels if v not in used]
        if unused:
            raise ValueError(f"vessels: {', '.join(unused)} is used by no step")

    def text_fields(self) -> list[tuple[str, str]]:
        """Every route text a plan or a route card prints, with its field path."""
        out: list[tuple[str, str]] = [("title", self.title), ("summary", self.summary)]
        if self.target.isolated_as:
            out.append(("target.isolated_as", self.target.isolated_as))
        for i, r in enumerate(self.reagents):
            out += [
                (f"reagents.{i}.{k}", t)
                for k in ("medium", "note", "target")
                if (t := getattr(r, k))
            ]
        for i, c in enumerate(self.conditions):
            if c.text:
                out.append((f"conditions.{i}.text", c.text))
        for i, s in enumerate(self.steps):
            out.append((f"steps.{i}.text", s.text))
            if s.checkpoint:
                out.append((f"steps.{i}.checkpoint", s.checkpoint))
        for i, f in enumerate(self.fingerprints):
            if f.note:
                out.append((f"fingerprints.{i}.note", f.note))
        out += [(f"hazards.{i}.text", h.text) for i, h in enumerate(self.hazards)]
        if self.purification:
            out.append(("purification", self.purification))
        if self.yield_ is not None:
            out.append(("yield.basis", self.yield_.basis))
        out += [(f"scale_notes.{i}.text", n.text) for i, n in enumerate(self.scale_notes)]
        if self.scale_limits is not None:
            out.append(("scale_limits.reason", self.scale_limits.reason))
        out += [(f"notes.{i}", t) for i, t in enumerate(self.notes)]
        return out

    def provenance_walk(self) -> list[tuple[str, Provenance | None, Num]]:
        """Every number of the route with the object it inherits provenance from."""
        out: list[tuple[str, Provenance | None, Num]] = []
        for i, r in enumerate(self.reagents):
            out += [(f"reagents.{i}.{k}", r, n) for k, n in r.numbers()]
        for i, c in enumerate(self.conditions):
            out += [(f"conditions.{i}.{k}", c, n) for k, n in c.numbers()]
        for i, s in enumerate(self.steps):
            out += [(f"steps.{i}.{k}", s, n) for k, n in s.numbers()]
        for i, v in enumerate(self.vessels):
            if v.headspace_ratio is not None:
                out.append((f"vessels.{i}.headspace_ratio", v, v.headspace_ratio))
        for i, f in enumerate(self.fingerprints):
            out += [(f"fingerprints.{i}.values.{j}", f, n) for j, n in enumerate(f.values)]
        if self.yield_ is not None:
            out.append(("yield.value", self.yield_, self.yield_.value))
        return out

    @property
    def metal_line(self) -> ReagentLine:
        return next(r for r in self.reagents if r.role == "metal-precursor")

    def line(self, line_id: str) -> ReagentLine:
        return next(r for r in self.reagents if r.id == line_id)

    def reference(self, key: str | None) -> Reference | None:
        return next((r for r in self.references if r.key == key), None)
