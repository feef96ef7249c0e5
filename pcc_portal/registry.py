"""Registries the higher apps plug into from their AppConfig.ready(), the way
`admin.site.register` works, so this floor never imports them.

One look at an app's `apps.py` shows everything it plugs in: what its roles may do, its menu
entries, where each role lands after signing in, its home-page sections, its API viewsets, its
parts of the privacy notice and accessibility statement, its reference-data sections, its demo
filler, its reminder provider and its newsletter sections.

Registering twice under the same key replaces the first entry, so a `ready()` that runs again
(as it may in tests) adds nothing twice.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ImproperlyConfigured


@dataclass
class Registry:
    entries: dict[str, object] = field(default_factory=dict)

    def register(self, key: str, entry):
        self.entries[key] = entry
        return entry

    def items(self):
        return self.entries.items()

    def values(self) -> list:
        return list(self.entries.values())

    def get(self, key: str, default=None):
        return self.entries.get(key, default)


# --- Reference data and demo data ---------------------------------------------------------------

# key: a top-level section of the office's TOML file; func(rows, *, update) -> LoadCount
reference_sections = Registry()
# key: a top-level section of the office's TOML file; func(rows) -> list[str], what the section
# lacks that the portal cannot work without, in words ("activity areas"); empty when complete
reference_requirements = Registry()
# key: an app label; func(*, today, stdout) -> None, creating believable demo records
demo_fillers = Registry()
# key: an app label; func(*, today, stdout) -> None, run once every app's demo records are there,
# for what draws on all of them (a newsletter's sections)
demo_finishers = Registry()


# --- What each role may do in each app ----------------------------------------------------------

# key: an app label; value: {role name: permission patterns ("app_label.codename", shell-style
# wildcards, "!" to take one away)}. The role names and what they mean stay in pcc_portal/roles.py.
role_permissions = Registry()


def register_role_permissions(app_label: str, patterns: dict[str, Iterable[str]]) -> None:
    from .roles import ROLES_BY_NAME

    unknown = sorted(set(patterns) - set(ROLES_BY_NAME))
    if unknown:
        raise ImproperlyConfigured(f"{app_label} gives permissions to unknown roles: {unknown}")
    role_permissions.register(app_label, {role: tuple(p) for role, p in patterns.items()})


# key: an app label; value: the "app_label.codename" permissions only named people hold. No role
# gets one through a wildcard, the Administrator's "*" included: a role holds it only by naming it
# exactly, and otherwise it is given to a person in the admin (special category data, say).
named_only_permissions = Registry()


def register_named_only_permissions(app_label: str, codenames: Iterable[str]) -> None:
    named_only_permissions.register(app_label, frozenset(f"{app_label}.{c}" for c in codenames))


def is_named_only(permission: str) -> bool:
    return any(permission in names for names in named_only_permissions.values())


# --- Menus --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NavEntry:
    """One link of a menu.

    `rule` is a permission or a rule of the `rules` library, asked through `user.has_perm`; the
    page it opens must ask the same one, so an entry is shown exactly when its page opens.
    `menu` is "public" (the header, for everyone), "personal" (the header, for a signed-in person:
    their own work), "staff" (the staff pages' sub navigation) or "footer".
    """

    label: str
    url_name: str
    menu: str
    rule: str | None = None
    order: int = 100


MENUS = ("public", "personal", "staff", "footer")
navigation = Registry()


def register_nav(entry: NavEntry) -> NavEntry:
    if entry.menu not in MENUS:
        raise ImproperlyConfigured(f"{entry.url_name}: menu must be one of {MENUS}")
    return navigation.register(f"{entry.menu}:{entry.url_name}", entry)


# --- Where a person lands after signing in ------------------------------------------------------


@dataclass(frozen=True)
class LandingPage:
    """The page a role's holder starts on. `rule`, when set, must hold too (an Ambassador role
    without an active ambassador record has no work page to land on)."""

    role: str
    url_name: str
    rule: str | None = None


# key: a role name; value: list of LandingPage, tried in order
landing_pages = Registry()


def register_landing_page(page: LandingPage) -> LandingPage:
    from .roles import ROLES_BY_NAME

    if page.role not in ROLES_BY_NAME:
        raise ImproperlyConfigured(f"Landing page for unknown role {page.role!r}")
    pages = [p for p in landing_pages.get(page.role, []) if p.url_name != page.url_name]
    landing_pages.register(page.role, [*pages, page])
    return page


# --- The home page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenItem:
    """One thing the public can take part in now, listed on the home page."""

    title: str
    url: str
    summary: str = ""
    dates: str = ""  # e.g. "Closes 12 December 2026" or "Thursday 26 November, 6:30pm"


@dataclass(frozen=True)
class HomeSection:
    """A section of the public home page, the same for every visitor (it is cached).

    Either `items(*, now) -> list[OpenItem]` with an `empty` sentence for when there are none, or
    a `template` to include as the section's body.

    A `personal` section is the signed-in person's own (their upcoming work): it is shown only
    to someone signed in, whose pages are never cached, and its items are
    `items(*, now, user) -> list[OpenItem]`.
    """

    key: str
    title: str
    order: int = 100
    items: Callable | None = None
    empty: str = ""
    template: str | None = None
    personal: bool = False


home_sections = Registry()


def register_home_section(section: HomeSection) -> HomeSection:
    if (section.items is None) == (section.template is None):
        raise ImproperlyConfigured(f"Home section {section.key!r} needs items or a template")
    if section.personal and section.items is None:
        raise ImproperlyConfigured(f"Personal home section {section.key!r} needs items")
    return home_sections.register(section.key, section)


# --- The API ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiRoute:
    prefix: str
    viewset: type
    basename: str | None = None


# key: the URL prefix under /api/v1/; one router takes them all
api_routes = Registry()


def register_api(prefix: str, viewset: type, basename: str | None = None) -> ApiRoute:
    return api_routes.register(prefix, ApiRoute(prefix, viewset, basename))


# --- The privacy notice and the accessibility statement -----------------------------------------


@dataclass(frozen=True)
class StatementPart:
    """An app's own part of an office page (a `SitePage` slug: "privacy" or "accessibility"),
    shown below the office's text. `body` is Markdown and may use {{ office.* }}."""

    page: str
    app_label: str
    title: str
    body: str
    order: int = 100


