"""Django validators wrapping the pure identifier checks."""

from django.core.exceptions import ValidationError

from . import identifiers


def _raise_if(message):
    if message:
        raise ValidationError(message)


def validate_citizen_id(value):
    _raise_if(identifiers.citizen_id_error(value))


def validate_uscc(value):
    _raise_if(identifiers.uscc_error(value))


def validate_phone(value):
    _raise_if(identifiers.phone_error(value))
