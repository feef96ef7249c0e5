"""Menus and landing pages, read from what the apps registered: a person sees only the entries
whose rule they pass, and the page behind each entry asks the same rule."""

from dataclasses import dataclass

from django.urls import reverse

from .registry import landing_pages, navigation
from .roles import roles_of


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    current: bool


def may_open(user, rule: str | None) -> bool:
    return rule is None or (user.is_authenticated and user.has_perm(rule))


def menu_for(user, menu: str, path: str = "") -> list[MenuLink]:
    """The entries of one menu that `user` may open, in order; `current` marks the one whose
    page (or a page below it) is being shown."""
    entries = sorted(
        (e for e in navigation.values() if e.menu == menu), key=lambda e: (e.order, e.label)
    )
    links = []
    for entry in entries:
        if menu in ("personal", "staff") and not user.is_authenticated:
            continue
        if not may_open(user, entry.rule):
            continue
        url = reverse(entry.url_name)
        links.append(MenuLink(entry.label, url, current=_is_current(url, path)))
    return links


def _is_current(url: str, path: str) -> bool:
    if not path:
        return False
    return path == url or (url != "/" and url.endswith("/") and path.startswith(url))


def landing_url_for(user) -> str:
    """Where a person starts after signing in: the work of their first role (in the roles
    table's order) that registered a page they may open; staff without one start in the
    admin, everyone else on their account page."""
    for role in roles_of(user):
        for page in landing_pages.get(role.name, []):
            if may_open(user, page.rule):
                return reverse(page.url_name)
    if user.is_staff:
        return reverse("admin:index")
    return reverse("pcc_portal:account")
