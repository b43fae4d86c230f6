"""The printed plan tells the truth about where its numbers come from, over the whole catalog."""

from __future__ import annotations

import re

import pytest

from nclplan import render
from nclplan.catalog import Catalog, load_catalog
from nclplan.plan import make_plan
from nclplan.render import markdown, views

ROUTES = sorted(load_catalog().routes)
SCALES = ["1x", "0.05x", "20x"]


def _plan(catalog: Catalog, route_id: str, scale: str = "1x"):  # type: ignore[no-untyped-def]
    try:
        return make_plan(catalog, route_id, route_id=route_id, scale=scale)
    except Exception:  # a route refused at this scale (or a chain): nothing to check
        return None


@pytest.mark.parametrize("route_id", ROUTES)
def test_every_estimated_number_has_its_reason_listed(catalog: Catalog, route_id: str) -> None:
    """The count "N of M numbers are estimates" and the E-list agree: every reason of an
    estimated number that the plan prints is listed, and every listed reason is used."""
    plan = _plan(catalog, route_id)
    if plan is None:
        pytest.skip("refused at 1x")
    view = views(plan)[-1]
    listed = [e["text"] for e in view["estimates"]]
    route = plan.route
    printed_kinds = ("reagents.", "steps.", "conditions.", "fingerprints.", "yield.")
    for path, prov, num in route.provenance_walk():
        reason = num.estimate or (prov.estimate if prov and not num.source else None)
        if not reason or not path.startswith(printed_kinds) or path.endswith(".before"):
            continue
        if path.startswith("reagents.") and route.reagents[int(path.split(".")[1])].as_needed:
            continue
        assert reason in listed, (path, reason)
    text = markdown(plan)
    for e in view["estimates"]:
        assert re.search(rf"est\. [E0-9, ]*\b{e['key']}\b", text), e


def test_sourced_step_with_an_estimated_time_is_flagged(catalog: Catalog) -> None:
    plan = make_plan(catalog, "ag152-pet-solid", route_id="ag152-pet-solid")
    step = plan.steps[0]
    assert step.source == "gharib2021" and step.estimate is not None
    assert "time not read in the paper" in step.estimate
    md = markdown(plan)
    assert re.search(r"\*\(5 min\)\* \[gharib2021, est\. E\d", md)


def test_estimated_amount_in_a_sourced_step_is_flagged(catalog: Catalog) -> None:
    plan = make_plan(catalog, "au-bsa-lyz", route_id="au-bsa-lyz")
    step = next(s for s in plan.steps if "pH to 12" in s.text)
    assert step.estimate and "gives the pH (12), not the volume" in step.estimate


@pytest.mark.parametrize("route_id", ROUTES)
def test_result_block_asks_only_what_can_be_filled_in(catalog: Catalog, route_id: str) -> None:
    """A product kept as a solution or dispersion is not weighed: no mass or yield field."""
    route = catalog.routes[route_id]
    words = (route.target.isolated_as or "").lower()
    if "not isolated" in words or words.startswith(("aqueous solution", "aqueous dispersion")):
        assert route.target.product_form != "solid", route_id
    plan = _plan(catalog, route_id)
    if plan is None:
        pytest.skip("refused at 1x")
    block = markdown(plan).split("### Result", 1)[1].split("\n## ", 1)[0]
    if route.target.product_form == "solid":
        assert "Product mass obtained" in block and "Yield" in block
    else:
        assert "Product mass" not in block and "Yield" not in block
        assert "mL" in block and "concentration" in block


def test_estimate_amounts_are_said_to_be_at_1x(catalog: Catalog) -> None:
    # once, above the reasons, on a scaled plan; never inserted into a reason's own words
    text = render.markdown(make_plan(catalog, "au55-pph3-b2h6", scale="0.5x"))
    assert "those of the route's recipe at 1x, not of this plan" in text
    assert "1 mmol Au(I) takes up 0.89 mmol e−" in text and "at 1x(I)" not in text
    one = render.markdown(make_plan(catalog, "au55-pph3-b2h6", chain=False))
    assert "not of this plan" not in one


@pytest.mark.parametrize("route_id", ROUTES)
def test_other_routes_make_the_same_cluster(catalog: Catalog, route_id: str) -> None:
    """ "Other routes to this cluster" share metal count and ligand shell; a route to the same
    core with other ligands is listed under its own heading."""
    from nclplan.chemistry import hill

    plan = _plan(catalog, route_id)
    if plan is None:
        pytest.skip("refused at 1x")
    view = views(plan)[-1]
    mine = plan.route.target
    for a in view["alternatives"]:
        other = catalog.routes[a["id"]].target
        assert mine.formula and other.formula
        assert hill(other.formula) == hill(mine.formula), (route_id, a["id"])
    for a in view["same_core"]:
        other = catalog.routes[a["id"]].target
        assert other.atom_count() == mine.atom_count() and other.metal == mine.metal


def test_ag44_paste_is_not_a_route_to_the_pph4_salt(catalog: Catalog) -> None:
    plan = make_plan(catalog, "ag44-from-ag35", route_id="ag44-from-ag35", chain=False)
    view = views(plan)[-1]
    assert [a["id"] for a in view["alternatives"]] == ["ag44-from-ag25"]
    assert [a["id"] for a in view["same_core"]] == ["ag44-paste"]
    md = markdown(plan)
    assert "## Routes to other Ag44 clusters (other ligands)" in md


def _is(entry: str, name: str) -> bool:
    """A shopping-list name is the reagent's, with a grade in parentheses or without."""
    return entry == name or entry.startswith(name + " (")


