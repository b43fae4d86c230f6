"""The hazard section over the whole catalog: every reagent classified or loudly not, no line
twice, route-level rules exactly where they apply, and known GHS statements."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from nclplan import hazards, render
from nclplan.catalog import Catalog
from nclplan.errors import UsageError
from nclplan.models import Reagent
from nclplan.plan import Plan, make_plan

RULE_TEXT = {rule.id: rule.text for rule in hazards.RULES}


def _plans(catalog: Catalog) -> list[Plan]:
    """Every route at its published scale, and every stage of every multi-stage chain."""
    out: list[Plan] = []
    for rid in sorted(catalog.routes):
        try:
            plan = make_plan(catalog, rid, route_id=rid)
        except UsageError:  # a chain refused with its reason (it would consume its product)
            plan = make_plan(catalog, rid, route_id=rid, chain=False)
        out += [plan, *plan.stages]
    return out


@pytest.fixture(scope="module")
def plans(catalog: Catalog) -> list[Plan]:
    return _plans(catalog)


def test_catalog_has_chains(plans: list[Plan], catalog: Catalog) -> None:
    """The walk below covers precursor stages too, not only single routes."""
    assert len(plans) > len(catalog.routes)


def test_every_used_reagent_is_classified_or_says_what_to_assume(catalog: Catalog) -> None:
    used = {line.reagent for r in catalog.routes.values() for line in r.reagents}
    for key in sorted(used):
        r = catalog.reagents[key]
        if r.hazards:
            assert r.sources, f"{key}: hazard statements without a source"
        elif not r.not_hazardous:
            note = r.hazard_note or ""
            assert re.search(r"\b(treat|avoid)\b", note), f"{key}: says not what to assume"
            assert r.sources or r.formula is None or "research material" in note, key


def test_library_reagents_with_no_hazards_are_marked_one_way_or_the_other(
    catalog: Catalog,
) -> None:
    """Also those no route uses yet (MHA): a blank would print as no hazard."""
    for key, r in catalog.reagents.items():
        if not r.hazards and not r.not_hazardous:
            assert r.hazard_note, f"{key}: no hazards, no note"


def test_unclassified_reagents_warn_in_every_plan(plans: list[Plan]) -> None:
    for plan in plans:
        for s in plan.scaled.reagents:
            r = s.reagent
            if r.hazards or r.not_hazardous:
                continue
            hits = [w for w in plan.warnings if w.startswith(f"{r.label}: GHS classification not")]
            assert len(hits) == 1, (plan.route.id, r.label)
            rows = [h for h in render.view(plan)["reagent_hazards"] if h["label"] == r.label]
            assert r.hazard_note and len(rows) == 1 and r.hazard_note in rows[0]["note"]


def test_unclassified_warning_is_in_the_markdown_warnings(catalog: Catalog) -> None:
    md = render.markdown(make_plan(catalog, "au144-pet", route_id="au144-pet"))
    warnings = md.split("## Warnings", 1)[1].split("\n## ", 1)[0]
    assert "PhC2H4SH: GHS classification not stated in this plan" in warnings
    hazards_md = md.split("## Hazards", 1)[1].split("\n## ", 1)[0]
    assert (
        "**PhC2H4SH**: *GHS classification not stated in this plan: treat it as harmful"
        in hazards_md
    )


def test_no_hazard_twice_in_any_plan(plans: list[Plan]) -> None:
    for plan in plans:
        rid = plan.route.id
        texts = Counter(" ".join(h.text.split()) for h in plan.hazards if h.scope == "route")
        assert max(texts.values(), default=1) == 1, (rid, texts.most_common(1))
        lines = {h.reagent for h in plan.hazards if h.scope == "reagent"}
        keys = Counter(plan.route.line(line).reagent for line in lines if line)
        assert max(keys.values(), default=1) == 1, (rid, keys.most_common(1))
        pairs = Counter((h.reagent, h.code) for h in plan.hazards if h.scope == "reagent")
        assert max(pairs.values(), default=1) == 1, (rid, pairs.most_common(1))
        labels = Counter(h["label"] for h in render.view(plan)["reagent_hazards"])
        assert max(labels.values(), default=1) == 1, (rid, labels.most_common(1))


@pytest.mark.parametrize("rid", ["au144-pet", "ag152-pet-solid"])
def test_markdown_hazard_section_has_no_repeated_line(catalog: Catalog, rid: str) -> None:
    """The two routes where the repeats were seen (PhC2H4SH, methanol; ethanol)."""
    md = render.markdown(make_plan(catalog, rid, route_id=rid))
    section = md.split("## Hazards", 1)[1].split("\n## ", 1)[0]
    lines = [x for x in section.splitlines() if x.startswith("- ")]
    assert lines and len(lines) == len(set(lines))
    assert sum(x.startswith("- **ethanol**") for x in lines) <= 1
    assert sum(x.startswith("- **PhC2H4SH**") for x in lines) == 1


def test_non_hazardous_reagent_takes_no_hazard_line(plans: list[Plan]) -> None:
    seen_water = False
    for plan in plans:
        keys = {s.line.reagent for s in plan.scaled.reagents}
        seen_water |= "water" in keys
        rows = {h["label"] for h in render.view(plan)["reagent_hazards"]}
        assert "ultrapure water" not in rows
        for s in plan.scaled.reagents:
            if s.reagent.not_hazardous:
                assert not any(
                    h.reagent == s.line.id for h in plan.hazards if h.scope == "reagent"
                ), (plan.route.id, s.line.id)
    assert seen_water


def _route_lines(plan: Plan) -> set[str]:
    return {h.text for h in plan.hazards if h.scope == "route"}


def test_rules_fire_exactly_where_they_apply(plans: list[Plan]) -> None:
    """Expected set computed from the route's own data, independently of the rule table."""
    fired: Counter[str] = Counter()
    for plan in plans:
        keys = {line.reagent for line in plan.route.reagents}
        metal = plan.route.target.metal
        expected = {
            "silver-light": metal == "Ag",
            "silver-waste": metal == "Ag",
            "gold-waste": metal == "Au",
            "nabh4-quench": "nabh4" in keys,
            "diborane-scrubber": "diborane" in keys,
            "co-detector": "co" in keys,
        }
        assert set(expected) == set(RULE_TEXT)
        got = _route_lines(plan)
        for rule_id, applies in expected.items():
            # a rule line may be followed by this plan's amounts (the NaBH4 left over)
            hit = any(line.startswith(RULE_TEXT[rule_id]) for line in got)
            assert hit == applies, (plan.route.id, rule_id)
            fired[rule_id] += applies
    assert all(fired[r] for r in RULE_TEXT), fired  # each rule fires somewhere


