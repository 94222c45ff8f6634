"""Personnummer and samordningsnummer, after Skatteverket's rules."""

from datetime import date

import pytest

from obruten.lib.personnummer import InvalidPersonalNumber, luhn_check_digit, parse

TODAY = date(2026, 11, 22)

# Skatteverket's published test numbers (testpersonnummer), as twelve digits.
SKATTEVERKET_TEST_NUMBERS = [
    "202508242381",
    "202510022383",
    "202503312387",
    "202509012387",
    "202512232386",
    "202504182391",
    "189506299818",
    "189002099811",
    "189103179801",
    "190006129803",
    "190704019801",
    "190108219817",
    "200306062381",
    "200802122390",
    "200607092384",
]


@pytest.mark.parametrize("digits", SKATTEVERKET_TEST_NUMBERS)
def test_it_accepts_skatteverkets_test_numbers(digits: str) -> None:
    assert parse(digits, today=TODAY).digits == digits


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20250824-2381", "202508242381"),  # twelve digits with hyphen
        ("250824-2381", "202508242381"),  # ten digits: the latest century not in the future
        ("2508242381", "202508242381"),
        ("060709-2384", "200607092384"),
        ("950629+9818", "189506299818"),  # plus: a hundred years or older
        (" 200306062381 ", "200306062381"),
    ],
)
def test_it_accepts_the_usual_written_forms(text: str, expected: str) -> None:
    assert parse(text, today=TODAY).digits == expected


def test_it_infers_the_previous_century_for_a_date_after_today() -> None:
    # 27-01-01 has not happened yet in 2026, so it is 1927.
    nine = "270101238"
    number = f"{nine[:6]}-{nine[6:]}{luhn_check_digit(nine)}"
    assert parse(number, today=TODAY).birth_date == date(1927, 1, 1)


def test_it_reads_a_samordningsnummer_as_day_plus_60() -> None:
    nine = "100372238"  # born 12 March 2010, day 12 + 60 = 72
    number = parse(f"20{nine}{luhn_check_digit(nine)}", today=TODAY)
    assert number.is_coordination_number
    assert number.birth_date == date(2010, 3, 12)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("202508242382", "Kontrollsiffran"),  # wrong check digit
        ("202502302381", "finns inte"),  # 30 February
        ("20250824+2381", "Plustecken"),  # plus with twelve digits
        ("20250824238", "10 eller 12"),  # eleven digits
        ("abcdefgh-ijkl", "10 eller 12"),
        ("202712012386", "framtiden"),  # born after today
        ("200002302389", "finns inte"),
    ],
)
def test_it_refuses_invalid_numbers_and_says_why(text: str, reason: str) -> None:
    with pytest.raises(InvalidPersonalNumber, match=reason):
        parse(text, today=TODAY)


def test_it_knows_leap_days() -> None:
    nine = "080229238"
    assert parse(f"20{nine}{luhn_check_digit(nine)}", today=TODAY).birth_date == date(2008, 2, 29)
    nine = "090229238"
    with pytest.raises(InvalidPersonalNumber):
        parse(f"20{nine}{luhn_check_digit(nine)}", today=TODAY)


def test_the_check_digit_is_luhn_over_yymmddnnn() -> None:
    # 811218-987?: products with weights 2,1,2,... are 16,1,2,2,2,8,18,8,14;
    # their digits add up to 44, and 10 - 4 = 6.
    assert luhn_check_digit("811218987") == 6
