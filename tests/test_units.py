from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nclplan.errors import ScaleError
from nclplan.units import (
    Q,
    convert,
    dimension,
    fmt,
    fmt_condition,
    fmt_in,
    magnitude,
    parse_quantity,
    round_sig,
    to_json,
)


@pytest.mark.parametrize(
    ("text", "mg"),
    [
        ("50mg", 50),
        ("50 mg", 50),
        ("0.05g", 50),
        ("50 µg", 0.05),
        ("50 μg", 0.05),
        ("50ug", 0.05),
        ("5e1 mg", 50),
        (".5 g", 500),
    ],
)
def test_parse_mass(text: str, mg: float) -> None:
    assert parse_quantity(text, what="x").to("mg").magnitude == pytest.approx(mg)


@pytest.mark.parametrize(
    "bad",
    ["", "mg", "50", "50 furlongs", "5,0 mg", "nan mg", "inf g", "2*3 g", "50 mg mg", "--5 mg"],
)
def test_parse_rejects(bad: str) -> None:
    with pytest.raises(ScaleError):
        parse_quantity(bad, what="--scale")


def test_formatting_keeps_balance_precision() -> None:
    assert fmt(Q(157.53, "mg")) == "158 mg"
    assert fmt(Q(2.5, "mL")) == "2.50 mL"
    assert fmt(Q(0.0213, "mL")) == "21.3 µL"
    assert fmt(Q(1500, "mg")) == "1.50 g"
    assert fmt(Q(0.318, "mmol")) == "318 µmol"
    assert fmt_condition(Q(37, "degC")) == "37 °C"
    assert fmt_condition(Q(720, "min")) == "12 h"


def test_json_canonical_units_and_rounding() -> None:
    assert to_json(Q(0.1, "g")) == {"value": 100.0, "unit": "mg"}
    assert to_json(Q(10, "mM")) == {"value": 10.0, "unit": "mM"}
    assert to_json(Q(12, "h")) == {"value": 720.0, "unit": "min"}
    assert to_json(Q(0.1 + 0.2, "mL")) == {"value": 0.3, "unit": "mL"}
    assert round_sig(123456.789, 6) == 123457


UNIT_PAIRS = [
    ("mg", "g"),
    ("g", "mg"),
    ("kg", "µg"),
    ("mmol", "µmol"),
    ("mol", "nmol"),
    ("mL", "L"),
    ("µL", "mL"),
    ("M", "mM"),
    ("µM", "mM"),
    ("mg/mL", "mg/mL"),
    ("h", "min"),
    ("day", "s"),
    ("kg/mol", "g/mol"),
    ("degC", "K"),
    ("K", "degC"),
    ("percent", ""),
]


@settings(max_examples=200, deadline=None)
@given(
    value=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False),
    pair=st.sampled_from(UNIT_PAIRS),
)
def test_cached_conversion_factors_agree_with_pint(value: float, pair: tuple[str, str]) -> None:
    # magnitude() multiplies by a factor computed once per unit pair; pint converts each time.
    src, dst = pair
    q = Q(value, src)
    assert magnitude(q, dst) == pytest.approx(q.to(dst).magnitude, rel=1e-12, abs=1e-12)
    assert convert(value, src, dst) == pytest.approx(q.to(dst).magnitude, rel=1e-12, abs=1e-12)
    assert fmt_in(value, src) == fmt(q)


def test_dimension_of_a_unit_spelling() -> None:
    assert dimension("degC") == "[temperature]" and dimension("h") == "[time]"
    assert dimension("") == "dimensionless" and dimension("mM") == "[substance] / [length] ** 3"


@settings(max_examples=100, deadline=None)
@given(value=st.floats(min_value=1e-6, max_value=1e6, allow_nan=False))
def test_memoised_formatting_is_the_same_for_equal_quantities(value: float) -> None:
    # fmt and to_json are memoised by (magnitude, unit): equal inputs, equal text, any spelling.
    a, b = Q(value, "mL"), Q(value * 1000, "µL")
    assert fmt(a) == fmt(Q(value, "mL"))
    assert to_json(a) == to_json(Q(value, "mL"))
    assert to_json(b)["unit"] == "mL" and to_json(b)["value"] == pytest.approx(  # type: ignore[index]
        to_json(a)["value"],  # type: ignore[index]
        rel=1e-5,
    )
