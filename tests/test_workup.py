"""Purification blocks in the words of each route: no printed check contradicts the route.

The blocks of ``protocols/purification.yaml`` are shared by gold and silver, thiolate and
phosphine routes. A silver cluster's plasmon band lies near 400 nm (gold's near 520 nm), a
phosphine cluster has no free thiol to look for, and a polydisperse particle batch or a
mononuclear complex has no cluster bands to keep.
"""

from __future__ import annotations

import pytest

from nclplan.catalog import load_catalog
from nclplan.plan import make_plan, workup_traits

CAT = load_catalog(())


def _purification(route_id: str) -> str:
    return make_plan(CAT, route_id, route_id=route_id, chain=False).purification or ""


@pytest.mark.parametrize("route_id", sorted(CAT.routes))
def test_no_printed_check_contradicts_the_route(route_id: str) -> None:
    route = CAT.routes[route_id]
    traits = workup_traits(route, CAT)
    text = _purification(route_id)
    other = {"Au": "Ag", "Ag": "Au"}[route.target.metal]
    assert f"{other}(I)" not in text and f"{other}(I)/" not in text
    if route.target.metal == "Ag":
        assert "520 nm" not in text
    if route.target.metal == "Au":
        assert "near 400 nm" not in text
    if "thiolate" not in traits:
        assert "thiol" not in text.lower(), route_id
    if "cluster" not in traits:
        assert "matches that of the crude product" not in text, route_id
    assert "{metal}" not in text and "keeps its sharp bands" not in text


def test_traits_follow_the_route() -> None:
    """Known routes: the traits are read from the reagents and the target, not declared."""
    assert workup_traits(CAT.routes["ag152-pet-solid"], CAT) == {"Ag", "thiolate", "cluster"}
    assert workup_traits(CAT.routes["au11-pph3-nabh4"], CAT) == {"Au", "phosphine", "cluster"}
    assert workup_traits(CAT.routes["au-np-brust-1994"], CAT) == {"Au", "thiolate"}
    assert "cluster" not in workup_traits(CAT.routes["au-pph3cl"], CAT)  # one Au atom
    assert "cluster" not in workup_traits(CAT.routes["ag15-bsa"], CAT)  # protein conjugate


def test_silver_and_gold_get_their_own_plasmon_check() -> None:
    assert "no plasmon band near 400 nm" in _purification("ag75-sg-formic")
    assert "no plasmon band near 520 nm" in _purification("au25-pet-thf")
    assert "31P NMR" in _purification("au11-pph3-nabh4")
    assert "Ag(I)-thiolate complexes" in _purification("ag29-dhla")
