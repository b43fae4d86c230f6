"""Stocks and amounts as a bench works, checked on every route of the catalog.

Fresh stocks are made right before use; an aliquot stock belongs in the vessel it goes into;
lab stocks come from the shelf; as-needed reagents that change the chemistry say what and to
what; volumes name the tool that measures them; a pH is set with base or acid as needed.
"""

from __future__ import annotations

import re

import pytest

from nclplan.bench import MAX_CARRIED, MAX_SAME, measuring_tool, practical
from nclplan.catalog import Catalog
from nclplan.errors import NclplanError
from nclplan.models import CHEMISTRY_ROLES, ReagentLine
from nclplan.plan import Plan, make_plan
from nclplan.scale import parse_scale, scale_route

SCALES = ("1x", "0.2x", "0.05x", "0.01x", "0.001x")


def _plans(catalog: Catalog, scales: tuple[str, ...] = SCALES) -> list[tuple[str, str, Plan]]:
    out = []
    for route in catalog.route_list():
        for scale in scales:
            try:
                out.append((route.id, scale, make_plan(catalog, route.id, scale=scale)))
            except NclplanError:
                continue
    return out


def test_unweighable_solid_becomes_an_aliquot_in_the_reaction_solvent(catalog: Catalog) -> None:
    # au25-pet-thf at 0.01x needs 1.58 mg HAuCl4·3H2O: too little to weigh; it dissolves in THF,
    # so the stock is made up in THF and the aliquot replaces part of the THF
    route = catalog.routes["au25-pet-thf"]
    scaled = scale_route(route, catalog.reagents, parse_scale("0.01x"))
    gold = next(r for r in scaled.reagents if r.line.id == "gold")
    thf = next(r for r in scaled.reagents if r.line.id == "thf")
    assert gold.mass is not None and thf.volume is not None
    assert gold.mass.to("mg").magnitude == pytest.approx(1.575, abs=0.001)
    new, preps = practical(scaled)
    dosed = next(r for r in new.reagents if r.line.id == "gold")
    assert dosed.volume is not None and dosed.concentration is not None
    got = (dosed.volume * dosed.concentration).to("mg").magnitude
    assert got == pytest.approx(1.575, rel=0.01)  # the aliquot holds the gold
    assert dosed.amount == gold.amount  # moles for the ratios are unchanged
    prep = next(p for p in preps if p.reagent_id == "gold")
    assert "in THF and make up to" in prep.text and "water" not in prep.text
    # THF left in the flask plus the THF of the aliquot is the recipe's THF
    thf_after = next(r for r in new.reagents if r.line.id == "thf")
    assert thf_after.volume is not None
    total = thf_after.volume.to("mL").magnitude + dosed.volume.to("mL").magnitude
    assert total == pytest.approx(thf.volume.to("mL").magnitude, rel=1e-6)


def test_au25_at_50ug_no_longer_doses_water_into_thf(catalog: Catalog) -> None:
    # The doses alone: as a plan 50 µg is refused (16 µL cannot be stirred in a vial)
    route = catalog.routes["au25-pet-thf"]
    _, preps = practical(scale_route(route, catalog.reagents, parse_scale("50ug")))
    gold = [p.text for p in preps if "HAuCl4" in p.text]
    assert gold and not any("water" in t for t in gold)


def test_aliquots_belong_in_their_vessel_on_every_route(catalog: Catalog) -> None:
    """An aliquot stock is made up in the vessel's solvent (at most half of it), or carries at
    most 5 % of a foreign solvent; otherwise the scale is refused with exit 2."""
    aliquots = refused = 0
    for route in catalog.route_list():
        for scale in SCALES:
            try:
                plan = make_plan(catalog, route.id, scale=scale)
            except NclplanError as exc:
                if "too little to weigh" in str(exc):
                    assert exc.exit_code == 2 and "Plan at least" in str(exc)
                    refused += 1
                continue
            published = scale_route(route, catalog.reagents, parse_scale(scale))
            before = {x.line.id: x.volume for x in published.reagents}
            for x in plan.scaled.reagents:
                if x.line.form != "solid" or x.volume is None:
                    continue
                aliquots += 1
                prep = next(
                    s.text
                    for s in plan.steps
                    if s.action == "prepare" and "; use " in s.text and x.reagent.label in s.text
                )
                first = next(s for s in route.steps if f"{{{x.line.id}}}" in s.text)
                names = set(re.findall(r"\{([^{}]*)\}", first.text))
                for y in published.reagents:
                    if y.line.id not in names or y.line.role != "solvent" or y.volume is None:
                        continue
                    vol = before[y.line.id]
                    assert vol is not None
                    share = x.volume.to("mL").magnitude / vol.to("mL").magnitude
                    own = f"in {y.reagent.label} and make up" in prep or (
                        y.line.reagent == "water" and "water" in prep
                    )
                    assert share <= (MAX_SAME if own else MAX_CARRIED) + 1e-9, (route.id, prep)
    assert aliquots and refused  # the catalog exercises both


