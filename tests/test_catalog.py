"""Catalog loading, validation messages (file:line: field: message) and target lookup."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nclplan.catalog import load_catalog, load_route, resolve
from nclplan.errors import CatalogError, UnknownTargetError, UsageError
from nclplan.plan import count_provenance
from nclplan.scale import reagent_molar_mass

DATA = Path(__file__).parent / "data"
BAD = sorted((DATA / "bad").glob("*.yaml"))


def test_shipped_catalog_is_valid(catalog) -> None:  # type: ignore[no-untyped-def]
    assert catalog.errors == []
    assert {"au25-pet-thf", "au25-bsa", "au25-cys-co", "au25-mba-co"} <= set(catalog.routes)


def test_every_number_has_a_doi_or_an_estimate(catalog) -> None:  # type: ignore[no-untyped-def]
    for route in catalog.route_list():
        keys = {r.key for r in route.references}
        for where, prov, num in route.provenance_walk():
            src = num.source or (prov.source if prov else None)
            est = num.estimate or (prov.estimate if prov else None)
            assert src in keys or est, f"{route.id}: {where}"
        reported, estimated = count_provenance(route)
        assert reported + estimated == len(route.provenance_walk())


def test_every_measured_reagent_has_a_molar_mass(catalog) -> None:  # type: ignore[no-untyped-def]
    for route in catalog.route_list():
        for line in route.reagents:
            if line.as_needed or line.form == "gas":
                continue
            assert reagent_molar_mass(catalog.reagents[line.reagent]) is not None, line.reagent


def test_library_cas_numbers_have_valid_check_digits(catalog) -> None:  # type: ignore[no-untyped-def]
    # CAS check digit: sum of digits times their position from the right, mod 10.
    for key, reagent in catalog.reagents.items():
        if reagent.cas is None:
            continue
        digits = reagent.cas.replace("-", "")
        body, check = digits[:-1], int(digits[-1])
        total = sum(int(d) * i for i, d in enumerate(reversed(body), start=1))
        assert total % 10 == check, key


def test_liquid_densities_are_plausible(catalog) -> None:  # type: ignore[no-untyped-def]
    # Independent anchors: water 0.997 g/mL at 25 °C, THF 0.889, methanol 0.792 (CRC Handbook).
    d = {k: r.density.value for k, r in catalog.reagents.items() if r.density is not None}
    assert d["water"] == pytest.approx(0.997, abs=0.002)
    assert d["thf"] == pytest.approx(0.889, abs=0.005)
    assert d["methanol"] == pytest.approx(0.792, abs=0.005)


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_protocol_files_give_their_message(path: Path) -> None:
    expect = path.read_text().splitlines()[0].removeprefix("# expect: ")
    with pytest.raises(CatalogError) as info:
        load_catalog([path])
    message = str(info.value)
    assert expect in message
    # every line names the file and a line number
    for line in message.splitlines():
        assert re.match(rf"^{re.escape(str(path))}(:\d+)?: ", line), line


def test_messages_point_at_the_right_line() -> None:
    path = DATA / "bad" / "unknown-unit.yaml"
    with pytest.raises(CatalogError) as info:
        load_route(path)
    lineno = next(
        i for i, text in enumerate(path.read_text().splitlines(), 1) if "furlongs" in text
    )
    assert f"{path}:{lineno}: reagents.0.mass" in str(info.value)


def test_user_catalog_adds_routes(monkeypatch: pytest.MonkeyPatch) -> None:
    cat = load_catalog([DATA / "good"])
    assert "my-au25" in cat.routes
    monkeypatch.setenv("NCLPLAN_PATH", str(DATA / "good"))
    assert "my-au25" in load_catalog().routes


def test_collect_mode_reports_every_broken_file() -> None:
    cat = load_catalog([DATA / "bad"], collect=True)
    assert len({e.split(":")[0] for e in cat.errors}) == len(BAD)


@pytest.mark.parametrize(
    ("target", "route_id"),
    [
        ("Au25", "au25-pet-thf"),
        ("au25", "au25-pet-thf"),
        ("Au25(PET)18", "au25-pet-thf"),
        ("Au25(SC2H4Ph)18", "au25-pet-thf"),
        ("[Au25(SC2H4Ph)18]-", "au25-pet-thf"),
        ("Au25@BSA", "au25-bsa"),
        ("Au25(Cys)18", "au25-cys-co"),
        ("Au25(p-MBA)18", "au25-mba-co"),
        ("au25-bsa", "au25-bsa"),
    ],
)
def test_resolve_targets(catalog, target: str, route_id: str) -> None:  # type: ignore[no-untyped-def]
    route, alternatives = resolve(catalog, target)
    assert route.id == route_id
    assert route not in alternatives


def test_au25_lists_alternatives(catalog) -> None:  # type: ignore[no-untyped-def]
    _, alternatives = resolve(catalog, "Au25")
    assert {"au25-bsa", "au25-cys-co", "au25-mba-co"} <= {a.id for a in alternatives}


def test_route_option_picks_an_alternative(catalog) -> None:  # type: ignore[no-untyped-def]
    route, _ = resolve(catalog, "Au25", "au25-cys-co")
    assert route.id == "au25-cys-co"
    with pytest.raises(UsageError, match="makes"):
        resolve(catalog, "Au25@BSA", "au25-cys-co")


def test_unknown_target_suggests_close_names(catalog) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownTargetError) as info:
        resolve(catalog, "Au26")
    assert "Au25" in info.value.suggestions
    with pytest.raises(UnknownTargetError):
        resolve(catalog, "au25-pet-thf", "au25-pet-thx")
    with pytest.raises(UnknownTargetError) as info:  # a word of a name, not a typo of it
        resolve(catalog, "brust")
    assert "au-np-brust-1994" in info.value.suggestions


def test_precursor_cycles_are_refused() -> None:
    with pytest.raises(CatalogError, match="cycle: route-a -> route-b -> route-a"):
        load_catalog([DATA / "cycle"])


def test_unknown_precursor_route_and_block(tmp_path: Path) -> None:
    text = (DATA / "good" / "my-au25.yaml").read_text()
    text = text.replace(
        "    volume: 70 uL\n    source: mine",
        "    volume: 70 uL\n    source: mine\n    made_by: nowhere",
    )
    text += "workup: [washing-machine]\n"
    (tmp_path / "my-au25.yaml").write_text(text)
    cat = load_catalog([tmp_path], collect=True)
    assert any("made_by 'nowhere'" in e for e in cat.errors)
    assert any("'washing-machine' is not a purification block" in e for e in cat.errors)


def test_extra_reagent_libraries_merge(tmp_path: Path) -> None:
    (tmp_path / "reagents-mine.yaml").write_text(
        "reagents:\n  unobtainium:\n    name: unobtainium chloride\n    label: UnCl\n"
        "    formula: AuCl\n"
    )
    assert "unobtainium" in load_catalog([tmp_path]).reagents
    (tmp_path / "reagents-clash.yaml").write_text(
        "reagents:\n  nabh4:\n    name: not borohydride\n    label: X\n    formula: NaCl\n"
    )
    with pytest.raises(CatalogError, match="already defined differently"):
        load_catalog([tmp_path])


def test_purification_blocks_reach_the_plan(catalog) -> None:  # type: ignore[no-untyped-def]
    from nclplan.plan import make_plan

    plan = make_plan(catalog, "au25-mba-co")
    assert plan.purification is not None and "Ultrafiltration" in plan.purification
    assert set(catalog.blocks) >= {
        "antisolvent-wash",
        "extraction",
        "centrifugation",
        "ultrafiltration",
        "dialysis",
        "page",
        "hplc",
        "size-exclusion",
        "tlc",
    }


@pytest.fixture
def user_routes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """A user's folder holding my-au25.yaml, and a cache of its own."""
    monkeypatch.setenv("NCLPLAN_CACHE_DIR", str(tmp_path / "cache"))
    user = tmp_path / "routes"
    user.mkdir()
    text = (DATA / "good" / "my-au25.yaml").read_text()
    (user / "my-au25.yaml").write_text(text)
    return user, text


