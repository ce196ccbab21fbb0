"""The voter calendar: the dates a voter needs, as a page and an iCalendar file, in kk/ru/en."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from icalendar import Calendar

from psephos.elections.rules.calendar import CalendarEvent, ElectionCalendar
from psephos.web.voter_calendar import voter_events

from .election import KEY, SmallElection

URL = f"/e/{KEY}/voter-calendar/"


def _get(path: str, lang: str) -> str:
    client = Client()
    client.cookies["django_language"] = lang
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_lists_the_voter_s_dates_from_the_calendar_rules(small: SmallElection) -> None:
    html = _get(URL, "en")
    items = re.findall(r'<li data-key="(\w+)"[^>]*>\s*<strong>(.*?)</strong><br>\s*(.*?)\n', html)
    assert [(k, re.sub(r"<[^>]+>", "", when)) for k, _, when in items] == [
        ("place_of_stay_deadline", "Oct. 21, 2022"),
        ("list_display", "Nov. 5, 2022 – Nov. 19, 2022"),
        ("avc", "Nov. 5, 2022 – Nov. 19, 2022, the last day until 18:00"),
        ("mobile_deadline", "Nov. 19, 2022, until 12:00"),
        ("voting", "Nov. 20, 2022, from 07:00 to 20:00"),
    ]
    assert "(12 hours before voting day)" in html
    assert 'id="no-early-voting"' in html
    assert f'href="/e/{KEY}/voter-calendar.ics"' in html
    ru = _get(URL, "ru")
    assert "Последний момент, чтобы попросить проголосовать на дому (переносной ящик)" in ru
    assert "20 ноября 2022 г.</time>, с 07:00 до 20:00" in ru
    kk = _get(URL, "kk")
    assert "Сайлаушылар күнтізбесі" in kk
    assert "Бұл сайлауда ерте дауыс беру жоқ" in kk
    # The station page links it.
    assert f'<a id="voter-calendar" href="{URL}">' in _get(f"/e/{KEY}/c/KZ-75-0001/", "en")


def test_the_ics_holds_the_same_dates_in_the_reader_s_language(small: SmallElection) -> None:
    client = Client()
    client.cookies["django_language"] = "ru"
    response = client.get(f"/e/{KEY}/voter-calendar.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{KEY}-voter.ics"'
    cal = Calendar.from_ical(response.content)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert sorted(events) == sorted(
        f"{k}.voter.{KEY}@psephos"
        for k in ("place_of_stay_deadline", "list_display", "avc", "mobile_deadline", "voting")
    )
    mobile = events[f"mobile_deadline.voter.{KEY}@psephos"]
    assert str(mobile["summary"]) == (
        "Последний момент, чтобы попросить проголосовать на дому (переносной ящик)"
    )
    # Noon on the eve in Almaty (UTC+6 in 2022), written in UTC.
    assert mobile.decoded("dtstart") == dt.datetime(2022, 11, 19, 6, 0, tzinfo=dt.UTC)
    # The legal calendar's rule and the source, in Russian too.
    stay = events[f"place_of_stay_deadline.voter.{KEY}@psephos"]
    assert str(stay["description"]) == "за 30 дней до дня голосования. Источник: [P] §VI"
    avc = events[f"avc.voter.{KEY}@psephos"]
    assert str(avc["description"]).startswith(
        "за 15 дней до дня голосования — накануне дня голосования, 18:00. Источник: "
    )
    assert str(mobile["description"]) == (
        "За 12 часов до дня голосования. Источник: профиль правил выборов"
    )
    voting = events[f"voting.voter.{KEY}@psephos"]
    assert (voting.decoded("dtstart"), voting.decoded("dtend")) == (
        dt.datetime(2022, 11, 20, 1, 0, tzinfo=dt.UTC),
        dt.datetime(2022, 11, 20, 14, 0, tzinfo=dt.UTC),
    )


@pytest.mark.parametrize(
    ("switch", "early", "expected"),
    [
        (
            "days_15",
            0,
            # Until 00:00 on 5 Nov: the last day is 4 Nov, all of it.
            [("mobile_deadline", dt.date(2022, 11, 4)), ("voting", dt.date(2022, 11, 20))],
        ),
        (
            "day_noon",
            3,
            [
                ("early_voting", dt.date(2022, 11, 17)),
                ("voting", dt.date(2022, 11, 20)),  # opens at 07:00
                ("mobile_deadline", dt.date(2022, 11, 20)),  # until 12:00
            ],
        ),
    ],
)
def test_the_mobile_deadline_and_early_voting_follow_the_profile(
    switch: str, early: int, expected: list[tuple[str, dt.date]]
) -> None:
    voting = dt.date(2022, 11, 20)
    cal = ElectionCalendar(
        called=dt.date(2022, 9, 21),
        voting=voting,
        timezone="Asia/Almaty",
        events=(CalendarEvent("silence", "Silence day", dt.date(2022, 11, 19)),),
        challengeable_until=dt.date(2022, 12, 1),
    )
    events = voter_events(
        cal, mobile_deadline=switch, early_voting_days=early, opens=dt.time(7), closes=dt.time(20)
    )
    assert [(e.key, e.start) for e in events] == expected
    if early:
        assert events[0].last_day == dt.date(2022, 11, 19)


def test_a_deadline_at_midnight_reads_as_the_end_of_the_day_before(small: SmallElection) -> None:
    small.election.profile_overrides = {"mobile_deadline": "days_15"}
    small.election.save(update_fields=["profile_overrides"])
    texts = {
        "en": "Nov. 4, 2022, until the end of the day (24:00)",
        "ru": "4 ноября 2022 г., до конца дня (24:00)",
        "kk": "күннің соңына дейін (24:00)",
    }
    for lang, text in texts.items():
        item = re.search(r'<li data-key="mobile_deadline"[^>]*>(.*?)</li>', _get(URL, lang), re.S)
        assert item is not None and text in re.sub(r"<[^>]+>", "", item[1]), lang
        assert "00:00" not in item[1]
    client = Client()
    cal = Calendar.from_ical(client.get(f"/e/{KEY}/voter-calendar.ics").content)
    mobile = next(e for e in cal.walk("VEVENT") if str(e["uid"]).startswith("mobile_deadline."))
    assert (mobile.decoded("dtstart"), mobile.decoded("dtend")) == (
        dt.date(2022, 11, 4),
        dt.date(2022, 11, 5),
    )
