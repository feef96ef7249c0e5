"""Charity and company numbers: their published formats, one way of writing each, and the
360Giving organisation identifier (org-id.guide) each gives.

Numbers are written the way the registers write them (no spaces, capitals, a company number
padded to eight characters), so the same organisation always gets the same org-id whoever typed
it and however.
"""

import re

# Charity Commission for England and Wales: a 6 or 7 digit registered number; a linked charity
# adds "-" and its own number (1123456-1).
ENGLAND_AND_WALES_CHARITY = re.compile(r"^\d{6,7}(-\d{1,2})?$", re.ASCII)
# Scottish Charity Regulator (OSCR): SC and 6 digits.
SCOTTISH_CHARITY = re.compile(r"^SC\d{6}$", re.ASCII)
# Charity Commission for Northern Ireland: NIC and 6 digits.
NORTHERN_IRISH_CHARITY = re.compile(r"^NIC\d{6}$", re.ASCII)

# Companies House: eight characters, either eight digits (England and Wales) or a two-character
# prefix naming the register (SC Scotland, NI Northern Ireland, OC LLPs, R0 pre-partition
# Northern Ireland companies ...) and six digits.
# fmt: off
COMPANY_PREFIXES = (
    "AC", "CE", "CS", "ES", "FC", "GE", "GN", "GS", "IC", "IP", "LP", "NA", "NC", "NF", "NI",
    "NL", "NO", "NP", "NR", "NV", "NZ", "OC", "PC", "R0", "RC", "SA", "SC", "SE", "SF", "SG",
    "SI", "SL", "SO", "SP", "SR", "SZ", "ZC",
)
# fmt: on
COMPANY = re.compile(r"^(\d{8}|(" + "|".join(COMPANY_PREFIXES) + r")\d{6})$", re.ASCII)

CHARITY_FORMAT = (
    "Enter a charity number in the correct format, like 1123456, 1123456-1, SC012345 or NIC100012"
)
COMPANY_FORMAT = "Enter a company number in the correct format, like 01234567 or SC123456"


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text or "").upper()


def normalise_charity_number(text: str) -> str:
    """The number as the register writes it ("sc 012345" -> "SC012345")."""
    return _compact(text)


def normalise_company_number(text: str) -> str:
    """The number as Companies House writes it ("1234567" -> "01234567")."""
    number = _compact(text)
    if number.isascii() and number.isdigit() and len(number) < 8:
        number = number.zfill(8)
    return number


def is_charity_number(number: str) -> bool:
    return any(
        pattern.match(number)
        for pattern in (ENGLAND_AND_WALES_CHARITY, SCOTTISH_CHARITY, NORTHERN_IRISH_CHARITY)
    )


def is_company_number(number: str) -> bool:
    return bool(COMPANY.match(number))


def charity_org_id(text: str) -> str | None:
    """The org-id of a charity number, by its regulator; None if it is not a charity number."""
    number = normalise_charity_number(text)
    if SCOTTISH_CHARITY.match(number):
        return f"GB-SC-{number}"
    if NORTHERN_IRISH_CHARITY.match(number):
        return f"GB-NIC-{number[3:]}"
    if ENGLAND_AND_WALES_CHARITY.match(number):
        return f"GB-CHC-{number}"
    return None


def company_org_id(text: str) -> str | None:
    number = normalise_company_number(text)
    return f"GB-COH-{number}" if is_company_number(number) else None
