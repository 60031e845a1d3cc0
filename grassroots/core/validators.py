"""Django validators wrapping the pure identifier checks, and the plain-text check every
text field goes through (names, topics, free text)."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import models

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


# --- plain text --------------------------------------------------------------------------------

# Characters that reorder or hide text (Unicode bidirectional formatting): a name holding
# U+202E shows reversed ("Trojan Source"), so what a reviewer reads is not what is stored.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Line breaks a text area sends (browsers send CR LF) and tabs: allowed in multi-line text.
MULTILINE_ALLOWED = frozenset("\r\n\t")
LINE_BREAKS = frozenset("\r\n\x0b\x0c\x85\u2028\u2029")


def _is_control(char):
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F


def text_error(value, label, multiline=False):
    """Why `value` cannot be the text of field `label`, or None: no control characters
    (C0, C1), no bidirectional formatting characters, and in single-line text (names,
    topics) no line breaks or tabs."""
    if not isinstance(value, str):
        return None
    for char in value:
        if multiline and char in MULTILINE_ALLOWED:
            continue
        if char in LINE_BREAKS:
            return f"{label}不能换行：请删除其中的回车或换行符"
        if char in BIDI_CONTROLS:
            return (
                f"{label}含有不可见的文字方向控制字符（U+{ord(char):04X}），"
                "会使显示的文字与实际内容不符，请删除后重新填写"
            )
        if _is_control(char):
            name = "制表符" if char == "\t" else f"控制字符（U+{ord(char):04X}）"
            return f"{label}含有不可见的{name}，请删除后重新填写"
    return None


def is_multiline_field(model_field):
    return isinstance(model_field, models.TextField)


def text_field_errors(instance, names=None):
    """{field: [message]} for the instance's text fields (all, or those in `names`) that are
    not plain text; a TextField may hold line breaks, a CharField not."""
    errors = {}
    for model_field in instance._meta.concrete_fields:
        if not isinstance(model_field, models.CharField | models.TextField):
            continue
        if names is not None and model_field.name not in names:
            continue
        message = text_error(
            getattr(instance, model_field.attname),
            model_field.verbose_name,
            is_multiline_field(model_field),
        )
        if message:
            errors[model_field.name] = [message]
    return errors