def test_catalog_cache_follows_file_changes(tmp_path: Path, user_routes: tuple[Path, str]) -> None:
    import os

    user, text = user_routes
    first = load_catalog([user])
    assert (tmp_path / "cache" / "nclplan" / "catalog.json").is_file()
    again = load_catalog([user])  # from the cache
    assert again.routes["my-au25"] == first.routes["my-au25"]
    assert again.digests == first.digests
    (user / "my-au25.yaml").write_text(text.replace("My Au25(PET)18 variant", "Renamed"))
    os.utime(user / "my-au25.yaml", ns=(1, 1))  # even with an old mtime the size changed
    assert load_catalog([user]).routes["my-au25"].title == "Renamed"
    # same size and mtime, other bytes: the cache is keyed on content
    st = (user / "my-au25.yaml").stat()
    (user / "my-au25.yaml").write_text(text.replace("My Au25(PET)18 variant", "Renamer"))
    os.utime(user / "my-au25.yaml", ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (user / "my-au25.yaml").stat().st_size == st.st_size
    assert load_catalog([user]).routes["my-au25"].title == "Renamer"
    # a damaged cache is ignored, and a broken file is never hidden by the cache
    for f in (tmp_path / "cache" / "nclplan").glob("*.json"):
        f.write_bytes(b"not JSON")
    assert load_catalog([user]).routes["my-au25"].title == "Renamer"
    (user / "my-au25.yaml").write_text("id: [")
    with pytest.raises(CatalogError):
        load_catalog([user])


def test_cache_can_be_switched_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NCLPLAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NCLPLAN_CACHE", "0")
    load_catalog()
    assert not (tmp_path / "cache").exists()


def test_check_reuses_parses_but_sees_every_change(
    tmp_path: Path, user_routes: tuple[Path, str]
) -> None:
    user, text = user_routes
    assert load_catalog([user], collect=True).errors == []
    assert (tmp_path / "cache" / "nclplan" / "routes.json").is_file()
    assert load_catalog([user], collect=True).errors == []  # from the per-file cache
    (user / "my-au25.yaml").write_text(text.replace("39.4 mg", "39.4 furlongs"))
    errors = load_catalog([user], collect=True).errors
    assert any("unknown unit 'furlongs'" in e for e in errors)
    # cross-file checks are never cached: a second copy of the id is caught
    (user / "my-au25.yaml").write_text(text)
    other = tmp_path / "more"
    other.mkdir()
    (other / "my-au25.yaml").write_text(text)
    errors = load_catalog([user, other], collect=True).errors
    assert any("also defined" in e for e in errors)