def test_rule_on_a_silver_salt_in_a_gold_route(catalog: Catalog) -> None:
    """A silver salt in any route brings the light rule, whatever the target metal."""
    route = catalog.routes["au25-pet-thf"]
    line = route.reagents[0].model_copy(update={"id": "silver", "reagent": "agno3"})
    mixed = route.model_copy(update={"reagents": [*route.reagents, line]})
    light = next(r for r in hazards.RULES if r.id == "silver-light")
    assert not hazards.rule_fires(light, route, catalog.reagents)
    assert hazards.rule_fires(light, mixed, catalog.reagents)


def test_element_match_is_by_symbol() -> None:
    assert hazards._contains("AgNO3", "Ag")
    assert hazards._contains("(PPh4)4[Ag44(SPhF)30]", "Ag")
    assert not hazards._contains("HAuCl4.3H2O", "Ag")
    assert not hazards._contains(None, "Au")


@pytest.mark.parametrize(
    ("key", "cas", "codes"),
    [
        # Sigma-Aldrich SDS of sodium borohydride: H260, H301, H314, H360F
        ("nabh4", "16940-66-2", {"H260", "H301", "H314", "H360F"}),
        # EU harmonised classification of methanol: H225, H301+H311+H331, H370
        ("methanol", "67-56-1", {"H225", "H301", "H311", "H331", "H370"}),
        # ICSC 0700 triphenylphosphine: harmful if swallowed, skin sensitiser, nervous system
        ("pph3", "603-35-0", {"H302", "H317", "H373"}),
        ("agno3", "7761-88-8", {"H272", "H314", "H400", "H410"}),
        ("naoh", "1310-73-2", {"H290", "H314"}),
    ],
)
def test_known_classifications(catalog: Catalog, key: str, cas: str, codes: set[str]) -> None:
    r = catalog.reagents[key]
    assert r.cas == cas
    assert codes <= {h.code for h in r.hazards}


