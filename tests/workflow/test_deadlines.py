"""The deadline engine (Act 150/1930 §§3, 5): pure date maths, no database.

Expected values are derived independently of the engine: from the worked examples of
docs/domain.md, from ``dateutil.relativedelta`` for §3 and from the ``holidays`` package's
Finnish calendar (default "public" category) for §5.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays
import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone as django_timezone

from complaints.choices import DueRule
from complaints.clock import helsinki_date
from workflow.deadlines import Deadline, due_date_compute, due_date_explain

HELSINKI = ZoneInfo("Europe/Helsinki")
YEARS = (2026, 2027, 2028)
# Wide enough for every nominal day reachable from 2026–2028 (+2 months reaches Feb 2029).
# Named in English whatever the locale of the machine (holidays reads LANG otherwise).
PUBLIC_HOLIDAYS = holidays.Finland(years=range(2025, 2030), language="en_US")


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


EVERY_DAY = _days(date(2026, 1, 1), date(2028, 12, 31))


def _is_working_day(day: date, closure_days: frozenset[date] = frozenset()) -> bool:
    return day.weekday() < 5 and day not in PUBLIC_HOLIDAYS and day not in closure_days


def _next_working_day_from(day: date, closure_days: frozenset[date] = frozenset()) -> date:
    while not _is_working_day(day, closure_days):
        day += timedelta(days=1)
    return day


def _received_days_for_nominal(nominal: date) -> list[tuple[date, bool]]:
    """Every (received day, extended) whose nominal deadline is ``nominal``."""
    found = []
    for back in range(1, 70):
        received = nominal - timedelta(days=back)
        for extended, months in ((False, 1), (True, 2)):
            if received + relativedelta(months=months) == nominal:
                found.append((received, extended))
    return found


# --- the worked examples of docs/domain.md -----------------------------------------------


def test_christmas_example_of_the_domain_doc() -> None:
    deadline = due_date_compute(received_on=date(2026, 11, 24), extended=False)

    assert deadline.rule == DueRule.ONE_MONTH
    assert deadline.nominal == date(2026, 12, 24)
    assert deadline.due_date == date(2026, 12, 28)
    assert deadline.due_date.weekday() == 0  # Monday
    assert [s.day for s in deadline.skipped] == _days(date(2026, 12, 24), date(2026, 12, 27))
    reasons = {s.day: s.reason for s in deadline.skipped}
    assert reasons[date(2026, 12, 24)] == "holiday"  # Christmas Eve
    assert reasons[date(2026, 12, 25)] == "holiday"  # Christmas Day
    assert reasons[date(2026, 12, 26)] in {"holiday", "saturday"}  # St Stephen's, a Saturday
    assert reasons[date(2026, 12, 27)] == "sunday"


@pytest.mark.parametrize(
    ("received", "nominal", "due"),
    [
        # §3: 31 Jan + 1 month = the last day of February; 28.2.2027 is a Sunday.
        (date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 1)),
        # Leap year: 29.2.2028 is a Tuesday, a working day.
        (date(2028, 1, 31), date(2028, 2, 29), date(2028, 2, 29)),
        (date(2028, 1, 30), date(2028, 2, 29), date(2028, 2, 29)),
        (date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 2)),  # Saturday → Monday
        # 30 Apr + 1 month = 30 May (not the last day of May).
        (date(2026, 4, 30), date(2026, 5, 30), date(2026, 6, 1)),  # Saturday → Monday
        (date(2027, 4, 30), date(2027, 5, 30), date(2027, 5, 31)),  # Sunday → Monday
        (date(2028, 4, 30), date(2028, 5, 30), date(2028, 5, 30)),  # Tuesday
        (date(2027, 3, 31), date(2027, 4, 30), date(2027, 4, 30)),  # 30-day month: its last day
        # Good Friday 26.3.2027 → Easter Saturday, Sunday, Monday → Tuesday 30.3.2027.
        (date(2027, 2, 26), date(2027, 3, 26), date(2027, 3, 30)),
        # 31 Dec + 1 month = 31 Jan.
        (date(2026, 12, 31), date(2027, 1, 31), date(2027, 2, 1)),  # Sunday → Monday
        (date(2027, 12, 31), date(2028, 1, 31), date(2028, 1, 31)),  # Monday
        # Midsummer Eve (Fri) and Midsummer Day (Sat), then Sunday.
        (date(2026, 5, 19), date(2026, 6, 19), date(2026, 6, 22)),
        # Independence Day on a Monday; May Day on a Monday.
        (date(2027, 11, 6), date(2027, 12, 6), date(2027, 12, 7)),
        (date(2028, 4, 1), date(2028, 5, 1), date(2028, 5, 2)),
        # Epiphany (Wed 6.1.2027).
        (date(2026, 12, 6), date(2027, 1, 6), date(2027, 1, 7)),
    ],
)
def test_worked_examples(received: date, nominal: date, due: date) -> None:
    deadline = due_date_compute(received_on=received, extended=False)

    assert deadline.received_on == received
    assert deadline.nominal == nominal
    assert deadline.due_date == due
    assert [s.day for s in deadline.skipped] == _days(nominal, due - timedelta(days=1))


def test_good_friday_moves_past_easter_monday_to_tuesday() -> None:
    deadline = due_date_compute(received_on=date(2027, 2, 26), extended=False)

    assert deadline.nominal == date(2027, 3, 26)
    assert PUBLIC_HOLIDAYS.get(date(2027, 3, 26)) == "Good Friday"
    assert deadline.due_date == date(2027, 3, 30)
    assert deadline.due_date.weekday() == 1  # Tuesday
    assert [(s.day, s.reason) for s in deadline.skipped] == [
        (date(2027, 3, 26), "holiday"),
        (date(2027, 3, 27), "saturday"),
        (date(2027, 3, 28), "holiday"),  # Easter Sunday
        (date(2027, 3, 29), "holiday"),  # Easter Monday
    ]


@pytest.mark.parametrize("year", YEARS)
def test_new_years_eve_is_a_normal_weekday(year: int) -> None:
    new_years_eve = date(year, 12, 31)
    assert new_years_eve not in PUBLIC_HOLIDAYS

    # 31 Oct + 2 months lands on 31 Dec (no day + 1 month can: 31 Nov does not exist).
    deadline = due_date_compute(received_on=date(year, 10, 31), extended=True)

    assert deadline.nominal == new_years_eve
    if new_years_eve.weekday() < 5:  # Thu 2026, Fri 2027
        assert deadline.due_date == new_years_eve
        assert deadline.skipped == ()
    else:  # Sunday 31.12.2028 → Monday 1.1.2029 is New Year's Day → Tuesday
        assert deadline.due_date == date(2029, 1, 2)
        assert [s.reason for s in deadline.skipped] == ["sunday", "holiday"]


# --- properties over every received day of 2026–2028 -------------------------------------


@pytest.mark.parametrize("received", EVERY_DAY, ids=lambda d: d.isoformat())
def test_every_received_day(received: date) -> None:
    for extended, months, rule in ((False, 1, DueRule.ONE_MONTH), (True, 2, DueRule.TWO_MONTHS)):
        deadline = due_date_compute(received_on=received, extended=extended)
        nominal = received + relativedelta(months=months)
        due = deadline.due_date

        assert deadline.rule == rule
        assert deadline.months == months
        assert deadline.nominal == nominal
        assert due >= nominal > received
        assert due.weekday() < 5, due
        assert due not in PUBLIC_HOLIDAYS, (due, PUBLIC_HOLIDAYS.get(due))
        if _is_working_day(nominal):
            assert due == nominal
            assert deadline.skipped == ()
        # No working day is passed over between the nominal day and the due date.
        passed_over = _days(nominal, due - timedelta(days=1)) if due > nominal else []
        assert not [day for day in passed_over if _is_working_day(day)]
        assert [s.day for s in deadline.skipped] == passed_over
        assert due == _next_working_day_from(nominal)


HOLIDAYS_2026_2028 = sorted(holidays.Finland(years=YEARS).items())


@pytest.mark.parametrize(
    ("holiday", "name"), HOLIDAYS_2026_2028, ids=[f"{d}-{n}" for d, n in HOLIDAYS_2026_2028]
)
def test_a_deadline_on_a_public_holiday_moves_to_the_next_working_day(
    holiday: date, name: str
) -> None:
    one_month = [r for r, extended in _received_days_for_nominal(holiday) if not extended]
    two_months = [r for r, extended in _received_days_for_nominal(holiday) if extended]
    # Some holidays fall on a 31st after a 30-day month (All Saints' Day 31.10.2026): no
    # received day + 1 month reaches them, but an extended case (+2 months) can.
    assert one_month or two_months
    expected = _next_working_day_from(holiday)
    assert expected > holiday

    for received, extended in [(r, False) for r in one_month] + [(r, True) for r in two_months]:
        deadline = due_date_compute(received_on=received, extended=extended)
        assert deadline.nominal == holiday
        assert deadline.due_date == expected, (received, extended, name)
        assert deadline.skipped[0].day == holiday
        assert deadline.skipped[0].reason == "holiday"


FLAG_DAYS = sorted(
    (day, name)
    for day, name in holidays.Finland(years=YEARS, categories=("unofficial", "workday")).items()
    if day not in PUBLIC_HOLIDAYS and day.weekday() < 5
)


@pytest.mark.parametrize(("day", "name"), FLAG_DAYS, ids=[f"{d}-{n}" for d, n in FLAG_DAYS])
def test_flag_days_and_unofficial_days_are_working_days(day: date, name: str) -> None:
    """Only the default (public) category counts; Runeberg Day etc. are working days."""
    received, extended = _received_days_for_nominal(day)[0]
    deadline = due_date_compute(received_on=received, extended=extended)
    assert deadline.nominal == day
    assert deadline.due_date == day, name


# --- the organisation's own closure days --------------------------------------------------


def test_a_closure_day_rolls_the_deadline_forward() -> None:
    received = date(2026, 11, 2)  # + 1 month = Wed 2.12.2026
    assert due_date_compute(received_on=received, extended=False).due_date == date(2026, 12, 2)

    deadline = due_date_compute(
        received_on=received, extended=False, closure_days={date(2026, 12, 2)}
    )

    assert deadline.due_date == date(2026, 12, 3)
    assert [(s.day, s.reason) for s in deadline.skipped] == [(date(2026, 12, 2), "closure")]


def test_consecutive_closure_days_and_the_following_weekend() -> None:
    closure = [date(2026, 12, 2), date(2026, 12, 3), date(2026, 12, 4)]  # Wed–Fri

    deadline = due_date_compute(received_on=date(2026, 11, 2), extended=False, closure_days=closure)

    assert deadline.due_date == date(2026, 12, 7)  # Monday (5.12 Sat, 6.12 Independence Day)
    assert [s.reason for s in deadline.skipped] == [
        "closure",
        "closure",
        "closure",
        "saturday",
        "holiday",
    ]


def test_a_closure_day_right_after_christmas() -> None:
    deadline = due_date_compute(
        received_on=date(2026, 11, 24), extended=False, closure_days={date(2026, 12, 28)}
    )

    assert deadline.due_date == date(2026, 12, 29)
    assert deadline.skipped[-1].day == date(2026, 12, 28)
    assert deadline.skipped[-1].reason == "closure"
    assert len(deadline.skipped) == 5


def test_a_closure_day_right_after_easter_monday() -> None:
    deadline = due_date_compute(
        received_on=date(2027, 2, 26), extended=False, closure_days=[date(2027, 3, 30)]
    )

    assert deadline.due_date == date(2027, 3, 31)


def test_a_closure_day_after_a_weekend() -> None:
    # 30.4.2026 + 1 month = Sat 30.5.2026; Monday 1.6 is closed → Tuesday.
    deadline = due_date_compute(
        received_on=date(2026, 4, 30), extended=False, closure_days={date(2026, 6, 1): "Siivous"}
    )

    assert deadline.due_date == date(2026, 6, 2)


def test_closure_days_elsewhere_change_nothing() -> None:
    closure = {date(2026, 12, 1), date(2026, 12, 3), date(2027, 1, 4)}

    deadline = due_date_compute(received_on=date(2026, 11, 2), extended=False, closure_days=closure)

    assert deadline.due_date == date(2026, 12, 2)
    assert deadline.skipped == ()


def test_closure_days_apply_to_extended_cases() -> None:
    deadline = due_date_compute(
        received_on=date(2026, 11, 2), extended=True, closure_days={date(2027, 1, 4)}
    )

    assert deadline.nominal == date(2027, 1, 2)  # Saturday
    assert deadline.due_date == date(2027, 1, 5)  # Sun 3.1, closed Mon 4.1 → Tue 5.1


@pytest.mark.parametrize("received", EVERY_DAY[::7], ids=lambda d: d.isoformat())
def test_closure_on_the_computed_due_date_always_moves_it_to_a_later_working_day(
    received: date,
) -> None:
    plain = due_date_compute(received_on=received, extended=False).due_date
    closure = frozenset({plain})

    deadline = due_date_compute(received_on=received, extended=False, closure_days=closure)

    assert deadline.due_date == _next_working_day_from(plain + timedelta(days=1), closure)


# --- daylight-saving changes ---------------------------------------------------------------


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month, 31)
    return day - timedelta(days=(day.weekday() - 6) % 7)


DST_DAYS = [_last_sunday(year, month) for year in YEARS for month in (3, 10)]


def test_dst_days_are_the_expected_sundays() -> None:
    expected = [
        date(2026, 3, 29),
        date(2026, 10, 25),
        date(2027, 3, 28),
        date(2027, 10, 31),
        date(2028, 3, 26),
        date(2028, 10, 29),
    ]
    assert expected == DST_DAYS
    for day in DST_DAYS:
        before = datetime.combine(day - timedelta(days=1), datetime.min.time(), HELSINKI)
        after = datetime.combine(day + timedelta(days=1), datetime.min.time(), HELSINKI)
        assert before.utcoffset() != after.utcoffset()


@pytest.mark.parametrize("day", DST_DAYS, ids=lambda d: d.isoformat())
def test_dst_change_day_as_received_day(day: date) -> None:
    deadline = due_date_compute(received_on=day, extended=False)

    assert deadline.nominal == day + relativedelta(months=1)
    assert deadline.due_date == _next_working_day_from(deadline.nominal)


@pytest.mark.parametrize("day", DST_DAYS, ids=lambda d: d.isoformat())
def test_dst_change_day_as_nominal_day(day: date) -> None:
    candidates = _received_days_for_nominal(day)
    assert candidates
    for received, extended in candidates:
        deadline = due_date_compute(received_on=received, extended=extended)
        assert deadline.nominal == day
        # A Sunday: Monday, or Tuesday when it is Easter Monday (28.3.2027 is Easter Sunday).
        assert deadline.due_date == _next_working_day_from(day + timedelta(days=1))
        assert deadline.due_date.weekday() in (0, 1)


@pytest.mark.parametrize("day", DST_DAYS, ids=lambda d: d.isoformat())
def test_helsinki_day_around_dst_changes(day: date) -> None:
    # UTC midnight on the DST Sunday is 02:00 or 03:00 Helsinki on that Sunday.
    assert helsinki_date(datetime.combine(day, datetime.min.time(), UTC)) == day
    # 21:30 UTC on the Saturday is 23:30 (winter, +2) or 00:30 Sunday (summer, +3) in Helsinki.
    saturday_2130z = datetime.combine(day - timedelta(days=1), datetime.min.time(), UTC).replace(
        hour=21, minute=30
    )
    summer_before = day.month == 10
    assert helsinki_date(saturday_2130z) == (day if summer_before else day - timedelta(days=1))
    # Late Sunday evening in Helsinki is still that Sunday, whatever the offset.
    assert (
        helsinki_date(datetime.combine(day, datetime.min.time(), HELSINKI).replace(hour=23)) == day
    )


# --- the day of receipt is a Helsinki day -------------------------------------------------


def test_a_submission_at_2330_helsinki_on_31_january_is_received_on_31_january() -> None:
    submitted = datetime(2027, 1, 31, 23, 30, tzinfo=HELSINKI)

    received = helsinki_date(submitted)

    assert received == date(2027, 1, 31)
    assert due_date_compute(received_on=received, extended=False).nominal == date(2027, 2, 28)


def test_2230_utc_on_31_january_is_1_february_in_helsinki() -> None:
    submitted = datetime(2027, 1, 31, 22, 30, tzinfo=UTC)

    received = helsinki_date(submitted)

    assert received == date(2027, 2, 1)
    deadline = due_date_compute(received_on=received, extended=False)
    assert deadline.nominal == date(2027, 3, 1)
    assert deadline.due_date == date(2027, 3, 1)


def test_leap_year_evening_decides_between_29_february_and_1_march() -> None:
    before_midnight = helsinki_date(datetime(2028, 1, 31, 21, 59, tzinfo=UTC))
    after_midnight = helsinki_date(datetime(2028, 1, 31, 22, 0, tzinfo=UTC))

    assert before_midnight == date(2028, 1, 31)
    assert after_midnight == date(2028, 2, 1)
    assert due_date_compute(received_on=before_midnight, extended=False).due_date == date(
        2028, 2, 29
    )
    assert due_date_compute(received_on=after_midnight, extended=False).due_date == date(2028, 3, 1)


@pytest.mark.parametrize("active_zone", ["UTC", "America/New_York", "Asia/Tokyo"])
def test_helsinki_date_ignores_the_active_time_zone(active_zone: str) -> None:
    with django_timezone.override(ZoneInfo(active_zone)):
        assert helsinki_date(datetime(2027, 1, 31, 23, 30, tzinfo=HELSINKI)) == date(2027, 1, 31)
        assert helsinki_date(datetime(2027, 1, 31, 22, 30, tzinfo=UTC)) == date(2027, 2, 1)
        tokyo = datetime(2027, 2, 1, 6, 59, tzinfo=timezone(timedelta(hours=9)))
        assert helsinki_date(tokyo) == date(2027, 1, 31)


# --- the explanation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "holiday_language", "christmas_eve", "christmas_day"),
    [
        ("fi", "fi", "Jouluaatto", "Joulupäivä"),
        ("sv", "sv_FI", "Julafton", "Juldagen"),
        ("en", "en_US", "Christmas Eve", "Christmas Day"),
    ],
)
def test_explanation_of_the_christmas_example(
    language: str, holiday_language: str, christmas_eve: str, christmas_day: str
) -> None:
    # The names are what the holidays package itself returns in that language.
    names = holidays.Finland(years=2026, language=holiday_language)
    assert names.get(date(2026, 12, 24)) == christmas_eve
    assert names.get(date(2026, 12, 25)) == christmas_day
    deadline = due_date_compute(received_on=date(2026, 11, 24), extended=False)

    text = due_date_explain(deadline, language=language)

    assert "24.11.2026" in text
    assert "24.12.2026" in text
    assert "28.12.2026" in text
    assert christmas_eve in text
    assert christmas_day in text
    assert text.index("24.11.2026") < text.index("28.12.2026")
    other_languages = {"Jouluaatto", "Julafton", "Christmas Eve"} - {christmas_eve}
    assert not [name for name in other_languages if name in text]


def test_explanation_of_a_plain_deadline_names_no_skipped_day() -> None:
    deadline = due_date_compute(received_on=date(2026, 11, 2), extended=False)

    text = due_date_explain(deadline, language="en")

    assert "2.11.2026" in text
    assert "2.12.2026" in text
    assert "moved" not in text


def test_explanation_names_the_closure_day() -> None:
    closure = {date(2026, 12, 28): "Henkilöstöpäivä"}
    deadline = due_date_compute(
        received_on=date(2026, 11, 24), extended=False, closure_days=closure
    )

    text = due_date_explain(deadline, language="fi")

    assert "Henkilöstöpäivä" in text
    assert "29.12.2026" in text


def test_explanation_of_an_extended_deadline() -> None:
    deadline = due_date_compute(received_on=date(2027, 1, 31), extended=True)
    assert isinstance(deadline, Deadline)
    assert deadline.nominal == date(2027, 3, 31)

    text = due_date_explain(deadline, language="en")

    assert "31.1.2027" in text
    assert "31.3.2027" in text
    assert "2 months" in text


def test_holidays_preload_loads_each_year_in_each_language() -> None:
    from workflow.deadlines import _finnish_holidays, holidays_preload

    _finnish_holidays.cache_clear()
    holidays_preload([2026, 2027])
    loaded = _finnish_holidays.cache_info().misses
    # The deadline engine's look-up and a Swedish label are then served from the cache.
    assert date(2026, 12, 6) in _finnish_holidays(2026)  # itsenäisyyspäivä
    assert _finnish_holidays(2027, "sv").get(date(2027, 12, 6)) == "Självständighetsdagen"
    assert _finnish_holidays.cache_info().misses == loaded
