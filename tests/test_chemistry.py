"""Chemistry against independently known values."""

from __future__ import annotations

import pytest

from nclplan import chemistry
from nclplan.errors import UsageError

# Independent values: NOTES.md (7394.2 anion, 7861.1 TOA salt, 393.83 trihydrate, 339.79
# anhydrous); ACS Reagent Chemicals monograph FW 393.83; textbook molar masses.
KNOWN = [
    ("HAuCl4.3H2O", 393.83, 0.01),
    ("HAuCl4", 339.79, 0.01),
    ("Au25(PET)18", 7394.2, 0.1),
    ("Au25(SC2H4Ph)18", 7394.2, 0.1),
    ("Au25(PET)18(TOA)", 7861.1, 0.1),
    ("NaBH4", 37.83, 0.01),
    ("H2O", 18.015, 0.001),
    ("C32H68NBr", 546.79, 0.01),  # TOABr
    ("C8H10S", 138.23, 0.01),  # 2-phenylethanethiol
]


@pytest.mark.parametrize(("formula", "expected", "tol"), KNOWN)
def test_molar_mass_matches_known_values(formula: str, expected: float, tol: float) -> None:
    assert chemistry.molar_mass(formula) == pytest.approx(expected, abs=tol)


def test_cys_is_the_cysteinate_ligand_not_molmass_residue() -> None:
    # Bound cysteinate SCH2CH(NH2)COOH = C3H6NO2S, 120.15 g/mol (IUPAC weights by hand:
    # 3*12.011 + 6*1.008 + 14.007 + 2*15.999 + 32.06). molmass' own "Cys" is the peptide
    # residue C3H5NOS (103.14), which would make Au25(Cys)18 306 g/mol too light.
    assert chemistry.hill("Au25(Cys)18") == "C54H108Au25N18O36S18"
    by_hand = 25 * 196.96657 + 18 * (3 * 12.011 + 6 * 1.008 + 14.007 + 2 * 15.999 + 32.06)
    assert chemistry.molar_mass("Au25(Cys)18") == pytest.approx(by_hand, abs=0.3)


def test_hydrate_changes_moles_by_sixteen_percent() -> None:
    # The trap of NOTES.md: weighing the trihydrate as if anhydrous is 16 % off.
    ratio = chemistry.molar_mass("HAuCl4.3H2O") / chemistry.molar_mass("HAuCl4")
    assert ratio == pytest.approx(1.159, abs=0.001)
    assert chemistry.normalize_hydrate("HAuCl4·3H2O") == "HAuCl4.3H2O"


def test_ways_of_writing_au25_pet_agree() -> None:
    forms = ["Au25(PET)18", "Au25(SC2H4Ph)18", "Au25(SCH2CH2Ph)18", "Au25(SCH2CH2C6H5)18"]
    assert len({chemistry.hill(f) for f in forms}) == 1


@pytest.mark.parametrize(
    ("text", "metal", "n", "charge", "ligands"),
    [
        ("Au25(PET)18", "Au", 25, 0, (("PET", 18),)),
        ("[Au25(SC2H4Ph)18]-", "Au", 25, -1, (("SC2H4Ph", 18),)),
        ("[Au25(SC2H4Ph)18]−", "Au", 25, -1, (("SC2H4Ph", 18),)),
        ("Ag44(SPhF2)30 4-", "Ag", 44, -4, (("SPhF2", 30),)),
        ("Ag29(BDT)12(TPP)4 3-", "Ag", 29, -3, (("BDT", 12), ("TPP", 4))),
        ("Au25", "Au", 25, 0, ()),
    ],
)
def test_parse_cluster(
    text: str, metal: str, n: int, charge: int, ligands: tuple[tuple[str, int], ...]
) -> None:
    c = chemistry.parse_cluster(text)
    assert (c.metal, c.metal_atoms, c.charge, c.ligands) == (metal, n, charge, ligands)


@pytest.mark.parametrize("bad", ["Xx25(PET)18", "Au25(PET", "(PET)18", "25Au", "Au25(Qq)18"])
def test_bad_cluster_formulas_are_usage_errors(bad: str) -> None:
    with pytest.raises(UsageError):
        chemistry.parse_cluster(bad)


def test_atoms_of_metal_in_precursor() -> None:
    assert chemistry.atoms_of("HAuCl4.3H2O", "Au") == 1
    assert chemistry.atoms_of("AgNO3", "Ag") == 1
    assert chemistry.atoms_of("NaBH4", "Au") == 0
