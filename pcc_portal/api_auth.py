from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .services import authenticate_device_token


class DeviceTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>` with a device token issued on the person's account page."""

    def authenticate_credentials(self, key):
        token = authenticate_device_token(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        return (token.user, token)
