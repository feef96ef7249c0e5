"""API throttles count a client by the socket's address: a forged X-Forwarded-For gets no fresh
allowance unless the portal sits behind trusted proxies (decision 21)."""

from django.test import RequestFactory
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle


def ident(**headers):
    request = Request(RequestFactory().get("/api/v1/", REMOTE_ADDR="198.51.100.7", **headers))
    return AnonRateThrottle().get_ident(request)


def test_a_forged_forwarded_for_header_is_not_believed():
    assert ident(HTTP_X_FORWARDED_FOR="203.0.113.99") == "198.51.100.7"


def test_behind_one_trusted_proxy_the_proxys_word_is_taken(settings):
    from rest_framework.settings import api_settings

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    api_settings.reload()
    try:
        assert ident(HTTP_X_FORWARDED_FOR="203.0.113.99") == "203.0.113.99"
    finally:
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
        api_settings.reload()
