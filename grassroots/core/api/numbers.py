"""Integers the API reads: ids are whole numbers from 1 to the database's bigint bound, and
every other number keeps within its column's range, so that an out-of-range value is a 400
naming the field, never an overflow inside the database driver."""

from django.core import validators
from django.db import connection, models

# BigAutoField ids: 1 .. 2**63 - 1 on PostgreSQL and SQLite alike.
ID_MAX = 2**63 - 1
BIGINT_RANGE = (-(2**63), 2**63 - 1)

NOT_AN_ID = "应为编号（正整数）"
ID_OUT_OF_RANGE = f"编号超出范围（1–{ID_MAX}）"


def parse_id(value):
    """The id a request names (an int, or its decimal digits as text), or None: 337.5,
    "337.5", true and "" are not ids. Raises OverflowError when it is past ID_MAX."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit():
        number = int(value)
    else:
        return None
    if number < 1:
        return None
    if number > ID_MAX:
        raise OverflowError(value)
    return number


def column_range(model_field):
    """(min, max) a model's integer column holds, narrowed by the field's own Min/Max
    validators; ids (primary and foreign keys) start at 1. None for a non-integer field."""
    if model_field.is_relation:
        model_field = model_field.target_field
    if not isinstance(model_field, models.IntegerField):
        return None
    low, high = connection.ops.integer_field_range(model_field.get_internal_type())
    low = BIGINT_RANGE[0] if low is None else low
    high = BIGINT_RANGE[1] if high is None else high
    for validator in model_field.validators:
        if isinstance(validator, validators.MinValueValidator):
            low = max(low, validator.limit_value)
        elif isinstance(validator, validators.MaxValueValidator):
            high = min(high, validator.limit_value)
    if model_field.primary_key:
        low = max(low, 1)
    return low, high
