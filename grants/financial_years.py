"""The office's financial year runs from 1 April to 31 March: "2015/16" starts on 1 April 2015.
A scheme's annual budget is for one such year, and a multi-year award's instalments count
against the year each falls due in."""

from datetime import date

FIRST_MONTH = 4


def financial_year_of(day: date) -> int:
    """The year the financial year holding `day` starts in: 31 March 2016 -> 2015."""
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def financial_year_label(start_year: int) -> str:
    """2015 -> "2015/16"."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def financial_year_bounds(start_year: int) -> tuple[date, date]:
    """The first and last days of the financial year starting in `start_year`."""
    return date(start_year, FIRST_MONTH, 1), date(start_year + 1, FIRST_MONTH - 1, 31)
