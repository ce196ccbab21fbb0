"""Public portal pages through the Django test client: content, 404s, query budget."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from psephos.accounts.enums import Role
from psephos.accounts.models import User

from .election import KEY, MEMBER_NAME, SmallElection

pytestmark = pytest.mark.django_db


def text_of(html: bytes) -> str:
    """Return the visible text of a page's main element, whitespace collapsed."""
    body = html.decode()
    body = body[body.index("<main") :]
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", body).strip()


def test_home_lists_the_election_with_a_link(client: Client, small: SmallElection) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert f'href="/e/{KEY}/"' in response.content.decode()
    assert "Early presidential election 2022" in text_of(response.content)
    assert "counting" in text_of(response.content)


def test_home_without_elections(client: Client, db: None) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "No elections yet." in text_of(response.content)


def test_national_page_shows_totals_shares_progress_and_determination(
    client: Client, small: SmallElection
) -> None:
    response = client.get(f"/e/{KEY}/")
    assert response.status_code == 200
    text = text_of(response.content)
    # Six accepted stations: 5,700 registered, 3,300 issued, 3,070 valid, 230 invalid.
    assert "Registered voters 5,700" in text
    assert "Turnout 57.89 %" in text  # 3,300 / 5,700
    assert "Valid ballots 3,070" in text
    assert "Invalid ballots 230" in text
    assert "Protocols accepted 6 of 8" in text
    assert "7 received" in text
    assert "Kassym-Jomart Tokayev 2,250 · 73.29 %" in text
    assert "Jiguli Dairabayev 540 · 17.59 %" in text
    assert "Against all 280 · 9.12 %" in text
    assert "Determination: Elected in the first round" in text
    assert "Elected: Kassym-Jomart Tokayev" in text
    assert "not yet certified" in text


def test_national_page_lists_first_level_units_with_links(
    client: Client, small: SmallElection
) -> None:
    html = client.get(f"/e/{KEY}/").content.decode()
    assert f'href="/e/{KEY}/c/KZ-75/"' in html
    assert f'href="/e/{KEY}/c/KZ-71/"' in html
    text = text_of(html.encode())
    # Astana: 2 of 4 accepted, 1,800 registered, 1,100 issued → 61.11 %.
    assert "KZ-71 Astana 1,800 61.11 %" in text
    assert "2/4" in text
    assert "KZ-75 Almaty city 3,900 56.41 %" in text


def test_national_page_links_open_data(client: Client, small: SmallElection) -> None:
    html = client.get(f"/e/{KEY}/").content.decode()
    links = re.findall(r'<a href="(/api/[^"]+)" download>', html)
    assert links == [
        f"/api/v1/elections/{KEY}/export/{level}?format={fmt}"
        for level in ("national", "region", "tec", "station")
        for fmt in ("csv", "json")
    ] + [f"/api/v1/elections/{KEY}/results"]


@pytest.mark.parametrize(
    "page",
    [f"/e/{KEY}/", f"/e/{KEY}/c/KZ-75/", f"/e/{KEY}/c/KZ-75-01/", f"/e/{KEY}/c/KZ-75-0001/"],
)
def test_every_download_link_works(client: Client, small: SmallElection, page: str) -> None:
    html = client.get(page).content.decode()
    links = [
        link.replace("&amp;", "&") for link in re.findall(r'<a href="(/api/[^"]+)" download>', html)
    ]
    assert links
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        if "format=csv" in link:
            assert response["Content-Type"] == "text/csv; charset=utf-8", link
        else:
            assert response["Content-Type"].startswith("application/json"), link
    if page.endswith("KZ-75-0001/"):
        rows = client.get(f"/api/v1/elections/{KEY}/export/station?format=csv&within=KZ-75-0001")
        assert rows.content.decode().splitlines()[1].startswith("KZ-75-0001,KZ-75-01,KZ-75,1000,")


def test_national_page_query_budget(
    client: Client, small: SmallElection, django_assert_max_num_queries
) -> None:
    # 13: the turnout curve's one grouped query came with the charts (web/charts.py).
    with django_assert_max_num_queries(13):
        first = client.get(f"/e/{KEY}/")
    assert first.status_code == 200
    # Nothing changed: the body comes from the cache (election, CEC, ledger head).
    with django_assert_max_num_queries(3):
        second = client.get(f"/e/{KEY}/")
    assert text_of(second.content) == text_of(first.content)


