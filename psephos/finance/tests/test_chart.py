"""The comparison chart: round axis ticks, labelled bars, a legend and a text alternative."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.test import Client

from psephos.finance.models import Fund
from psephos.finance.rules.chart import timeline, value_axis

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


def test_the_timeline_places_days_and_totals_on_shared_axes() -> None:
    first, last = dt.date(2022, 10, 1), dt.date(2022, 10, 11)
    lines = timeline(
        [
            [(first, Decimal(100)), (last, Decimal(400))],
            [(dt.date(2022, 10, 6), Decimal(200))],
        ],
        first=first,
        last=last,
        top=Decimal(400),
        width=500,
        height=200,
    )
    assert lines == ["0.0,150.0 500.0,0.0", "250.0,100.0"]
    one_day = timeline(
        [[(first, Decimal(0))]], first=first, last=first, top=Decimal(1), width=10, height=10
    )
    assert one_day == ["0.0,10.0"]


def test_the_comparison_over_the_campaign_has_a_line_per_candidate(
    client: Client, published: Fund
) -> None:
    page = client.get(f"/finance/{published.election.key}/").content.decode()
    for kind, title, total in (
        ("received", "Received over the campaign, per candidate", "346,300.00"),
        ("spent", "Spent over the campaign, per candidate", "0.00"),
    ):
        start = page.index(f'<svg id="timeline-{kind}"')
        svg = page[start : page.index("</svg>", start)]
        assert f'aria-labelledby="timeline-{kind}-title timeline-{kind}-desc"' in svg
        assert f'<title id="timeline-{kind}-title">{title}</title>' in svg
        assert "from 2022-10-20 to 2022-10-21" in svg
        [line] = re.findall(r"<polyline[^>]*>.*?</polyline>", svg, re.S)
        assert re.search(rf"<title>[^<]*Tokayev[^<]*: {total}</title>", line)
        figure = page[start : page.index("</figure>", start)]
        assert re.search(r'<ul class="legend"><li>.*Tokayev.*</li></ul>', figure, re.S)
    received = page[page.index('<svg id="timeline-received"') :]
    # 306,300 then 346,300 on an axis to 400,000 over 200 px, first day to last.
    assert 'points="0.0,46.8 520.0,26.8"' in received
