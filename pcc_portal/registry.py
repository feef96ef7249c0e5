"""Registries the higher apps plug into from their AppConfig.ready(), so this floor never imports
them: sections of an office's reference data file, demo-data fillers, and the home page's
"open now" lists."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Registry:
    entries: dict[str, Callable] = field(default_factory=dict)

    def register(self, key: str, func: Callable) -> Callable:
        self.entries[key] = func
        return func

    def items(self):
        return self.entries.items()


# key: a top-level section of the office's TOML file; func(rows, *, update) -> LoadCount
reference_sections = Registry()
# key: an app label; func(*, today, stdout) -> None, creating believable demo records
demo_fillers = Registry()
# key: "consultations", "grant_rounds" or "events"; func(*, now, user) -> list of OpenItem
open_now = Registry()


@dataclass(frozen=True)
class OpenItem:
    """One thing the public can take part in now, listed on the home page."""

    title: str
    url: str
    summary: str = ""
    dates: str = ""  # e.g. "Closes 12 December 2026" or "Thursday 26 November, 6:30pm"