def test_water_is_not_hazardous(catalog: Catalog) -> None:
    assert catalog.reagents["water"].not_hazardous
    assert not catalog.reagents["water"].hazards


def test_not_hazardous_with_statements_is_refused() -> None:
    with pytest.raises(ValueError, match="not_hazardous"):
        Reagent(
            name="x",
            label="x",
            formula="NaCl",
            not_hazardous=True,
            hazards=[{"code": "H302", "text": "Harmful if swallowed"}],  # type: ignore[list-item]
        )


def test_reagent_without_note_gets_the_default_assumption() -> None:
    r = Reagent(name="x", label="X", formula="NaCl")
    assert hazards.unclassified_note(r).endswith(hazards.DEFAULT_ASSUMPTION)
    assert "read the supplier SDS" in hazards.DEFAULT_ASSUMPTION


def test_json_lists_unclassified_reagent(catalog: Catalog) -> None:
    plan = make_plan(catalog, "au144-pet", route_id="au144-pet")
    pet = [h for h in plan.hazards if h.scope == "reagent" and h.code is None]
    assert len(pet) == 1 and pet[0].text.startswith("GHS classification not stated in this plan")


def test_au25_kinetic_doi(catalog: Catalog) -> None:
    ref = catalog.routes["au25-pet-kinetic"].reference("zhu2008")
    assert ref is not None and ref.doi == "10.1021/ja0782448"


# Hazard statement texts as CLP Annex III words them, for every code the library uses: a typo or
# a wrong code/text pair in a reagent entry fails here.
CLP_TEXT = {
    "EUH019": "May form explosive peroxides",
    "EUH066": "Repeated exposure may cause skin dryness or cracking",
    "H220": "Extremely flammable gas",
    "H225": "Highly flammable liquid and vapour",
    "H226": "Flammable liquid and vapour",
    "H260": "In contact with water releases flammable gases which may ignite spontaneously",
    "H272": "May intensify fire; oxidiser",
    "H280": "Contains gas under pressure; may explode if heated",
    "H290": "May be corrosive to metals",
    "H301": "Toxic if swallowed",
    "H302": "Harmful if swallowed",
    "H304": "May be fatal if swallowed and enters airways",
    "H311": "Toxic in contact with skin",
    "H312": "Harmful in contact with skin",
    "H314": "Causes severe skin burns and eye damage",
    "H315": "Causes skin irritation",
    "H317": "May cause an allergic skin reaction",
    "H318": "Causes serious eye damage",
    "H319": "Causes serious eye irritation",
    "H330": "Fatal if inhaled",
    "H331": "Toxic if inhaled",
    "H332": "Harmful if inhaled",
    "H335": "May cause respiratory irritation",
    "H336": "May cause drowsiness or dizziness",
    "H340": "May cause genetic defects",
    "H350": "May cause cancer",
    "H351": "Suspected of causing cancer",
    "H360D": "May damage the unborn child",
    "H360F": "May damage fertility",
    "H361d": "Suspected of damaging the unborn child",
    "H361f": "Suspected of damaging fertility",
    "H370": "Causes damage to organs",
    "H372": "Causes damage to organs through prolonged or repeated exposure",
    "H373": "May cause damage to organs through prolonged or repeated exposure",
    "H400": "Very toxic to aquatic life",
    "H410": "Very toxic to aquatic life with long lasting effects",
    "H411": "Toxic to aquatic life with long lasting effects",
}


def test_hazard_statement_texts_are_the_clp_words(catalog: Catalog) -> None:
    for key, r in catalog.reagents.items():
        codes = [h.code for h in r.hazards]
        assert len(codes) == len(set(codes)), f"{key}: a code twice"
        for h in r.hazards:
            assert h.code in CLP_TEXT, f"{key}: {h.code} not in the test's table; add its CLP text"
            assert h.text == CLP_TEXT[h.code], f"{key}: {h.code} {h.text!r}"