@pytest.mark.parametrize("scale", ["1x", "0.05x"])
@pytest.mark.parametrize("route_id", ROUTES)
def test_shopping_list_counts_what_is_weighed(catalog: Catalog, route_id: str, scale: str) -> None:
    """The combined list holds at least every mass weighed into a stock (not only the aliquot),
    and gives no solvent in moles."""
    from nclplan.export import plan_to_dict

    plan = _plan(catalog, route_id, scale)
    if plan is None:
        pytest.skip("refused at this scale")
    shopping = plan_to_dict(plan)["shopping_list"]
    for stage in [*plan.stages, plan]:
        by_id = {x.line.id: x for x in stage.scaled.reagents}
        for prep in stage.preps:
            if prep.weigh_mg is None:
                continue
            name = by_id[prep.reagent_id].reagent.name
            rows = [e for e in shopping if _is(e["name"], name) and "mass" in e]
            assert rows, (route_id, name)
            assert max(e["mass"]["value"] for e in rows) >= prep.weigh_mg * 0.999, (route_id, name)
            assert all("concentration" not in e for e in rows if e["form"] == "solid")
    solvents = {
        x.reagent.name
        for st in [*plan.stages, plan]
        for x in st.scaled.reagents
        if x.line.role in ("solvent", "antisolvent")
    }
    for e in shopping:
        if any(_is(e["name"], n) for n in solvents) and e["form"] == "liquid":
            assert "amount" not in e, (route_id, e)


def test_au11_chain_lists_the_weighed_nabh4_and_keeps_ethanol_grades_apart(
    catalog: Catalog,
) -> None:
    from nclplan.export import plan_to_dict

    plan = make_plan(catalog, "au11-pph3-nabh4", route_id="au11-pph3-nabh4")
    rows = {e["name"]: e for e in plan_to_dict(plan)["shopping_list"]}
    assert rows["sodium borohydride"]["mass"]["value"] == pytest.approx(25.0, rel=0.01)
    assert "ethanol (95 %)" in rows and "ethanol (absolute)" in rows
    assert rows["ethanol (absolute)"]["volume"]["value"] == pytest.approx(35.0)


@pytest.mark.parametrize("route_id", ROUTES)
def test_reagent_rows_read_as_written(catalog: Catalog, route_id: str) -> None:
    """Each row is told apart from the others; an as-needed target in words is not glued to
    "to"; a stock-dosed solid is not called a solid; the header does not say "published"."""
    for scale in SCALES:
        plan = _plan(catalog, route_id, scale)
        if plan is None:
            continue
        for view in views(plan):
            names = [(r["label"], r["qualifier"]) for r in view["reagents"]]
            assert len(names) == len(set(names)), (route_id, scale, names)
            for r in view["reagents"]:
                assert not re.search(r", to (?!pH\b|[-+]?\d)", r["measure"]), r["measure"]
                if "stock" in r["measure"] and r["role"] != "solvent":
                    assert r["form_short"] != "solid", (route_id, r["label"])
        text = markdown(plan)
        scale_line = next(ln for ln in text.splitlines() if ln.startswith("| **Scale**"))
        assert "published" not in scale_line and "the route's recipe" in scale_line
        assert not re.search(r"\ba [8]\d*(?:\.\d+)? ", text), "a 8..."
        assert not re.search(r"\d[eE][+-]\d", text.split("## References")[0]), "scientific notation"


def test_stock_switch_reduces_solvent_mass_and_amount(catalog: Catalog) -> None:
    plan = make_plan(catalog, "ag75-sg-formic", route_id="ag75-sg-formic", scale="0.05x")
    water = next(x for x in plan.scaled.reagents if x.line.id == "water")
    assert water.volume is not None and water.mass is not None and water.amount is not None
    ml = water.volume.to("mL").magnitude
    assert water.mass.to("g").magnitude == pytest.approx(ml * 0.997, rel=0.01)
    assert water.amount.to("mmol").magnitude == pytest.approx(ml * 0.997 / 18.015 * 1000, rel=0.01)


def test_set_ph_says_the_default_is_an_estimate(catalog: Catalog) -> None:
    plan = make_plan(
        catalog, "au-sg-co-ph", route_id="au-sg-co-ph", settings=["pH=10"], yield_text="30%"
    )
    text = markdown(plan)
    assert "set with --set pH=10 (the route's estimated value: 12)" in text
    assert "(published" not in text
    target_line = next(ln for ln in text.splitlines() if ln.startswith("| **Target**"))
    inner = target_line.split("isolated as ", 1)[1]
    depth = 0
    for ch in inner:  # no parenthesis inside a parenthesis
        depth += {"(": 1, ")": -1}.get(ch, 0)
        assert depth <= 2, target_line  # the formula Au15(SG)13 itself nests once


def test_far_scale_warning_in_plain_numbers(catalog: Catalog) -> None:
    # (ag44-paste is kept to 1x by its scale limit; au25-bsa has none)
    plan = make_plan(catalog, "au25-bsa", route_id="au25-bsa", scale="1000x")
    assert any("1000 times the route's scale" in w for w in plan.warnings)


def test_refusal_does_not_call_an_estimated_amount_published(catalog: Catalog) -> None:
    from nclplan.errors import ScaleError

    with pytest.raises(ScaleError) as info:
        make_plan(catalog, "ag15-bsa", route_id="ag15-bsa", scale="50mg")
    message = str(info.value)
    assert "published" not in message
    assert "is the route's amount of Ag, itself an estimate" in message
