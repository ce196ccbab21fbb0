"""The comparison chart: round axis ticks, labelled bars, a legend and a text alternative."""

from __future__ import annotations

import re
from decimal import Decimal

from django.test import Client

from psephos.finance.models import Fund
from psephos.finance.rules.chart import value_axis

from .test_pages import published

__all__ = ["published"]


def test_the_axis_has_round_ticks_reaching_the_largest_value() -> None:
    axis = value_axis(Decimal("1620000000.00"))
    assert axis.ticks[-1] >= Decimal("1620000000") and axis.unit == 1_000_000
    assert axis.labels() == [0, 500, 1000, 1500, 2000]
    small = value_axis(Decimal("346300.00"))
    assert small.unit == 1_000 and small.labels() == [0, 100, 200, 300, 400]
    assert small.at(Decimal("200000"), 400) == 200.0
    assert value_axis(Decimal(0)).ticks == [Decimal(0), Decimal(1)]
    assert value_axis(Decimal("7")).labels() == [0, 2, 4, 6, 8]


def test_the_comparison_chart_is_labelled_and_accessible(client: Client, published: Fund) -> None:
    page = client.get(f"/finance/{published.election.key}/").content.decode()
    svg = page[page.index('<svg id="comparison"') : page.index("</svg>")]
    assert 'aria-labelledby="comparison-title comparison-desc"' in svg
    assert '<title id="comparison-title">' in svg and '<desc id="comparison-desc">' in svg
    # The x axis: five ticks labelled in thousands of tenge, and its title.
    ticks = re.findall(r'text-anchor="middle">([^<]+)</text>', svg)
    assert ticks[:5] == ["0", "100", "200", "300", "400"] and "KZT thousand" in ticks[5]
    # The legend and the candidate's label left of the bars.
    assert ">Received</text>" in svg and ">Spent</text>" in svg
    assert re.search(r'text-anchor="end">[^<]*Tokayev[^<]*</text>', svg)
    # The received bar: 346,300 of an axis to 400,000 over 416 px.
    assert 'width="360.2" fill="#2b6cb0"' in svg
    # The same figures as a table, captioned as the chart's text alternative.
    assert "<caption>" in page and "346,300.00" in page


def test_the_chart_speaks_russian(client: Client, published: Fund) -> None:
    page = client.get(
        f"/finance/{published.election.key}/", HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()
    svg = page[page.index('<svg id="comparison"') : page.index("</svg>")]
    assert "тыс. тенге" in svg and "Поступило" in svg