def test_cached_pages_follow_state_changes_and_language(
    client: Client, small: SmallElection
) -> None:
    assert "Protocols accepted 6 of 8" in text_of(client.get(f"/e/{KEY}/").content)
    before = text_of(client.get(f"/e/{KEY}/c/KZ-71-0007/").content)
    assert "submitted, awaiting the territorial commission · version 1" in before
    tec = Client()
    tec.force_login(
        User.objects.create_user(
            username="tec", password="x", role=Role.TEC_OPERATOR, commission=small.tecs[3]
        )
    )
    assert (
        tec.post(f"/staff/e/{KEY}/p/KZ-71-0007/return/", {"reason": "smudged"}).status_code == 302
    )
    # A return changes no tally, only the station's protocol: its page must still change.
    station = text_of(client.get(f"/e/{KEY}/c/KZ-71-0007/").content)
    assert "returned for correction · version 1" in station
    assert "Reason for return smudged" in station
    client.cookies["django_language"] = "ru"
    assert "Принято протоколов 6 из 8" in text_of(client.get(f"/e/{KEY}/").content)


def test_region_page(client: Client, small: SmallElection) -> None:
    response = client.get(f"/e/{KEY}/c/KZ-75/")
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(response.content)
    assert text.startswith("Elections Early presidential election 2022 Almaty city (KZ-75)")
    assert "Registered voters 3,900" in text
    assert "Protocols accepted 4 of 4" in text
    assert f'href="/e/{KEY}/c/KZ-75-01/"' in html
    assert f'href="/e/{KEY}/c/KZ-75-02/"' in html
    assert "within=KZ-75" in html


def test_tec_page_lists_stations_with_status(client: Client, small: SmallElection) -> None:
    response = client.get(f"/e/{KEY}/c/KZ-71-02/")
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(response.content)
    assert "Polling stations" in text
    assert f'href="/e/{KEY}/c/KZ-71-0007/"' in html
    assert "KZ-71-0007 Polling station No. 7 submitted, awaiting the territorial commission" in text
    assert "KZ-71-0008 Polling station No. 8 not received" in text
    assert "Protocols accepted 0 of 2" in text


def test_pec_page_shows_the_full_protocol(client: Client, small: SmallElection) -> None:
    response = client.get(f"/e/{KEY}/c/KZ-75-0001/")
    assert response.status_code == 200
    text = text_of(response.content)
    assert (
        "Polling station KZ-75-0001 Precinct commission · Early presidential election 2022" in text
    )
    assert "Results protocol accepted · version 1 (entered by the precinct commission)" in text
    for line in (
        "Voters on the list 1,000",
        "Ballots received by the commission 700",
        "Ballots issued to voters 600",
        "of which issued outside the station (mobile box) 30",
        "of which to voters with an absentee certificate 6",
        "Unused ballots, cancelled 100",
        "Ballots found in the ballot boxes 600",
        "Invalid ballots 50",
        "Valid ballots 550",
        "Kassym-Jomart Tokayev 400",
        "Jiguli Dairabayev 100",
        "Against all 50",
    ):
        assert line in text, line
    assert "Submitted Nov. 20, 2022, 10 p.m." in text
    assert "Kassym-Jomart Tokayev 400 · 72.73 %" in text


def test_pec_page_with_submitted_protocol_is_not_counted(
    client: Client, small: SmallElection
) -> None:
    text = text_of(client.get(f"/e/{KEY}/c/KZ-71-0007/").content)
    assert "submitted, awaiting the territorial commission · version 1" in text
    assert "Voters on the list 950" in text
    assert "not counted in the totals until the territorial commission accepts" in text
    assert "Protocols accepted 0 of 1" in text
    assert "No accepted protocols yet." in text


def test_pec_page_without_protocol(client: Client, small: SmallElection) -> None:
    response = client.get(f"/e/{KEY}/c/KZ-71-0008/")
    assert response.status_code == 200
    text = text_of(response.content)
    assert "not received" in text
    assert "has not submitted its protocol yet" in text


def test_commission_composition_without_names(client: Client, small: SmallElection) -> None:
    for url in (
        f"/e/{KEY}/",
        f"/e/{KEY}/c/KZ-75/",
        f"/e/{KEY}/c/KZ-75-01/",
        f"/e/{KEY}/c/KZ-75-0001/",
    ):
        assert MEMBER_NAME not in client.get(url).content.decode(), url
    text = text_of(client.get(f"/e/{KEY}/c/KZ-75-0001/").content)
    assert "3 members: chair 1, secretary 1, member 1. Women: 2, men: 1." in text


