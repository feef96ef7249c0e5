"""Only a flood is refused (decision 20): a per-client count per minute, keyed on the client's
daily hashed address, read from the socket or, behind trusted proxies only, X-Forwarded-For
(decision 21)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from consultations.abuse import client_key, flooding, retry_after

NOW = datetime(2026, 3, 2, 10, 15, 5, tzinfo=UTC)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def post(remote="203.0.113.9", forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/consultations/x/", **headers)


def sends(request, times, *, now=NOW):
    return [flooding(request, now=now) for _ in range(times)]


def test_thirty_a_minute_pass_and_the_next_is_a_flood(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    results = sends(post(), 31)
    assert results[:30] == [False] * 30
    assert results[30] is True
    # The next minute starts again.
    assert flooding(post(), now=NOW + timedelta(minutes=1)) is False


def test_the_limit_is_a_setting(settings):
    settings.CONSULTATION_FLOOD_PER_MINUTE = 3
    assert sends(post(), 4) == [False, False, False, True]


def test_without_a_trusted_proxy_a_forged_header_does_not_escape_the_count(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.CONSULTATION_FLOOD_PER_MINUTE = 5
    results = [flooding(post(forwarded=f"198.51.100.{n}"), now=NOW) for n in range(6)]
    assert results[-1] is True


def test_without_a_trusted_proxy_each_socket_address_counts_apart(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.CONSULTATION_FLOOD_PER_MINUTE = 2
    sends(post(remote="203.0.113.1"), 3)
    assert flooding(post(remote="203.0.113.2"), now=NOW) is False


def test_behind_a_trusted_proxy_people_behind_it_count_apart(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.CONSULTATION_FLOOD_PER_MINUTE = 2
    # Everyone arrives from the load balancer's address; the header names them.
    assert sends(post(remote="10.0.0.1", forwarded="198.51.100.7"), 3)[-1] is True
    assert flooding(post(remote="10.0.0.1", forwarded="198.51.100.8"), now=NOW) is False


def test_behind_a_trusted_proxy_a_forged_leftmost_entry_does_not_escape(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.CONSULTATION_FLOOD_PER_MINUTE = 2
    # The client adds addresses of its own; the proxy appends the one it saw, which counts.
    results = [
        flooding(post(remote="10.0.0.1", forwarded=f"192.0.2.{n}, 198.51.100.7"), now=NOW)
        for n in range(3)
    ]
    assert results == [False, False, True]


def test_the_client_key_is_a_daily_hash_never_the_address(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    key = client_key(post(remote="203.0.113.9"))
    assert len(key) == 64 and "203.0.113.9" not in key
    assert key == client_key(post(remote="203.0.113.9"))
    assert key != client_key(post(remote="203.0.113.10"))


def test_retry_after_is_the_rest_of_the_minute():
    assert retry_after(now=NOW) == 55
