"""Swedish personal identity numbers (personnummer) and coordination numbers
(samordningsnummer), after Skatteverket's rules (folkbokföringslagen 18 §).

A number is stored as twelve digits, ``YYYYMMDDNNNC``. Input may have ten or
twelve digits, with ``-`` or, from the year a person turns 100, ``+`` between the
date and the last four digits. The last digit is a Luhn check digit over the ten
digits ``YYMMDDNNN``. A samordningsnummer adds 60 to the day of birth.

Plain Python, no Django: the rules are tested without a database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_PATTERN = re.compile(r"^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)$")
COORDINATION_DAY_OFFSET = 60


class InvalidPersonalNumber(ValueError):
    """The text is not a valid personnummer or samordningsnummer; the message says why
    and ``code`` names the rule (format, plus_with_century, no_such_date, future,
    check_digit)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class PersonalNumber:
    digits: str  # twelve digits, YYYYMMDDNNNC
    birth_date: date
    is_coordination_number: bool

    @property
    def is_female(self) -> bool:
        """The ninth digit is even for women and odd for men (legal sex at registration)."""
        return int(self.digits[10]) % 2 == 0

    def formatted(self) -> str:
        return f"{self.digits[:8]}-{self.digits[8:]}"

    def __str__(self) -> str:
        return self.formatted()


def luhn_check_digit(nine_digits: str) -> int:
    """Check digit for the nine digits YYMMDDNNN (weights 2,1,2,1,...)."""
    total = 0
    for index, char in enumerate(nine_digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def parse(text: str, *, today: date) -> PersonalNumber:
    """Parse and validate ``text``; ``today`` decides the century of a ten-digit number."""
    cleaned = text.strip().replace(" ", "")
    match = _PATTERN.match(cleaned)
    if not match:
        raise InvalidPersonalNumber(
            "format", "Ange personnumret med 10 eller 12 siffror, till exempel ÅÅÅÅMMDD-NNNN."
        )
    century, yy, mm, dd, separator, serial, check = match.groups()
    if century and separator == "+":
        raise InvalidPersonalNumber(
            "plus_with_century", "Plustecken används bara med 10 siffror (ÅÅMMDD+NNNN)."
        )

    day = int(dd)
    is_coordination = day > COORDINATION_DAY_OFFSET
    if is_coordination:
        day -= COORDINATION_DAY_OFFSET

    if century:
        year = int(century + yy)
    else:
        year = _infer_year(int(yy), int(mm), day, centenarian=separator == "+", today=today)

    try:
        birth_date = date(year, int(mm), day)
    except ValueError as exc:
        raise InvalidPersonalNumber("no_such_date", "Födelsedatumet i personnumret finns inte.") from exc
    if birth_date > today:
        raise InvalidPersonalNumber("future", "Födelsedatumet i personnumret ligger i framtiden.")

    if luhn_check_digit(f"{yy}{mm}{dd}{serial}") != int(check):
        raise InvalidPersonalNumber("check_digit", "Kontrollsiffran stämmer inte. Kontrollera personnumret.")

    return PersonalNumber(
        digits=f"{year:04d}{mm}{dd}{serial}{check}",
        birth_date=birth_date,
        is_coordination_number=is_coordination,
    )


def _infer_year(yy: int, month: int, day: int, *, centenarian: bool, today: date) -> int:
    """The latest year ending in ``yy`` not after today; a hundred years earlier with ``+``."""
    year = today.year - (today.year - yy) % 100
    try:
        if date(year, month, day) > today:
            year -= 100
    except ValueError:
        if year > today.year:
            year -= 100
    if centenarian:
        year -= 100
    return year


def is_valid(text: str, *, today: date) -> bool:
    try:
        parse(text, today=today)
    except InvalidPersonalNumber:
        return False
    return True
