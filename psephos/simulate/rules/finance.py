"""The 2022 candidate funds the simulation reproduces ([P] §IX, fn62; kazakhstan-rules.md §9).

Published: Tokayev's fund reached KZT 1.62 bn (the cap) and spent about 1.2 bn; the other
five received between KZT 134.4 m and 475.2 m and spent about 1.05 bn together. Which of
the five had the lowest and highest fund, the three in between, the split of each fund
by source and purpose, the donors and the days are invented (not published).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

M = Decimal(1_000_000)


@dataclass(frozen=True, slots=True)
class FundPlan:
    key: str
    own_and_body: Decimal
    donations: Decimal
    spent: Decimal
    entities: int  # donations from legal entities
    citizens: int  # donations from citizens

    @property
    def received(self) -> Decimal:
        return self.own_and_body + self.donations


FUNDS = (
    # Tokayev: 12,000 and 15,000 minimum wages, each cap reached exactly.
    FundPlan("tokayev", 720 * M, 900 * M, 1200 * M, entities=300, citizens=900),
    FundPlan("auesbayev", Decimal("190.2") * M, 285 * M, 340 * M, entities=60, citizens=240),
    FundPlan("kazhyken", Decimal("140.8") * M, 212 * M, 255 * M, entities=50, citizens=200),
    FundPlan("dayrabayev", Decimal("115.6") * M, 173 * M, 210 * M, entities=40, citizens=160),
    FundPlan("tursynbekova", 84 * M, 126 * M, 150 * M, entities=30, citizens=120),
    FundPlan("abden", Decimal("54.4") * M, 80 * M, 95 * M, entities=20, citizens=80),
)
#: Spending by purpose (invented shares, in percent).
PURPOSES = (("media", 45), ("print", 20), ("events", 15), ("transport", 5), ("staff", 15))
PAYMENTS_PER_PURPOSE = 6
OPENS = dt.date(2022, 10, 12)  # after the registration decisions (invented day)
LAST_RECEIPT = dt.date(2022, 11, 19)
BANK = "Halyk Bank"  # invented: the report does not name the CEC's bank


def split(total: Decimal, weights: list[int]) -> list[Decimal]:
    """Return whole-tenge parts of ``total`` proportional to ``weights``, summing exactly."""
    s = sum(weights)
    parts = [(total * w / s).quantize(Decimal(1)) for w in weights[:-1]]
    parts.append(total - sum(parts, Decimal(0)))
    return [p.quantize(Decimal("0.01")) for p in parts]
