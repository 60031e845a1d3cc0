import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from grassroots.core.identifiers import (
    USCC_ALPHABET,
    build_citizen_id,
    build_uscc,
    citizen_id_birth_date,
    citizen_id_birth_mismatch,
    citizen_id_check_char,
    citizen_id_error,
    mask_id_number,
    mask_phone,
    phone_error,
    uscc_check_char,
    uscc_error,
)
from grassroots.core.validators import validate_citizen_id, validate_phone, validate_uscc

regions = st.text("0123456789", min_size=6, max_size=6)
# Anything a user might type or paste: ASCII, full-width and other Unicode digits, letters.
any_char = st.characters(codec="utf-8", exclude_categories=["Cs"])
citizen_ids = st.builds(
    build_citizen_id, regions, st.dates(), st.integers(min_value=0, max_value=999)
)
usccs = st.text(USCC_ALPHABET, min_size=17, max_size=17).map(build_uscc)


def replace_at(value, index, char):
    return value[:index] + char + value[index + 1 :]


# --- citizen ID (GB 11643) -------------------------------------------------------------------


def test_rules_example_is_valid():
    assert citizen_id_error("11010519491231002X") is None
    assert citizen_id_check_char("11010519491231002") == "X"
    assert citizen_id_birth_date("11010519491231002X") == datetime.date(1949, 12, 31)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("110105194912310021", "校验码错误"),
        ("11010519491231002", "应为18位"),
        ("11010519491231002X1", "应为18位"),
        ("1101051949123100XX", "应为18位"),
        ("11010519490230002X", "出生日期不存在"),
        ("11010500000101002X", "出生日期不存在"),
        ("１１０１０５１９４９１２３１００２X", "应为18位"),  # full-width digits
        ("11010519491231002X\n", "应为18位"),
        ("", "应为18位"),
    ],
)
def test_citizen_id_errors(value, message):
    assert message in citizen_id_error(value)


def test_lower_case_x_is_the_same_id():
    assert citizen_id_error("11010519491231002x") is None


@given(regions, st.dates(), st.integers(min_value=0, max_value=10**6))
def test_built_citizen_id_is_valid_and_carries_the_birth_date(region, birth_date, sequence):
    id_number = build_citizen_id(region, birth_date, sequence)
    assert len(id_number) == 18
    assert id_number.startswith(region)
    assert citizen_id_error(id_number) is None
    assert citizen_id_birth_date(id_number) == birth_date
    assert citizen_id_birth_mismatch(id_number, birth_date) is None


@given(citizen_ids, st.integers(min_value=0, max_value=17), any_char)
def test_any_one_changed_character_of_a_citizen_id_is_detected(id_number, index, char):
    changed = replace_at(id_number, index, char)
    assume(changed.upper() != id_number)  # "x" for "X" is the same number
    assert citizen_id_error(changed) is not None


@given(citizen_ids, st.integers(min_value=0, max_value=17))
def test_a_dropped_character_is_detected(id_number, index):
    assert citizen_id_error(id_number[:index] + id_number[index + 1 :]) is not None


@given(citizen_ids, st.dates())
def test_birth_date_mismatch(id_number, other_date):
    assume(other_date != citizen_id_birth_date(id_number))
    assert citizen_id_birth_mismatch(id_number, other_date) == "出生日期与公民身份号码不一致"


def test_birth_date_mismatch_by_one_day():
    assert citizen_id_birth_mismatch("11010519491231002X", datetime.date(1949, 12, 30))
    assert citizen_id_birth_mismatch("11010519491231002x", datetime.date(1949, 12, 31)) is None


def test_build_citizen_id_refuses_a_bad_region():
    with pytest.raises(ValueError):
        build_citizen_id("11010", datetime.date(1990, 1, 1), 1)


# --- unified social credit code (GB 32100) ---------------------------------------------------


def test_uscc_rules_example_is_valid():
    assert uscc_error("91110108551385082Q") is None
    assert uscc_check_char("91110108551385082") == "Q"
    assert uscc_error("91110108551385082q") is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("91110108551385082R", "校验码错误"),
        ("91110108551385082", "应为18位"),
        ("91110108551385082QQ", "应为18位"),
        ("9111010855138508IQ", "应为18位"),  # I is not in the alphabet
        ("91110108551385O82Q", "应为18位"),  # nor O
        ("９1110108551385082Q", "应为18位"),  # full-width digit
    ],
)
def test_uscc_errors(value, message):
    assert message in uscc_error(value)


@given(usccs)
def test_built_uscc_is_valid(code):
    assert uscc_error(code) is None


@given(usccs, st.integers(min_value=0, max_value=17), any_char)
def test_any_one_changed_character_of_a_uscc_is_detected(code, index, char):
    changed = replace_at(code, index, char)
    assume(changed.upper() != code)  # lower case is the same code
    assert uscc_error(changed) is not None


# --- phones ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "13812345678",
        "19912345678",
        "0971-1234567",
        "09711234567",
        "010-12345678",
        "0971-1234567-89",
    ],
)
def test_valid_phones(phone):
    assert phone_error(phone) is None


@pytest.mark.parametrize(
    "phone",
    [
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "12812345678",  # no mobile prefix 12
        "23812345678",
        "13812345678\n",  # a trailing newline once slipped through `$`
        "1381234567８",  # a full-width digit
        "138 1234 5678",
        "+8613812345678",
        "971-1234567",  # area code without the leading 0
        "0971-123456",  # 6-digit local number
        "0971-123456789",
        "0971-1234567-",
        "0971-1234567-1234567",
    ],
)
def test_invalid_phones(phone):
    assert phone_error(phone) is not None


# --- masking ---------------------------------------------------------------------------------


def test_masked_id_number_as_the_api_shows_it():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_phone("13812345678") == "138****5678"


@given(citizen_ids)
def test_masking_keeps_length_region_and_last_four(id_number):
    masked = mask_id_number(id_number)
    assert len(masked) == len(id_number)
    assert masked[:6] == id_number[:6]
    assert masked[-4:] == id_number[-4:]
    assert set(masked[6:-4]) == {"*"}  # the birth date is hidden


@given(st.text(min_size=0, max_size=30))
def test_masking_never_changes_length(value):
    assert len(mask_id_number(value)) == len(value)
    assert len(mask_phone(value)) == len(value)


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_masked_mobile_keeps_first_three_and_last_four(phone):
    masked = mask_phone(phone)
    assert (masked[:3], masked[3:7], masked[-4:]) == (phone[:3], "****", phone[-4:])


# --- Django validators -----------------------------------------------------------------------


def test_validators_raise_the_chinese_message():
    with pytest.raises(ValidationError, match="校验码错误"):
        validate_citizen_id("110105194912310021")
    with pytest.raises(ValidationError, match="校验码错误"):
        validate_uscc("91110108551385082R")
    with pytest.raises(ValidationError, match="联系电话"):
        validate_phone("12345")
    validate_citizen_id("11010519491231002X")
    validate_uscc("91110108551385082Q")
    validate_phone("13812345678")
