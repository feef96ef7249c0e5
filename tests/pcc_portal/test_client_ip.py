from datetime import date

from django.test import RequestFactory

from pcc_portal.client_ip import client_fingerprint, client_ip, pseudonymous_address

FACTORY = RequestFactory()


def request(remote="192.0.2.10", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return FACTORY.get("/", **extra)


def test_forwarded_for_is_ignored_unless_proxies_are_trusted(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request(forwarded="203.0.113.9")) == "192.0.2.10"


def test_the_address_the_trusted_proxy_saw_is_used(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # A client may put anything at the left; only the right-most hop comes from our proxy.
    assert client_ip(request(forwarded="6.6.6.6, 203.0.113.9")) == "203.0.113.9"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request(forwarded="6.6.6.6, 203.0.113.9, 10.0.0.2")) == "203.0.113.9"


def test_the_fingerprint_is_stable_for_a_day_and_changes_the_next():
    today, tomorrow = date(2026, 11, 23), date(2026, 11, 24)
    assert client_fingerprint(request(), day=today) == client_fingerprint(request(), day=today)
    assert client_fingerprint(request(), day=today) != client_fingerprint(request(), day=tomorrow)
    assert client_fingerprint(request(), day=today) != client_fingerprint(
        request(remote="192.0.2.11"), day=today
    )


def test_the_stored_address_is_not_the_real_one():
    address = pseudonymous_address(request())
    assert address.startswith("fd") and "192.0.2.10" not in address
