import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterpact.rules.enterprise_number import (
    EnterpriseNumberError,
    check_digits,
    display,
    is_valid,
    normalise,
)


@pytest.mark.parametrize(
    "spelling", ["0123.456.749", "0123456749", "BE0123456749", "be 0123.456.749", "123456749"]
)
def test_normalise_accepts_the_usual_spellings(spelling):
    assert normalise(spelling) == "0123456749"


def test_display_uses_the_register_format():
    assert display("0123456749") == "0123.456.749"


def test_wrong_check_digit_is_rejected_with_the_expected_one():
    with pytest.raises(EnterpriseNumberError, match="wrong check number: 48 instead of 49"):
        normalise("0123.456.748")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("01234567", "has 8 digits"),
        ("0123.456.7490", "has 11 digits"),
        ("2123456749", "must start with 0 or 1"),
        ("0123-45A-749", "only digits"),
        ("", "empty"),
    ],
)
def test_malformed_numbers_name_the_reason(value, reason):
    with pytest.raises(EnterpriseNumberError, match=reason):
        normalise(value)


def test_published_numbers_are_valid():
    # Numbers as the Crossroads Bank for Enterprises publishes them (KU Leuven; VLAIO).
    assert is_valid("0419.052.173")
    assert is_valid("0887.010.362")


@given(st.integers(min_value=0, max_value=19_999_999))
def test_every_number_built_with_its_check_digits_round_trips(first_eight):
    number = f"{first_eight:08d}{check_digits(first_eight):02d}"
    assert normalise(f"BE{display(number)}") == number


@given(st.integers(min_value=0, max_value=19_999_999), st.integers(min_value=1, max_value=96))
def test_any_other_check_number_is_rejected(first_eight, offset):
    wrong = (check_digits(first_eight) + offset) % 100
    if wrong == check_digits(first_eight):
        return
    with pytest.raises(EnterpriseNumberError):
        normalise(f"{first_eight:08d}{wrong:02d}")


@given(st.text(max_size=20))
def test_arbitrary_text_never_crashes(text):
    try:
        result = normalise(text)
    except EnterpriseNumberError:
        return
    assert len(result) == 10 and result.isdigit()
