"""What is the same for every anonymous visitor, cached (decision 35).

Pages are cached whole, for anonymous GETs only, under a key made of the page's address and the
current *version* of each kind of record it shows ("office", "pages", "events" ...). Saving or
deleting such a record bumps its kind's version (`invalidate_on`, connected from each app's
`AppConfig.ready()`), so the next anonymous GET renders afresh; `PUBLIC_CACHE_SECONDS` bounds
how long a page that changes with the clock ("upcoming", "open now") may lag.

Nothing per person is ever cached: a signed-in person, a visitor with a message waiting, and a
request with query parameters the page does not name are served uncached, and a response that
sets a cookie, used a CSRF token or says it is private is never stored. A page with a form
is cached with its tokens left out and served with new ones (`fresh_fields` below).

Django's cache is Redis in production and local memory on the embedded default. A kind's version
starts from the clock, so a version lost from the cache never meets a page stored under an
earlier number.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token

OFFICE = "office"  # the office's profile: every page shows it
PAGES = "pages"  # the office's own pages (accessibility statement, privacy notice)
DECISIONS = "decisions"  # the public decisions register
ANY = "any"  # bumped with every kind: for a page that shows a bit of everything (home)

OFFICE_SECONDS = 3600
MAX_QUERY_VALUE = 100
SAFE_METHODS = ("GET", "HEAD")


def enabled() -> bool:
    return getattr(settings, "PUBLIC_CACHE", True)


def page_seconds() -> int:
    return getattr(settings, "PUBLIC_CACHE_SECONDS", 60)


# --- Versions -----------------------------------------------------------------------------------


def _version_key(kind: str) -> str:
    return f"public:version:{kind}"


def versions(kinds: Iterable[str]) -> tuple[int, ...]:
    """The current version of each kind, in one round trip when they are all there."""
    keys = [_version_key(kind) for kind in kinds]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, time.time_ns(), timeout=None)
        found.update(cache.get_many(missing))
    return tuple(found.get(key, 0) for key in keys)


def bump(*kinds: str) -> None:
    """Everything cached under these kinds is stale from now on."""
    for kind in {*kinds, ANY}:
        key = _version_key(kind)
        try:
            cache.incr(key)
        except ValueError:  # not there (never set, or evicted): start again from the clock
            cache.set(key, time.time_ns(), timeout=None)


def bump_after_change(*kinds: str) -> None:
    """Bump now, and again once the transaction commits, so that a page rendered from the old
    rows between the change and its commit is not kept."""
    bump(*kinds)
    transaction.on_commit(lambda: bump(*kinds))


def invalidate_on(
    model, *kinds: str, ignore_fields: Iterable[str] = (), many_to_many: bool = True
) -> None:
    """Bump `kinds` whenever a row of `model` is saved or deleted, or one of its many-to-many
    relations changes. A save that names only `ignore_fields` (a user's last sign-in, say)
    changes nothing shown and bumps nothing. Safe to call again (as `ready()` may be)."""
    ignored = frozenset(ignore_fields)
    label = f"public_cache:{model._meta.label}:{','.join(sorted(kinds))}"

    def saved(sender, instance=None, update_fields=None, **kwargs):
        if update_fields and ignored and set(update_fields) <= ignored:
            return
        bump_after_change(*kinds)

    def deleted(sender, **kwargs):
        bump_after_change(*kinds)

    def related(sender, action=None, **kwargs):
        if action in ("post_add", "post_remove", "post_clear"):
            bump_after_change(*kinds)

    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"{label}:save")
    post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"{label}:delete")
    if many_to_many:
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                related, sender=through, weak=False, dispatch_uid=f"{label}:{field.name}"
            )


def watch_portal_records() -> None:
    """The portal's own records that public pages show. Called from PortalConfig.ready()."""
    from .models import Decision, OfficeProfile, SitePage

    invalidate_on(OfficeProfile, OFFICE)
    invalidate_on(SitePage, PAGES)
    invalidate_on(Decision, DECISIONS)


# --- Cached values ------------------------------------------------------------------------------


def remember(name: str, kinds: Iterable[str], make: Callable[[], object], seconds=None):
    """`make()`, cached under `name` until one of `kinds` changes (or `seconds` pass)."""
    if not enabled():
        return make()
    kinds = tuple(kinds)
    key = f"public:value:{name}:" + ".".join(map(str, versions(kinds)))
    value = cache.get(key)
    if value is None:
        value = make()
        cache.set(key, value, page_seconds() if seconds is None else seconds)
    return value


def office_profile():
    """The office's profile, from the cache: every page shows it."""
    from .models import OfficeProfile

    return remember("office", [OFFICE], OfficeProfile.objects.get_current, OFFICE_SECONDS)


def fragment_key(name: str, *kinds: str) -> str:
    """A key for a cached fragment of a page with a form (`{% cache 60 key %}` in a template):
    the fragment changes when its kinds do; the form and its CSRF token are rendered per
    request around it."""
    return f"{name}:" + ".".join(map(str, versions((OFFICE, *kinds))))


# --- Whole pages --------------------------------------------------------------------------------


def _has_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def _query_part(request, query: tuple[str, ...]) -> str | None:
    """The query string as the page reads it, or None when it holds anything else (an unknown
    parameter could be echoed into the page, say by the pagination links)."""
    parts = []
    for name in request.GET:
        values = request.GET.getlist(name)
        if name not in query or len(values) != 1 or len(values[0]) > MAX_QUERY_VALUE:
            return None
    for name in query:
        if name in request.GET:
            parts.append(f"{name}={request.GET[name]}")
    return "&".join(parts)


def _page_key(request, name: str, kinds: tuple[str, ...], query: tuple[str, ...]) -> str | None:
    if not enabled() or request.method not in SAFE_METHODS:
        return None
    # Reading the user reads the session only when the visitor sent a session cookie.
    if request.user.is_authenticated or _has_messages(request):
        return None
    query_part = _query_part(request, query)
    if query_part is None:
        return None
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query_part}"
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"public:page:{name}:{digest}:" + ".".join(map(str, versions(kinds)))


