"""The legal deadline engine: pure date maths, no database, no clock.

Act 150/1930 on the computation of time limits:
§3 a period in months ends on the day of the final month with the same number as the
start day, or on that month's last day if it has no such day (``relativedelta`` does
exactly this); §5 a last day that is a Saturday, Sunday, public holiday, Independence Day,
May Day, Christmas Eve or Midsummer Eve moves to the next working day. The ``holidays``
package's Finnish calendar, default ("public") category, holds exactly those holidays;
organisations add their own closure days.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import holidays
from dateutil.relativedelta import relativedelta
from django.utils import dates as django_dates
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from complaints.choices import DueRule

MONTHS_FOR_RULE = {DueRule.ONE_MONTH: 1, DueRule.TWO_MONTHS: 2}
HOLIDAY_LANGUAGES = {"fi": "fi", "sv": "sv_FI", "en": "en_US"}


@dataclass(frozen=True)
class SkippedDay:
    day: date
    reason: str  # "saturday" | "sunday" | "holiday" | "closure"
    label: str = ""  # a closure day's description, as the organisation wrote it


@dataclass(frozen=True)
class Deadline:
    received_on: date
    rule: DueRule
    nominal: date  # received_on + months, before rolling past non-working days
    due_date: date
    skipped: tuple[SkippedDay, ...]

    @property
    def months(self) -> int:
        return MONTHS_FOR_RULE[self.rule]


@lru_cache(maxsize=64)
def _finnish_holidays(year: int, language: str = "fi") -> holidays.HolidayBase:
    return holidays.country_holidays(
        "FI", years=year, language=HOLIDAY_LANGUAGES.get(language, "fi")
    )


def holidays_preload(years: Collection[int]) -> None:
    """Load the Finnish holiday calendar of ``years`` in every language now, not in the
    first request that needs it (the calendar's data is imported lazily, ~0.3 s)."""
    for year in years:
        _finnish_holidays(year)  # as the deadline engine asks
        for language in HOLIDAY_LANGUAGES:  # as the explanations' labels ask
            _finnish_holidays(year, language)


def _why_not_working(day: date, closure_days: Collection[date]) -> str | None:
    if day in _finnish_holidays(day.year):
        return "holiday"
    if day.weekday() == 5:
        return "saturday"
    if day.weekday() == 6:
        return "sunday"
    if day in closure_days:
        return "closure"
    return None


def due_date_compute(
    *,
    received_on: date,
    extended: bool,
    closure_days: Mapping[date, str] | Collection[date] = (),
) -> Deadline:
    """The due date of a muistutus received on ``received_on`` (a Helsinki calendar day).

    ``closure_days``: the organisation's extra closure days, optionally with descriptions.
    """
    rule = DueRule.TWO_MONTHS if extended else DueRule.ONE_MONTH
    nominal = received_on + relativedelta(months=MONTHS_FOR_RULE[rule])
    day = nominal
    skipped: list[SkippedDay] = []
    while (reason := _why_not_working(day, closure_days)) is not None:
        label = closure_days.get(day, "") if isinstance(closure_days, Mapping) else ""
        skipped.append(SkippedDay(day=day, reason=reason, label=label or ""))
        day += timedelta(days=1)
    return Deadline(
        received_on=received_on, rule=rule, nominal=nominal, due_date=day, skipped=tuple(skipped)
    )


def _fmt(day: date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def deadline_basis(deadline: Deadline) -> dict[str, Any]:
    """What the case stores so that the explanation always matches the stored due date."""
    return {
        "nominal": deadline.nominal.isoformat(),
        "skipped": [[s.day.isoformat(), s.reason, s.label] for s in deadline.skipped],
    }


def deadline_from_basis(
    *, received_on: date, rule: str, due_date: date, basis: dict[str, Any]
) -> Deadline:
    return Deadline(
        received_on=received_on,
        rule=DueRule(rule),
        nominal=date.fromisoformat(basis["nominal"]),
        due_date=due_date,
        skipped=tuple(
            SkippedDay(day=date.fromisoformat(day), reason=reason, label=label)
            for day, reason, label in basis["skipped"]
        ),
    )


def _skipped_label(skipped: SkippedDay, language: str) -> str:
    if skipped.reason == "holiday":
        return str(_finnish_holidays(skipped.day.year, language).get(skipped.day))
    if skipped.reason == "closure":
        return skipped.label or _("closure day")
    return str(django_dates.WEEKDAYS[skipped.day.weekday()])


def due_date_explain(deadline: Deadline, *, language: str) -> str:
    """How the due date was computed, in plain words, in ``language`` (fi, sv or en).

    e.g. "Received 24.11.2026 + 1 month = 24.12.2026. Christmas Eve 24.12.2026, Christmas
    Day 25.12.2026, …, Sunday 27.12.2026: moved to the next working day, Mon 28.12.2026."
    """
    with translation.override(language):
        months = ngettext("%(count)d month", "%(count)d months", deadline.months) % {
            "count": deadline.months
        }
        text = _("Received %(received)s + %(months)s = %(nominal)s.") % {
            "received": _fmt(deadline.received_on),
            "months": months,
            "nominal": _fmt(deadline.nominal),
        }
        if deadline.rule == DueRule.TWO_MONTHS:
            text += " " + _("The time was extended for wider investigation.")
        if deadline.skipped:
            days = capfirst(
                ", ".join(f"{_skipped_label(s, language)} {_fmt(s.day)}" for s in deadline.skipped)
            )
            text += " " + _("%(days)s: moved to the next working day, %(weekday)s %(due)s.") % {
                "days": days,
                "weekday": django_dates.WEEKDAYS_ABBR[deadline.due_date.weekday()],
                "due": _fmt(deadline.due_date),
            }
        return text
