from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .calendar_feeds import is_feed_key
from .services import authenticate_device_token


class DeviceTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>` with a device token issued on the person's account page.

    A calendar feed's secret is refused outright: a feed address is kept by outside calendar
    services and lands in access logs, so it must never open the API (decision 13)."""

    def authenticate_credentials(self, key):
        if is_feed_key(key):
            raise exceptions.AuthenticationFailed(
                _("A calendar feed link cannot be used with the API. Use a device token.")
            )
        token = authenticate_device_token(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        return (token.user, token)