statement_parts = Registry()


def register_statement_part(part: StatementPart) -> StatementPart:
    return statement_parts.register(f"{part.page}:{part.app_label}", part)


def parts_of(page: str) -> list[StatementPart]:
    return sorted(
        (p for p in statement_parts.values() if p.page == page), key=lambda p: (p.order, p.title)
    )


# --- Reminders (decision 18) --------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    """Something due, for named people.

    `key` is stable across runs (the app label, the kind of item, its id and its date, such as
    "<app>.milestone:42:2026-12-01"), so that a digest can record (key, recipient) and never
    send the same reminder twice. `url` is a path on the portal; the digest makes it absolute.
    """

    key: str
    recipients: tuple
    due_on: date
    title: str
    url: str


# key: an app label; value: provider(*, start: date, end: date) -> Iterable[Reminder]
reminder_providers = Registry()


def register_reminder_provider(app_label: str, provider: Callable) -> Callable:
    return reminder_providers.register(app_label, provider)


def due_reminders(*, start: date, end: date) -> list[Reminder]:
    """Every app's reminders for the days from `start` to `end`, soonest first."""
    reminders = [
        reminder
        for provider in reminder_providers.values()
        for reminder in provider(start=start, end=end)
    ]
    return sorted(reminders, key=lambda r: (r.due_on, r.key))


# --- Newsletter sections (decision 19) ----------------------------------------------------------


@dataclass(frozen=True)
class SectionItem:
    """One entry of a newsletter section. `url` is a path on the portal (the newsletter makes
    it absolute); `when` is the entry's date in words ("Closes at 11:59pm on Monday 18 January
    2027"), or empty."""

    title: str
    summary: str
    url: str
    when: str = ""


@dataclass(frozen=True)
class NewsletterSection:
    """What an app offers a newsletter issue: `items(start, end)` returns the entries for the
    issue covering the days from `start` to `end` (events in those days, consultations open then,
    outcomes published since `start`...). The office picks which sections an issue includes."""

    key: str
    title: str
    order: int
    items: Callable[[date, date], list[SectionItem]]


newsletter_section_registry = Registry()


def register_newsletter_section(section: NewsletterSection) -> NewsletterSection:
    return newsletter_section_registry.register(section.key, section)


def newsletter_sections() -> list[NewsletterSection]:
    """Every registered section, in the order an issue shows them."""
    return sorted(newsletter_section_registry.values(), key=lambda s: (s.order, s.title))


# --- The benchmark (`make bench`, pcc_portal/bench/run.py) --------------------------------------


@dataclass(frozen=True)
class BenchCheck:
    """One figure a scenario measured and its budget, as `make bench` reports it."""

    name: str
    figure: str  # "0.42 s (median of 5)"
    budget: str  # "under 1 s"
    passed: bool
    note: str = ""


@dataclass(frozen=True)
class BenchScenario:
    """What an app measures in `make bench` beyond the public pages' table.

    `public_pages(get) -> [(name, path)]` adds anonymous pages to the table, found on the running
    portal with `get(path) -> (status, headers, body)`. `prepare(*, volume)` seeds the bench
    database before the portal starts. Each of `measures`, `measure(*, base_url, connections,
    duration, volume) -> [BenchCheck]`, runs while the portal serves, in a process of its own
    under the bench settings, so that what it reads of its own memory is its own. `about` is
    Markdown shown above the scenario's figures: what it did and how it measured.
    """

    key: str
    title: str
    about: str = ""
    public_pages: Callable | None = None
    prepare: Callable | None = None
    measures: tuple[Callable, ...] = ()


# key: an app label
bench_scenarios = Registry()


def register_bench_scenario(scenario: BenchScenario) -> BenchScenario:
    return bench_scenarios.register(scenario.key, scenario)
