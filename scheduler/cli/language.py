"""click speaks the station's language: its gettext calls are routed to `scheduler.messages.usage`.

click wraps its own texts in `gettext.gettext`/`ngettext`, bound as module globals of each click module at
import; `install()` rebinds those globals to functions that ask `resolve()` for the language in force at the
moment click formats a text (`--lang`, then the station's config, then $LOA_LANG, then Vietnamese). Nothing of
the process-wide gettext domain is touched.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import click._termui_impl
import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.termui
import click.types

from scheduler.messages.usage import CLICK_VI

__all__ = ["install", "translate", "CLICK_MODULES"]

# The click modules whose texts a `loa` user can see (shell completion and the Windows console are not used).
CLICK_MODULES: tuple[ModuleType, ...] = (
    click.core,
    click.decorators,
    click.exceptions,
    click.formatting,
    click.parser,
    click.termui,
    click.types,
    click._termui_impl,
)


def translate(message: str, lang: str) -> str:
    """click's `message` in `lang`; English (or an unknown text) stays as click wrote it."""
    if lang == "vi":
        return CLICK_VI.get(message, message)
    return message


def install(resolve: Callable[[], str]) -> None:
    """Route every click text through `translate(text, resolve())` from now on (idempotent)."""

    def gettext(message: str) -> str:
        return translate(message, resolve())

    def ngettext(singular: str, plural: str, n: int) -> str:
        return translate(singular if n == 1 else plural, resolve())

    for module in CLICK_MODULES:
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
