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


# Electron counts from the superatom literature, as listed in the issue (independent of nclplan):
# [Au25(SR)18]- 8e, Au38(SR)24 14e, Au102(SR)44 58e, [Ag44(SR)30]4- 18e, [Ag25(SR)18]- 8e,
# [Ag29(BDT)12(TPP)4]3- 8e; Au11(PPh3)7Cl3 8e (phosphines give no electron, chlorides take one).
@pytest.mark.parametrize(
    ("text", "electrons", "closed"),
    [
        ("[Au25(SC2H4Ph)18]-", 8, True),
        ("Au38(PET)24", 14, False),
        ("Au102(MBA)44", 58, True),
        ("Ag44(SPhF2)30 4-", 18, True),
        ("[Ag25(SPhMe2)18]-", 8, True),
        ("Ag29(BDT)12(TPP)4 3-", 8, True),
        ("Au11(PPh3)7Cl3", 8, True),
        ("Au25(PET)18", 7, False),  # the neutral, oxidised cluster is a 7e radical
    ],
)
def test_electron_counts(text: str, electrons: int, closed: bool) -> None:
    report = chemistry.cluster_report(text)
    assert (report.electrons, report.closed_shell) == (electrons, closed)


def test_esi_mz_of_known_ions() -> None:
    au25 = chemistry.cluster_report("[Au25(SC2H4Ph)18]-")
    assert au25.ions[0].mz_average == pytest.approx(7394.2, abs=0.1)  # NOTES.md anion mass
    # [Ag44(SR)30]4- is observed near m/z 2275; its 3- PPh4+ adduct one PPh4 (339.4) heavier / 3
    ag44 = chemistry.cluster_report("Ag44(SPhF2)30 4-", counterion="PPh4")
    assert ag44.ions[0].mz_average == pytest.approx(2275.2, abs=0.2)
    m = ag44.ions[0].mz_average * 4
    pph4 = chemistry.molar_mass("PPh4")
    assert ag44.ions[1].mz_average == pytest.approx((m + pph4) / 3, abs=0.01)
    assert [i.charge for i in ag44.ions] == [-4, -3, -2, -1]
    # the most abundant isotopologue of a heavy cluster lies between mono and average
    for ion in ag44.ions:
        assert ion.mz_monoisotopic < ion.mz_peak


def test_charge_option_and_conflicts() -> None:
    assert chemistry.cluster_report("Au25(PET)18", charge=-1).electrons == 8
    with pytest.raises(UsageError):
        chemistry.cluster_report("[Au25(PET)18]-", charge=+1)
    with pytest.raises(UsageError):
        chemistry.cluster_report("Au25(XYZ)18")
    with pytest.raises(UsageError):
        chemistry.cluster_report("[Au25(PET)18]-", counterion="Na")


def test_salt_molar_mass_with_counterion() -> None:
    # [TOA][Au25(SC2H4Ph)18]: 7394.16 (anion) + 466.89 (N(C8H17)4+) = 7861.05 g/mol
    report = chemistry.cluster_report("[Au25(SC2H4Ph)18]-", counterion="TOA")
    assert report.salt is not None
    assert report.salt.label == "[TOA][Au25(SC2H4Ph)18]"
    assert report.salt.average_mass == pytest.approx(7861.05, abs=0.01)
    ag44 = chemistry.cluster_report("Ag44(SPhF2)30 4-", counterion="PPh4")
    assert ag44.salt is not None and ag44.salt.count == 4
    assert ag44.salt.average_mass == pytest.approx(
        ag44.average_mass + 4 * chemistry.molar_mass("PPh4"), abs=0.01
    )
    with pytest.raises(UsageError, match="neutral"):
        chemistry.cluster_report("Au38(PET)24", counterion="TOA")


@pytest.mark.parametrize(
    ("text", "protons"),
    [
        ("Au25(SG)18", 36),  # two carboxylic acids per glutathione
        ("Au25(Cys)18", 18),
        ("Au25(p-MBA)18", 18),
        ("Au25(MHA)18", 18),
        ("Ag9(MSA)7", 14),
        ("Ag29(DHLA)12", 12),
        ("Au25(PET)18", 0),
    ],
)
def test_acidic_protons_per_ligand(text: str, protons: int) -> None:
    assert chemistry.cluster_report(text).acidic_protons == protons


def test_deprotonated_series_keeps_the_clusters_electron_count() -> None:
    report = chemistry.cluster_report("Au25(p-MBA)18", charge=-1, ion_charges=(-3, -4, -5))
    assert report.electrons == 8  # [Au25(SR)18]-, whatever charge the ions carry
    assert [(i.label, i.charge, i.protons_removed) for i in report.ions] == [
        ("[M-2H]3-", -3, 2),
        ("[M-3H]4-", -4, 3),
        ("[M-4H]5-", -5, 4),
    ]
    # m/z = (M - n H+) / z, with M the anion's mass: independent arithmetic with molmass
    m = chemistry.molar_mass("Au25(p-MBA)18")  # neutral atoms; the anion adds one electron
    electron, proton = 0.000548579909, 1.007276467
    for ion in report.ions:
        expected = (m + electron - ion.protons_removed * proton) / abs(ion.charge)
        assert ion.mz_average == pytest.approx(expected, abs=1e-3)
    neutral = chemistry.cluster_report("Au25(p-MBA)18")
    assert neutral.electrons == 7
    assert [i.label for i in neutral.ions][:2] == ["[M-H]-", "[M-2H]2-"]


def test_unreachable_ion_charge_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no acidic protons"):
        chemistry.cluster_report("Au25(PET)18", ion_charges=(-2,))
    with pytest.raises(UsageError, match="18 acidic protons"):
        chemistry.cluster_report("Au25(p-MBA)18", ion_charges=(-19,))


def test_python_api_lists_the_asked_ion_charges() -> None:
    import nclplan

    result = nclplan.cluster("Au25(MBA)18", charge=-1, ion_charges=[-3, -5])
    data = result.to_dict()
    assert data["schema_version"] == "2" and data["electrons"] == 8
    assert [i["label"] for i in data["ions"]] == ["[M-2H]3-", "[M-4H]5-"]
    salt = nclplan.cluster("[Au25(SC2H4Ph)18]-", counterion="TOA").to_dict()["salt"]
    assert salt["average_mass"] == {"value": pytest.approx(7861.05, abs=0.01), "unit": "g/mol"}
