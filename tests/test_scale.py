"""Scaling: 1x is the published recipe, 2x doubles, product mass conserves metal."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nclplan.catalog import Catalog, load_catalog
from nclplan.errors import ScaleError
from nclplan.scale import parse_scale, parse_yield, scale_route
from nclplan.units import Q

# Every shipped route (the catalog walks itself; a new route is tested without editing this).
ROUTES = sorted(load_catalog().routes)


@pytest.mark.parametrize("route_id", ROUTES)
def test_1x_reproduces_the_published_recipe(catalog: Catalog, route_id: str) -> None:
    route = catalog.routes[route_id]
    scaled = scale_route(route, catalog.reagents, parse_scale("1x"))
    assert scaled.factor == 1
    for s in scaled.reagents:
        line = s.line
        for key in ("mass", "amount", "volume"):
            published = getattr(line, key)
            if published is None:
                continue
            got = getattr(s, key)
            assert got is not None, f"{line.id}.{key}"
            assert got.to(published.unit).magnitude == pytest.approx(published.value, rel=1e-12)
        if line.concentration is not None:
            assert s.concentration is not None
            assert s.concentration.to(line.concentration.unit).magnitude == pytest.approx(
                line.concentration.value
            )


def test_au25_thf_reference_amounts_by_hand(catalog: Catalog) -> None:
    # 0.40 mmol HAuCl4·3H2O = 0.40 * 393.83 = 157.5 mg; 2.0 mmol PhC2H4SH = 276.5 mg, which at
    # 1.032 g/mL is 0.268 mL; NaBH4 5 mL of 800 mM = 4.0 mmol = 151.3 mg.
    route = catalog.routes["au25-pet-thf"]
    by_id = {s.line.id: s for s in scale_route(route, catalog.reagents, parse_scale("1x")).reagents}
    assert by_id["gold"].mass.to("mg").magnitude == pytest.approx(157.5, abs=0.1)
    assert by_id["thiol"].mass.to("mg").magnitude == pytest.approx(276.5, abs=0.1)
    assert by_id["thiol"].volume.to("mL").magnitude == pytest.approx(0.268, abs=0.001)
    assert by_id["nabh4"].amount.to("mmol").magnitude == pytest.approx(4.0)
    assert by_id["nabh4"].mass.to("mg").magnitude == pytest.approx(151.3, abs=0.1)
    assert by_id["thiol"].equivalents == pytest.approx(5.0)
    assert by_id["nabh4"].equivalents == pytest.approx(10.0)


@pytest.mark.parametrize("route_id", ROUTES)
def test_2x_doubles_every_amount_and_keeps_ratios(catalog: Catalog, route_id: str) -> None:
    route = catalog.routes[route_id]
    one = scale_route(route, catalog.reagents, parse_scale("1x"))
    two = scale_route(route, catalog.reagents, parse_scale("2x"))
    for a, b in zip(one.reagents, two.reagents, strict=True):
        for key in ("amount", "mass", "volume"):
            x, y = getattr(a, key), getattr(b, key)
            assert (x is None) == (y is None)
            if x is not None:
                assert (y / x).to("").magnitude == pytest.approx(2.0)
        assert a.equivalents == b.equivalents
        assert a.concentration == b.concentration
    assert (two.metal_amount / one.metal_amount).to("").magnitude == pytest.approx(2.0)


@pytest.mark.parametrize("mass_mg", [1.0, 50.0, 123.4, 1000.0])
def test_product_mass_conserves_metal(catalog: Catalog, mass_mg: float) -> None:
    route = catalog.routes["au25-pet-thf"]
    scaled = scale_route(route, catalog.reagents, parse_scale(f"{mass_mg}mg"))
    assert scaled.expected_yield is not None
    # product metal atoms = precursor metal x yield
    product_mol = Q(mass_mg, "mg") / scaled.product_molar_mass
    metal_in_product = product_mol * route.target.atom_count()
    assert (metal_in_product / (scaled.metal_amount * scaled.expected_yield.value)).to(
        ""
    ).magnitude == pytest.approx(1.0)
    assert scaled.product_mass.to("mg").magnitude == pytest.approx(mass_mg)


def test_product_mass_uses_the_isolated_salt(catalog: Catalog) -> None:
    # [TOA][Au25(PET)18] is 7861.1 g/mol; 50 mg at 50 % yield needs 50/7861.1*25/0.5 mmol Au.
    route = catalog.routes["au25-pet-thf"]
    scaled = scale_route(route, catalog.reagents, parse_scale("50mg"))
    assert scaled.product_molar_mass.to("g/mol").magnitude == pytest.approx(7861.1, abs=0.1)
    expected = 50 / 7861.1 * 25 / 0.5
    assert scaled.metal_amount.to("mmol").magnitude == pytest.approx(expected, rel=1e-4)


def test_yield_override(catalog: Catalog) -> None:
    route = catalog.routes["au25-pet-thf"]
    a = scale_route(route, catalog.reagents, parse_scale("50mg"), yield_override=0.25)
    b = scale_route(route, catalog.reagents, parse_scale("50mg"))
    assert (a.metal_amount / b.metal_amount).to("").magnitude == pytest.approx(2.0)
    assert a.expected_yield is not None and a.expected_yield.overridden


def test_metal_amount_basis(catalog: Catalog) -> None:
    route = catalog.routes["au25-pet-thf"]
    scaled = scale_route(route, catalog.reagents, parse_scale("0.1mmol"))
    assert scaled.factor == pytest.approx(0.25)
    assert scaled.metal_amount.to("mmol").magnitude == pytest.approx(0.1)


def test_protein_product_mass_is_refused_with_alternatives(catalog: Catalog) -> None:
    with pytest.raises(ScaleError, match=r"--scale 2x.*0\.05mmol"):
        scale_route(catalog.routes["au25-bsa"], catalog.reagents, parse_scale("50mg"))


def test_mass_without_yield_asks_for_one(catalog: Catalog) -> None:
    with pytest.raises(ScaleError, match="--yield"):
        scale_route(catalog.routes["au25-mba-co"], catalog.reagents, parse_scale("5mg"))


@pytest.mark.parametrize("bad", ["50mL", "0x", "-2x", "0mg", "-5mg", "2 K", "5", "x", "nanx"])
def test_bad_scales(bad: str) -> None:
    with pytest.raises(ScaleError):
        parse_scale(bad)


@pytest.mark.parametrize(("text", "value"), [("35%", 0.35), ("0.35", 0.35), ("100%", 1.0)])
def test_parse_yield(text: str, value: float) -> None:
    assert parse_yield(text) == pytest.approx(value)


@pytest.mark.parametrize("bad", ["0%", "150%", "-5%", "abc", "nan", "1.5"])
def test_bad_yields(bad: str) -> None:
    with pytest.raises(ScaleError):
        parse_yield(bad)


def test_absurd_factor_refused(catalog: Catalog) -> None:
    with pytest.raises(ScaleError, match="times the route's recipe"):
        scale_route(catalog.routes["au25-pet-thf"], catalog.reagents, parse_scale("1e9mg"))


factors = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False, allow_infinity=False)


@settings(max_examples=40, deadline=None)
@given(k=factors, route_id=st.sampled_from(ROUTES))
def test_amounts_scale_linearly(catalog: Catalog, k: float, route_id: str) -> None:
    route = catalog.routes[route_id]
    one = scale_route(route, catalog.reagents, parse_scale("1x"))
    many = scale_route(route, catalog.reagents, parse_scale(f"{k!r}x"))
    for a, b in zip(one.reagents, many.reagents, strict=True):
        for key in ("amount", "mass", "volume"):
            x, y = getattr(a, key), getattr(b, key)
            if x is not None:
                assert (y / x).to("").magnitude == pytest.approx(k, rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(mass=st.floats(min_value=0.5, max_value=2000, allow_nan=False))
def test_scaling_by_mass_then_back_by_factor_is_identity(catalog: Catalog, mass: float) -> None:
    route = catalog.routes["au25-pet-thf"]
    by_mass = scale_route(route, catalog.reagents, parse_scale(f"{mass!r}mg"))
    back = scale_route(route, catalog.reagents, parse_scale(f"{by_mass.factor!r}x"))
    assert back.metal_amount.to("mmol").magnitude == pytest.approx(
        by_mass.metal_amount.to("mmol").magnitude, rel=1e-12
    )
    assert back.product_mass.to("mg").magnitude == pytest.approx(mass, rel=1e-9)


@pytest.mark.parametrize("route_id", ROUTES)
def test_every_route_plans_by_product_mass_or_says_why_not(catalog: Catalog, route_id: str) -> None:
    from nclplan.plan import make_plan

    route = catalog.routes[route_id]
    try:
        plan = make_plan(catalog, route_id, scale="5mg")
    except ScaleError as exc:
        message = str(exc)
        assert route.target.formula is None or route.yield_ is None
        assert "--scale 2x" in message or "--yield" in message
        return
    s = plan.scaled
    assert s.product_mass is not None and s.expected_yield is not None
    product_metal = (Q(5, "mg") / s.product_molar_mass) * route.target.atom_count()
    assert (product_metal / (s.metal_amount * s.expected_yield.value)).to(
        ""
    ).magnitude == pytest.approx(1.0)
