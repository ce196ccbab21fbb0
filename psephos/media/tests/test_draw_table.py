"""The published draw table: page (kk/ru/en), CSV and API, before and after the draw."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client

from psephos.media.rules.draw import commitment, shuffle
from psephos.media.services.airtime import draw_commit, draw_run

from .conftest import ACTOR, Media
from .test_draw import SEED, _offer

KEY = "kz-test-presidential"


def test_before_the_commitment_the_page_says_so(media: Media, client: Client) -> None:
    _offer(media)
    html = client.get(f"/media/{KEY}/draw/").content.decode()
    assert 'data-state="offered"' in html
    assert "The draw's commitment is not published yet" in html
    assert html.count('<td data-candidate="">—</td>') == 5
    body = client.get(f"/api/v1/elections/{KEY}/media/draw").json()
    assert (body["state"], body["commitment"], body["seed"], body["verified"]) == (
        "offered",
        "",
        "",
        None,
    )


def test_committed_then_drawn(media: Media, client: Client) -> None:
    election = media.country.election
    assert election is not None
    _offer(media)
    draw_commit(election=election, commitment_sha256=commitment(SEED), actor=ACTOR)
    html = client.get(f"/media/{KEY}/draw/").content.decode()
    assert 'data-state="committed"' in html
    assert f"<code data-commitment>{commitment(SEED)}</code>" in html
    assert SEED not in html
    draw_run(election=election, seed=SEED, actor=ACTOR)
    order = shuffle(["abden", "tokayev"], SEED, "khabar")
    html = client.get(f"/media/{KEY}/draw/").content.decode()
    assert f"<code data-seed>{SEED}</code>" in html
    assert 'data-verified="yes"' in html
    assert "psephos media draw kz-test-presidential --verify" in html
    assert '<tr data-slot="kh-1"><th scope="row">kh-1</th><td>2022-11-01 20:00</td>' in html
    assert html.count(f'data-candidate="{order[0]}"') == 2 + (
        order[0] == shuffle(["abden", "tokayev"], SEED, "vlast")[0]
    )
    response = client.get(f"/media/{KEY}/draw.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["slot"], r["candidate"]) for r in rows[:4]] == [
        (f"kh-{d}", order[(d - 1) % 2]) for d in (1, 2, 3, 4)
    ]
    # Times in the election's zone with the offset of that day (Almaty +06:00 in 2022).
    assert rows[0]["starts_at"] == "2022-11-01T20:00:00+06:00"
    assert (rows[4]["slot"], rows[4]["seconds"], rows[4]["articles"]) == ("vl-1", "", "1")
    body = client.get(f"/api/v1/elections/{KEY}/media/draw").json()
    assert (body["state"], body["seed"], body["decision"], body["verified"]) == (
        "drawn",
        SEED,
        "",
        True,
    )
    # The draw's own times carry the election's offset on their day, not UTC's.
    for at in (body["committed_at"], body["drawn_at"]):
        moment = dt.datetime.fromisoformat(at)
        assert moment.utcoffset() == ZoneInfo("Asia/Almaty").utcoffset(moment.replace(tzinfo=None))
        assert moment.utcoffset() != dt.timedelta(0)
    assert body["slots"][0] == {
        "slot": "kh-1",
        "outlet": "khabar",
        "medium": "tv",
        "starts_at": "2022-11-01T20:00:00+06:00",
        "seconds": 450,
        "articles": None,
        "candidate": order[0],
    }
    assert client.get("/api/v1/elections/nowhere/media/draw").status_code == 404


@pytest.mark.parametrize(
    ("language", "heading", "empty"),
    [
        ("en", "Free airtime draw", "No free airtime slots offered yet."),
        ("ru", "Жеребьёвка бесплатного эфира", "Слоты бесплатного эфира ещё не предложены."),
        ("kk", "Тегін эфир жеребесі", "Тегін эфир уақыты әлі ұсынылған жоқ."),
    ],
)
def test_the_page_in_three_languages(
    media: Media, client: Client, language: str, heading: str, empty: str
) -> None:
    client.cookies["django_language"] = language
    html = client.get(f"/media/{KEY}/draw/").content.decode()
    assert f"<h1>{heading}: " in html
    assert empty in html
    assert client.get("/media/nowhere/draw/").status_code == 404


@pytest.mark.parametrize("state", ["none", "offered", "committed"])
def test_before_the_draw_the_airtime_section_says_nothing_is_drawn(
    media: Media, client: Client, state: str, capsys: pytest.CaptureFixture[str]
) -> None:
    election = media.country.election
    assert election is not None
    if state != "none":
        _offer(media)
    if state == "committed":
        draw_commit(election=election, commitment_sha256=commitment(SEED), actor=ACTOR)
    html = client.get(f"/media/{KEY}/").content.decode()
    section = html.split('<section id="airtime"')[1].split("</section>")[0]
    assert section.startswith(f' data-state="{state}">')
    assert "<strong>Nothing drawn yet.</strong>" in section
    # No column of zeros: neither allocated nor aired is shown, the entitlement is.
    assert "Allocated by the draw" not in section and "Aired" not in section
    assert '<tr data-candidate="abden"><th scope="row">' in section
    assert "<td>900</td><td>0</td></tr>" in section  # entitled 900 s, coded 0
    body = client.get(f"/api/v1/elections/{KEY}/media").json()["airtime"]
    assert body["state"] == state
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/media/{KEY}/airtime.csv").content.decode()))
    )
    tv = next(r for r in rows if r["candidate"] == "abden" and r["medium"] == "tv")
    assert (tv["entitled"], tv["allocated"], tv["used"]) == ("900", "", "")
    call_command("media", "airtime", KEY)
    captured = capsys.readouterr()
    assert captured.err == "Nothing drawn yet: allocated and aired are empty.\n"
    assert "abden,900,,,0,600,,,0,2,,,0" in captured.out.splitlines()


@pytest.mark.parametrize(
    ("language", "text"),
    [("ru", "Жеребьёвка ещё не проведена."), ("kk", "Жеребе әлі тартылған жоқ.")],
)
def test_nothing_drawn_in_kazakh_and_russian(
    media: Media, client: Client, language: str, text: str
) -> None:
    client.cookies["django_language"] = language
    html = client.get(f"/media/{KEY}/").content.decode()
    assert f"<strong>{text}</strong>" in html
