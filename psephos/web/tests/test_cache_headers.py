"""Public pages a cache can keep: an anonymous reader's GET sets no cookie, and the page
varies only on what chooses its language (the language cookie, else Accept-Language)."""

from __future__ import annotations

import pytest
from django.test import Client

from psephos.accounts.enums import Role
from psephos.accounts.models import User

from .election import KEY, SmallElection

pytestmark = [pytest.mark.django_db, pytest.mark.once]

PAGES = [
    "/",
    f"/e/{KEY}/",
    f"/e/{KEY}/c/KZ-75/",
    f"/e/{KEY}/c/KZ-75-01/",
    f"/e/{KEY}/c/KZ-75-0001/",
    f"/results/{KEY}/stations/KZ-75-0001/",
    f"/e/{KEY}/find/?q=polling",
    "/ledger/",
]


def vary(response: object) -> set[str]:
    return {v.strip() for v in response.headers.get("Vary", "").split(",") if v.strip()}  # type: ignore[attr-defined]


@pytest.mark.parametrize("language", ["", "kk"])
def test_an_anonymous_reader_gets_no_cookie_and_a_page_a_cache_can_share(
    small: SmallElection, language: str
) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")
    if language:
        client.cookies["django_language"] = language
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, (url, list(response.cookies))
        assert vary(response) == {"Accept-Language", "Cookie"}, (url, response["Vary"])
        assert "private" not in response.headers.get("Cache-Control", ""), url
        html = response.content.decode()
        assert "csrfmiddlewaretoken" not in html and "X-CSRFToken" not in html, url
        assert f'<html lang="{language or "ru"}">' in html, url


def test_the_language_switch_is_a_get_that_sets_the_cookie_and_returns_to_the_page(
    small: SmallElection,
) -> None:
    client = Client()
    page = client.get(f"/e/{KEY}/c/KZ-75/").content.decode()
    assert '<form class="lang" method="get">' in page
    assert 'name="language" value="kk"' in page
    response = client.get(f"/e/{KEY}/c/KZ-75/?language=kk")
    assert response.status_code == 303
    assert response["Location"] == f"/e/{KEY}/c/KZ-75/"
    assert response["Cache-Control"] == "no-store"
    assert response.cookies["django_language"].value == "kk"
    assert '<html lang="kk">' in client.get(f"/e/{KEY}/c/KZ-75/").content.decode()
    # Not a language, or not alone in the query: the page answers as usual.
    for url in (f"/e/{KEY}/c/KZ-75/?language=de", f"/e/{KEY}/find/?q=polling&language=en"):
        answer = client.get(url)
        assert answer.status_code == 200 and not answer.cookies, url


def test_a_logged_in_readers_page_carries_the_csrf_token_for_its_htmx_requests(
    small: SmallElection,
) -> None:
    client = Client()
    client.force_login(User.objects.create_user(username="reader1", role=Role.READER))
    html = client.get(f"/e/{KEY}/").content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
