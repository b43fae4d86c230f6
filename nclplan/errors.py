"""The error tree. Every error a user can cause is an NclplanError carrying its exit code, so the
CLI has one boundary that prints a one-line message and exits, and never shows a traceback."""

from __future__ import annotations

from nclplan.safetext import short

# Exit codes (documented in README): 0 ok; 1 the command ran and failed; 2 usage; 130 interrupted.
EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_INTERNAL = 70  # EX_SOFTWARE (sysexits.h): a bug in nclplan, not the user's input


class NclplanError(Exception):
    """Base of all errors a user can cause; ``exit_code`` tells the CLI how to leave."""

    exit_code: int = EXIT_FAILURE


class UsageError(NclplanError):
    """The command line asks for something impossible (bad value, unknown name)."""

    exit_code = EXIT_USAGE


class UnknownTargetError(UsageError):
    """No route makes the requested target; carries close names to suggest."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown target or route {short(name)!r}{hint} (see 'nclplan list')")
        self.name = name
        self.suggestions = suggestions


class ScaleError(UsageError):
    """A --scale or --yield value that cannot be planned (wrong unit, zero, absurd)."""


class CatalogError(NclplanError):
    """A protocol or reagent file is malformed, unsafe or inconsistent."""


class OutputError(NclplanError):
    """A file could not be written, or would overwrite an existing one without --force."""


class RenderError(NclplanError):
    """A document could not be rendered."""


class ScaleLimitError(ScaleError):
    """A scale the route cannot be worked at, and how far to move to one that can.

    ``ratio`` times the planned scale is the nearest scale that works (above 1: plan more;
    below 1: plan less). The error is raised where the problem is found (a vessel too empty,
    a route's own limit) and worded by the plan that asked, so a chain's precursor stage is
    refused in the scale the user typed (a stage's scale is proportional to it).
    """

    def __init__(self, reason: str, ratio: float, message: str | None = None) -> None:
        super().__init__(message or reason)
        self.reason = reason
        self.ratio = ratio
