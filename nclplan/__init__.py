"""nclplan: synthesis protocol planner for atomically precise metal nanoclusters.

The library API, for notebooks and scripts::

    import nclplan
    p = nclplan.plan("Au25", scale="50mg")       # also route=, yield_=, set={"pH": 10}
    p.to_dict(); p.markdown(); p.reagents_table()
    nclplan.sweep("au25-mba-co", vary={"pH": "10:12:0.5"})
    nclplan.cluster("Au25(PET)18", charge=-1)
    nclplan.routes(metal="Ag")

Errors are the classes of ``nclplan.errors``. Everything heavy is imported on first use
(``nclplan.api``), so that ``import nclplan`` and the command line start fast.
"""

from __future__ import annotations

import sys
import types

from nclplan import startup

_previous_sigint = startup.guard()  # before the imports below (see nclplan.startup)

from nclplan import errors  # noqa: E402  (after the guard, on purpose)

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~5 ms at start-up)
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path
    from typing import Any

    from nclplan.api import ClusterResult, PlanResult, RouteList, SweepResult

__version__ = "0.1.0"

__all__ = ["__version__", "cluster", "errors", "plan", "routes", "sweep"]


def plan(
    target: str,
    *,
    scale: str | float = "1x",
    route: str | None = None,
    yield_: str | float | None = None,
    set: Mapping[str, object] | Sequence[str] | None = None,  # as --set
    surplus: str | float | None = None,
    stages: bool = True,
    catalog: str | Path | Sequence[str | Path] | None = None,
) -> PlanResult:
    """Plan a synthesis, as ``nclplan route TARGET``: ``scale`` "50mg", "2x" or 2 (a multiple),
    "0.4mmol"; ``yield_`` "35%" or 0.35; ``set`` {"pH": 10}; ``surplus`` of precursor stages
    ("15%"); ``stages=False`` plans a precursor as bought; ``catalog`` extra protocol folders.
    """
    from nclplan import api

    return api.plan(
        target,
        scale=scale,
        route=route,
        yield_=yield_,
        set=set,
        surplus=surplus,
        stages=stages,
        catalog=catalog,
    )


def sweep(
    target: str,
    vary: Mapping[str, object] | Sequence[str],
    *,
    scale: str | float = "1x",
    route: str | None = None,
    yield_: str | float | None = None,
    set: Mapping[str, object] | Sequence[str] | None = None,  # as --set
    catalog: str | Path | Sequence[str | Path] | None = None,
) -> SweepResult:
    """A parameter study, as ``nclplan sweep``: ``vary={"pH": "10:12:0.5", "thiol_ratio": [2, 3]}``
    (START:STOP:STEP or a list of values); one plan per point of the grid."""
    from nclplan import api

    return api.sweep(
        target, vary, scale=scale, route=route, yield_=yield_, set=set, catalog=catalog
    )


def cluster(
    formula: str,
    *,
    charge: int | None = None,
    counterion: str | None = None,
    ion_charges: list[int] | None = None,
) -> ClusterResult:
    """The cluster calculator, as ``nclplan cluster``: ``cluster("Au25(PET)18", charge=-1)``.

    ``charge`` is the cluster's own charge (it sets the electron count); ``ion_charges`` the
    ESI-MS ion charges to list ([M-nH] of acidic ligands), as ``--ion-charge``."""
    from nclplan import api

    return api.cluster(formula, charge=charge, counterion=counterion, ion_charges=ion_charges)


def routes(
    *,
    metal: str | None = None,
    family: str | None = None,
    catalog: str | Path | Sequence[str | Path] | None = None,
) -> RouteList:
    """The routes of the catalog, as ``nclplan list``: ``routes(metal="Ag")``."""
    from nclplan import api

    return api.routes(metal=metal, family=family, catalog=catalog)


_API = frozenset(__all__)


class _Package(types.ModuleType):
    """Keeps ``nclplan.plan`` and ``nclplan.sweep`` the functions above.

    Importing a submodule sets it as an attribute of its package, so the first
    ``import nclplan.plan`` (the module of the same name) would replace the function. The modules
    stay importable by their full names (``from nclplan.plan import make_plan``).
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _API and isinstance(value, types.ModuleType) and name != "errors":
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

startup.release(_previous_sigint)
