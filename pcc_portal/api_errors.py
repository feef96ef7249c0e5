"""One exception handler: a Django ValidationError raised by a service becomes a 400 with field
messages, like a serializer's; a body over DATA_UPLOAD_MAX_MEMORY_SIZE a 413 in JSON."""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

TOO_BIG = "The request body is too large"
TOO_MANY_FIELDS = "The request has too many fields"


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = TOO_BIG
    default_code = "request_too_large"


def exception_handler(exc, context):
    # Django raises these while DRF reads request.data; left alone they would become the
    # HTML 400 page, which a phone cannot read.
    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    elif isinstance(exc, TooManyFieldsSent):
        exc = exceptions.ParseError(TOO_MANY_FIELDS)
    elif isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = exc.message_dict
        else:
            detail = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    return drf_exception_handler(exc, context)
