"""Long staff pages drawn from fragments kept by what they show.

A report of hundreds of rows spends most of its time in the template engine, drawing rows that
have not changed since the last person opened it. `render_each` draws each item through a small
template once and keeps the markup in the cache under a digest of everything the fragment shows
(its `signature`) and of the template's own source. A changed record has a new signature, so it
is drawn afresh; nothing is ever invalidated and nothing stale can be served. The signature must
therefore name every value the fragment reads, the permissions included.

One round trip fetches all the fragments a page needs; the ones missing are drawn and stored in
one more.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Sequence
from functools import cache

from django.core.cache import cache as default_cache
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe

# Kept long: an entry is only ever replaced by a different key, so the cache's own eviction
# clears the ones no page asks for any more.
FRAGMENT_SECONDS = 7 * 24 * 60 * 60


@cache
def _template_digest(template_name: str) -> str:
    """The template's source, so a deployment that changes the markup draws afresh."""
    template = get_template(template_name)
    source = getattr(getattr(template, "template", None), "source", "")
    return hashlib.blake2b(source.encode(), digest_size=8).hexdigest()


def _key(template_name: str, signature: Hashable) -> str:
    material = repr((_template_digest(template_name), get_script_prefix(), signature))
    return (
        f"fragment:{template_name}:{hashlib.blake2b(material.encode(), digest_size=16).hexdigest()}"
    )


def render_each(
    template_name: str,
    items: Sequence,
    *,
    context: Callable[[object], dict],
    signature: Callable[[object], Hashable],
) -> list[SafeString]:
    """Each item's fragment, in the items' order: `context(item)` is what the template reads and
    `signature(item)` everything in it that can change what it draws. The fragment is drawn
    without the request: no context processors, no CSRF token, nothing of the person's but what
    the signature names."""
    keys = [_key(template_name, signature(item)) for item in items]
    found = default_cache.get_many(keys) if keys else {}
    drawn: dict[str, str] = {}
    template = get_template(template_name)
    fragments = []
    for key, item in zip(keys, items, strict=True):
        markup = found.get(key)
        if markup is None:
            markup = drawn.get(key)
            if markup is None:
                markup = drawn[key] = template.render(context(item))
        # The template engine's own output, escaped as it drew it.
        fragments.append(mark_safe(markup))  # noqa: S308
    if drawn:
        default_cache.set_many(drawn, FRAGMENT_SECONDS)
    return fragments