def test_fresh_stock_is_made_right_before_its_first_use(catalog: Catalog) -> None:
    seen = 0
    for route_id, scale, plan in _plans(catalog, ("1x", "0.05x")):
        for i, st in enumerate(plan.steps):
            if st.action == "prepare" and st.text.startswith("Just before use"):
                seen += 1
                label = st.text.split(" the ", 1)[1].split(" stock")[0]
                nxt = plan.steps[i + 1]
                assert label in nxt.text and nxt.action != "prepare", (route_id, scale, st.text)
    assert seen >= 5
    au25 = make_plan(catalog, "Au25")
    prep = next(s for s in au25.steps if s.text.startswith("Just before use") and "NaBH4" in s.text)
    assert au25.steps[prep.number].action == "reduce"  # the next step is the reduction


def test_lab_stocks_come_from_the_shelf(catalog: Catalog) -> None:
    shelf = 0
    for route_id, _, plan in _plans(catalog, ("1x",)):
        for st in plan.steps:
            # A shelf concentration is poured, not weighed; a stronger one (5 M) is made up.
            shelf_made = r"dissolve [\d.]+ mg (?:NaOH|HCl) .*\((?:1|0\.1) M\)"
            assert not re.search(shelf_made, st.text), (route_id, st.text)
            shelf += "from the lab's stock" in st.text
    assert shelf >= 3  # the BSA routes dose 1 M NaOH


def test_as_needed_chemistry_says_what_and_to_what(catalog: Catalog) -> None:
    for route in catalog.route_list():
        for line in route.reagents:
            if line.as_needed and line.role in CHEMISTRY_ROLES:
                assert line.target, (route.id, line.id)
                assert line.form != "solution" or line.concentration, (route.id, line.id)
    with pytest.raises(ValueError, match="changes the chemistry"):
        ReagentLine.model_validate(
            {"id": "naoh", "reagent": "naoh", "role": "base", "form": "solution", "as_needed": True}
        )
    md = make_plan(catalog, "au25-mba-co")
    naoh = next(x for x in md.scaled.reagents if x.line.id == "naoh")
    assert naoh.concentration is not None and naoh.concentration.to("M").magnitude == 1


@pytest.mark.parametrize(
    ("ml", "tool"),
    [
        (0.0085, "10 µL pipette or microsyringe"),
        (0.0015, "2 µL pipette"),
        (0.150, "200 µL pipette"),
        (0.268, "1000 µL pipette"),
        (3.98, "5 mL pipette"),
        (11.9, "25 mL graduated cylinder"),
    ],
)
def test_volumes_name_the_tool_that_measures_them(ml: float, tool: str) -> None:
    assert measuring_tool(ml) == tool


def test_pipetting_is_warned_only_below_what_any_tool_delivers(catalog: Catalog) -> None:
    """8.5 µL is routine with a 10 µL pipette: only below 1 µL is a volume warned."""
    for route_id, scale, plan in _plans(catalog):
        small = [
            x
            for x in plan.scaled.reagents
            if x.volume is not None and x.volume.to("mL").magnitude < 0.001
        ]
        warned = [w for w in plan.warnings if "pipette or microsyringe" in w]
        assert len(warned) == len(small), (route_id, scale)
        for st in plan.steps:  # a dose below 1 mL in a step says what measures it
            for m in re.finditer(r"\(([^()]*)\)", st.text):
                if re.match(r"[\d.]+ µL", m.group(1)):
                    assert " with a " in m.group(1), (route_id, scale, st.text)


def test_ph_is_set_with_base_or_acid_as_the_target_needs(catalog: Catalog) -> None:
    checked = 0
    for route in catalog.route_list():
        for cond in route.conditions:
            if not (cond.base or cond.acid):
                continue
            step = next(s for s in route.steps if f"{{adjust:{cond.name}}}" in s.text)
            labels = {
                side: catalog.reagents[route.line(ref).reagent].label
                for side, ref in (("base", cond.base), ("acid", cond.acid))
                if ref
            }
            for value in (2.5, 13.5):
                plan = make_plan(
                    catalog, route.id, route_id=route.id, settings=[f"{cond.name}={value}"]
                )
                text = next(s.text for s in plan.steps if s.action == step.action)
                if cond.before is not None:
                    want = "base" if value > cond.before.value else "acid"
                    other = "acid" if want == "base" else "base"
                    assert f"with 1 M {labels[want]}" in text, text
                    assert labels.get(other, "§") not in text, text
                else:
                    assert text.startswith("Measure the pH"), text
                    assert all(label in text for label in labels.values()), text
                checked += 1
    assert checked >= 6
