"""Ctrl-C while nclplan is still importing: one line and exit 130, not a traceback.

The package and the command line each guard their own imports (the package's run first, when
the console script imports ``nclplan.cli``); a program that imports nclplan keeps its own
handler, because the guard is released right after.
"""

from __future__ import annotations

import os
import signal

TYPE_CHECKING = False  # typing is not imported before the guard is in place
if TYPE_CHECKING:
    from typing import Any


def _interrupted(signum: int, frame: object) -> None:
    os.write(2, b"nclplan: interrupted\n")
    os._exit(130)


def guard() -> Any:
    """Install the guard where Python's default handler is in place; the handler it replaced."""
    try:
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            return signal.signal(signal.SIGINT, _interrupted)
    except ValueError:  # not the main thread: nothing to guard
        pass
    return None


def release(previous: Any) -> None:
    if previous is not None:
        signal.signal(signal.SIGINT, previous)