def _storable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or _has_messages(request):
        return False  # the page carries a CSRF token, or a message for this visitor
    cache_control = response.get("Cache-Control", "")
    return "private" not in cache_control and "no-store" not in cache_control


# --- Pages with a form -------------------------------------------------------------------------
#
# A page with a form is the same for every visitor but for its hidden tokens: the CSRF token and
# any the view names in `response.fresh_fields` ({field name: a picklable callable that makes a
# new value}). Such a page is stored with those values taken out and served with new ones put
# in, so a visitor never sees another's token and the page costs no rendering.

CSRF_FIELD = "csrfmiddlewaretoken"


def _hidden_input(name: str) -> re.Pattern:
    return re.compile(rf'(<input type="hidden" name="{re.escape(name)}" value=")[^"]*(")')


def _placeholder(name: str) -> str:
    # Characters a rendered page never holds: autoescaping writes < and > as entities.
    return f"<fresh:{name}>"


def _page_with_placeholders(response) -> tuple[bytes, dict] | None:
    fresh = getattr(response, "fresh_fields", None)
    if fresh is None or response.status_code != 200 or response.streaming or response.cookies:
        return None
    content = response.content.decode(response.charset)
    for name in (CSRF_FIELD, *fresh):
        content = _hidden_input(name).sub(rf"\g<1>{_placeholder(name)}\g<2>", content)
    return content.encode(response.charset), dict(fresh)


def _page_with_fresh_values(request, content: bytes, fresh: dict) -> bytes:
    values = {CSRF_FIELD: get_token(request)}  # sets this visitor's CSRF cookie too
    values.update({name: make() for name, make in fresh.items()})
    for name, value in values.items():
        content = content.replace(_placeholder(name).encode(), value.encode())
    return content


def cached_for_visitors(*kinds: str, query: Iterable[str] = (), seconds: int | None = None):
    """Cache a view's page for anonymous visitors until one of `kinds` (or the office) changes.

    `query` names the parameters the page reads (others make it uncached); `seconds` bounds how
    long a page that depends on the clock may be kept (PUBLIC_CACHE_SECONDS by default).
    """
    all_kinds = tuple(dict.fromkeys((OFFICE, *kinds)))
    query = tuple(query)

    def decorator(view):
        name = f"{view.__module__}.{view.__qualname__}"

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            key = _page_key(request, name, all_kinds, query)
            if key is None:
                return view(request, *args, **kwargs)
            stored = cache.get(key)
            if stored is not None:
                status, headers, content, *fresh = stored
                if fresh:
                    content = _page_with_fresh_values(request, content, fresh[0])
                return HttpResponse(content, status=status, headers=headers)
            response = view(request, *args, **kwargs)
            timeout = page_seconds() if seconds is None else seconds
            with_form = _page_with_placeholders(response)
            if with_form is not None and not _has_messages(request):
                content, fresh = with_form
                cache.set(
                    key, (response.status_code, dict(response.headers), content, fresh), timeout
                )
            elif _storable(request, response):
                stored = (response.status_code, dict(response.headers), response.content)
                cache.set(key, stored, timeout)
            return response

        return wrapper

    return decorator