def test_cec_code_redirects_to_the_national_page(client: Client, small: SmallElection) -> None:
    response = client.get(f"/e/{KEY}/c/CEC/")
    assert response.status_code == 302
    assert response["Location"] == f"/e/{KEY}/"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/e/kz-1999-nothing/", "No election “kz-1999-nothing”."),
        (f"/e/{KEY}/c/KZ-99/", f"No commission “KZ-99” in election “{KEY}”."),
        (f"/e/{KEY}/c/KZ-75-9999/", f"No commission “KZ-75-9999” in election “{KEY}”."),
        ("/e/kz-1999-nothing/c/KZ-75/", "No election “kz-1999-nothing”."),
    ],
)
def test_unknown_keys_give_404_with_a_message(
    client: Client, small: SmallElection, url: str, message: str
) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert message in response.content.decode()


def test_unknown_path_gives_404(client: Client, db: None) -> None:
    assert client.get("/e/").status_code == 404
    assert client.get("/nowhere/").status_code == 404


@pytest.mark.parametrize(
    "code", ["%00", "a%00b", "x" * 65, "%FF%FE", "KZ 75", "-KZ", "%3Cscript%3E"]
)
def test_malformed_codes_are_404_on_every_database(
    client: Client, small: SmallElection, code: str
) -> None:
    assert client.get(f"/e/{KEY}/c/{code}/").status_code == 404


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_pages_in_kazakh_and_russian(client: Client, small: SmallElection, language: str) -> None:
    client.cookies["django_language"] = language
    expected = {
        "kk": (
            "Тіркелген сайлаушылар",
            "Қасым-Жомарт Тоқаев",
            "Сайлаушылар тізіміндегі",
            "Алматы қаласы",
        ),
        "ru": (
            "Зарегистрированные избиратели",
            "Касым-Жомарт Токаев",
            "Избирателей в списке",
            "город Алматы",
        ),
    }[language]
    national = client.get(f"/e/{KEY}/").content.decode()
    assert f'<html lang="{language}">' in national
    assert expected[0] in national
    assert expected[1] in national
    assert expected[3] in national  # unit names in the table of first-level units
    assert expected[2] in client.get(f"/e/{KEY}/c/KZ-75-0001/").content.decode()
    translation.activate("en")


def test_language_switch_sets_the_language(client: Client, small: SmallElection) -> None:
    response = client.post("/i18n/setlang/", {"language": "ru", "next": f"/e/{KEY}/"})
    assert response.status_code == 302
    assert response["Location"] == f"/e/{KEY}/"
    assert "Зарегистрированные избиратели" in client.get(f"/e/{KEY}/").content.decode()


def test_unknown_path_uses_the_portal_404_page(client: Client, db: None) -> None:
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "There is no page at this address." in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "status", "where"),
    [
        ("KZ-75-0001", 302, f"/e/{KEY}/c/KZ-75-0001/"),
        (" kz-71-02 ", 302, f"/e/{KEY}/c/KZ-71-02/"),
        ("KZ-75", 302, f"/e/{KEY}/c/KZ-75/"),
        ("KZ-99-0001", 404, "No commission “KZ-99-0001”"),
        ("", 422, "Type a code such as KZ-75-0412."),
        ("a\x00b", 422, "Type a code such as KZ-75-0412."),
    ],
)
def test_find_a_station_by_code(
    client: Client, small: SmallElection, typed: str, status: int, where: str
) -> None:
    response = client.get(f"/e/{KEY}/find/", {"code": typed})
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == where
    else:
        assert where in response.content.decode()


def test_national_page_links_the_elections_other_public_pages(
    client: Client, small: SmallElection
) -> None:
    """A reader reaches candidates, campaign finance and media monitoring from the results,
    and the site's navigation names media monitoring and the recommendations tracker;
    every link answers, in the reader's language."""
    client.cookies["django_language"] = "kk"
    html = client.get(f"/e/{KEY}/").content.decode()
    line = html[html.index('<p class="election-links">') :]
    line = line[: line.index("</p>")]
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', line)
    with translation.override("kk"):
        expected = [
            (f"/candidates/{KEY}/", translation.gettext("Candidates")),
            (f"/finance/{KEY}/", translation.gettext("Campaign finance")),
            (f"/media/{KEY}/", translation.gettext("Media monitoring")),
        ]
    assert links == expected
    assert expected[0][1] != "Candidates"
    nav = html[html.index('<nav aria-label="') : html.index("</nav>")]
    assert 'href="/media/"' in nav and 'href="/recommendations/"' in nav
    for href, _ in [*links, ("/media/", ""), ("/recommendations/", "")]:
        assert client.get(href).status_code == 200, href
