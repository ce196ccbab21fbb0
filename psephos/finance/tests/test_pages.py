"""The public finance pages, API and CSV: reconciled figures, masked donors, no IIN."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from psephos.finance.models import Fund
from psephos.finance.services.receipts import receipt_record
from psephos.finance.services.statements import statement_import

from .conftest import ACTOR
from .test_receipts import IIN, row
from .test_statements import csv_statement


@pytest.fixture
def published(fund: Fund, tmp_path: Path) -> Fund:
    receipt_record(
        fund=fund, row=row(amount="306300", reference="B1"), in_account=False, actor=ACTOR
    )
    receipt_record(
        fund=fund,
        row=row(amount="40000", reference="B2", received_on="2022-10-21"),
        in_account=False,
        actor=ACTOR,
    )
    path = csv_statement(
        tmp_path, ["2022-10-20,CRDT,306300.00,KZT,B1,A", "2022-10-21,CRDT,40000.00,KZT,B2,A"]
    )
    statement_import(fund=fund, path=path, actor=ACTOR)
    return fund


def test_the_api_publishes_each_fund(client: Client, published: Fund) -> None:
    key = published.election.key
    body = client.get(f"/api/v1/elections/{key}/finance").json()
    assert body["election"] == key
    [fund] = body["funds"]
    assert fund["key"] == "tokayev"
    assert fund["received"] == "346300.00"
    assert fund["spent"] == "0.00"
    assert fund["cap_total"] == "1620000000.00"
    assert fund["donors"] == 1
    assert [(i["amount"], i["donor"]) for i in fund["itemised"]] == [
        ("306300.00", "Aibek Test"),
        ("40000.00", "—"),
    ]
    assert fund["series"] == [
        {"day": "2022-10-20", "received": "306300.00", "spent": "0.00"},
        {"day": "2022-10-21", "received": "346300.00", "spent": "0.00"},
    ]
    assert client.get(f"/api/v1/elections/{key}/finance/tokayev").json()["received"] == "346300.00"
    missing = client.get(f"/api/v1/elections/{key}/finance/nobody")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "fund_not_found"


def test_the_pages_and_the_csv_never_show_an_iin(client: Client, published: Fund) -> None:
    key = published.election.key
    page = client.get(f"/finance/{key}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-fund="tokayev"' in html and "<td>346,300.00</td>" in html
    detail = client.get(f"/finance/{key}/tokayev/").content.decode()
    assert "Aibek Test" in detail and "<polyline" in detail
    csv = client.get(f"/finance/{key}/receipts.csv").content.decode()
    assert csv.splitlines() == [
        "fund,number,received_on,amount,source,donor",
        "tokayev,1,2022-10-20,306300.00,citizen,Aibek Test",
        "tokayev,2,2022-10-21,40000.00,citizen,—",
    ]
    for text in (html, detail, csv):
        assert IIN not in text
    assert client.get(f"/finance/{key}/nobody/").status_code == 404


@pytest.mark.parametrize(
    ("language", "received", "itemised"),
    [
        ("en", "<td>346,300.00</td>", "<td>306,300.00</td>"),
        ("kk", "<td>346\u00a0300,00</td>", "<td>306\u00a0300,00</td>"),
    ],
)
def test_amounts_are_written_the_readers_way(
    client: Client, published: Fund, language: str, received: str, itemised: str
) -> None:
    """An amount reads with the language's separators and two decimals, never as a bare
    ``346300.00``; the CSV and the API keep the plain machine form."""
    key = published.election.key
    client.cookies["django_language"] = language
    assert received in client.get(f"/finance/{key}/").content.decode()
    assert itemised in client.get(f"/finance/{key}/tokayev/").content.decode()


def test_the_itemised_receipts_come_a_page_at_a_time(
    client: Client, published: Fund, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page lists ``ITEMISED_PAGE`` receipts (one here) and links the next page; the API
    and the CSV keep them all; a page that is not there is a 404 saying so."""
    from psephos.finance import views

    monkeypatch.setattr(views, "ITEMISED_PAGE", 1)
    base = f"/finance/{published.election.key}/tokayev/"
    first = client.get(base).content.decode()
    assert "Aibek Test" in first and "<td>40,000.00</td>" not in first
    assert "Receipts 1–1 of 2." in first and 'href="?page=2#itemised" rel="next"' in first
    second = client.get(base + "?page=2").content.decode()
    assert "<td>40,000.00</td>" in second and "Aibek Test" not in second
    assert 'rel="prev"' in second and 'rel="next"' not in second and "Page 2 of 2" in second
    for bad in ("3", "0", "x"):
        assert client.get(base + f"?page={bad}").status_code == 404
    api = client.get(f"/api/v1/elections/{published.election.key}/finance/tokayev").json()
    assert len(api["itemised"]) == 2
