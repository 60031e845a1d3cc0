"""Django validators wrapping the pure identifier checks."""

from django.contrib.auth import password_validation
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


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, in Chinese: Django 5.2's zh-hans catalogue lacks this message."""

    def get_error_message(self):
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少需要 {self.min_length} 个字符。"
