"""Commission members: roles, gender and nominating bodies (kazakhstan-rules.md §2).

The people are invented (names drawn from common Kazakh names); the shares are
the reports': women 67.7 % of TEC/PEC members with 34.3 % of TEC chairs, 41.3 %
of deputy chairs and 72.8 % of secretaries, 63 % of PEC chairs observed; TEC/PEC
nominations 59 % parties, the rest public associations and ~2.7 % higher
commissions, at most one member per party per commission. The CEC has 7
members, 2 of them women.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WOMEN_SHARE = 0.677
PARTY_SHARE = 0.59
HIGHER_COMMISSION_SHARE = 0.027

PARTIES = (
    "Nur Otan (Amanat) party",
    "Ak Zhol Democratic Party",
    "People's Party of Kazakhstan",
    "Auyl People's Democratic Patriotic Party",
    "Birlik party",
    "Nationwide Social Democratic Party",
)
ASSOCIATIONS = (
    "Public association: council of veterans",
    "Public association: union of women",
    "Public association: youth organisation",
    "Public association: federation of trade unions",
    "Public association: society of persons with disabilities",
    "Public association: assembly of the people (local branch)",
)
HIGHER = "Higher election commission"
CEC_NOMINATORS = ("President", "President", "President", "Senate", "Senate", "Majilis", "Majilis")

# Probability of a woman by (commission kind, role); plain members take what is left.
ROLE_WOMEN = {
    ("tec", "chair"): 0.343,
    ("tec", "deputy"): 0.413,
    ("tec", "secretary"): 0.728,
    ("pec", "chair"): 0.63,
    ("pec", "deputy"): 0.60,
    ("pec", "secretary"): 0.80,
}

FIRST_F = (
    "Aigerim",
    "Aizhan",
    "Ainur",
    "Akmaral",
    "Aliya",
    "Asel",
    "Botagoz",
    "Dana",
    "Dinara",
    "Gulnar",
    "Gulnara",
    "Kamila",
    "Karlygash",
    "Lyazzat",
    "Madina",
    "Meruert",
    "Nazgul",
    "Raushan",
    "Saule",
    "Symbat",
    "Zhanar",
    "Zhuldyz",
    "Elena",
    "Olga",
    "Tatyana",
)
FIRST_M = (
    "Aidos",
    "Arman",
    "Askar",
    "Asylbek",
    "Baurzhan",
    "Daniyar",
    "Dauren",
    "Yerlan",
    "Yerzhan",
    "Kairat",
    "Marat",
    "Murat",
    "Nurlan",
    "Olzhas",
    "Rustam",
    "Serik",
    "Talgat",
    "Timur",
    "Yerbol",
    "Zhanibek",
    "Aleksandr",
    "Sergei",
    "Vladimir",
)
SURNAMES = (  # male forms; the female form adds "a"
    "Abdrakhmanov",
    "Akhmetov",
    "Alibekov",
    "Amanzholov",
    "Baimukhametov",
    "Dzhaksybekov",
    "Ermekov",
    "Ibraev",
    "Iskakov",
    "Kassymov",
    "Kenzhebekov",
    "Mukhamedzhanov",
    "Nurpeisov",
    "Omarov",
    "Sadvakasov",
    "Sarsenbaev",
    "Seitkaliev",
    "Smagulov",
    "Suleimenov",
    "Tulegenov",
    "Zhakupov",
    "Zhumabekov",
    "Ivanov",
    "Petrov",
    "Kuznetsov",
)


@dataclass(frozen=True, slots=True)
class MemberRow:
    commission: int  # index of the commission in the caller's list
    full_name: str
    role: str
    nominated_by: str
    gender: str  # "F" or "M"


def roles_for(size: int) -> list[str]:
    """Return the roles of a commission of ``size``: chair, deputy, secretary, then members."""
    if size < 3:
        raise ValueError(f"a commission has at least 3 members, not {size}")
    return ["chair", "deputy", "secretary"] + ["member"] * (size - 3)


def _women(keys: list[tuple[str, str]], rng: np.random.Generator) -> np.ndarray:
    """Return a woman flag per member: exactly 67.7 % women, favouring the role shares."""
    n = len(keys)
    target = round(WOMEN_SHARE * n)
    fixed = [ROLE_WOMEN.get(k) for k in keys]
    known = [p for p in fixed if p is not None]
    n_members = n - len(known)
    # Plain members take the share that makes the whole come to 67.7 %.
    member_p = min(0.95, max(0.05, (target - sum(known)) / n_members)) if n_members else 0.5
    p = np.array([member_p if q is None else q for q in fixed])
    # Gumbel top-k: sample ``target`` members without replacement, weighted by the odds.
    odds = np.log(p / (1 - p))
    keys_ = odds + rng.gumbel(size=n)
    women = np.zeros(n, dtype=bool)
    if target:
        women[np.argpartition(-keys_, target - 1)[:target]] = True
    return women


def members_for(sizes: list[int], kinds: list[str], rng: np.random.Generator) -> list[MemberRow]:
    """Return the members of every commission; ``kinds`` is "cec", "tec" or "pec" for each."""
    rows: list[tuple[int, str, str, str]] = []  # commission, role, nominator, kind
    for ci, (size, kind) in enumerate(zip(sizes, kinds, strict=True)):
        roles = roles_for(size)
        if kind == "cec":
            rows.extend((ci, role, CEC_NOMINATORS[j % 7], kind) for j, role in enumerate(roles))
            continue
        parties = rng.permutation(len(PARTIES))
        n_party = min(len(PARTIES), int(rng.binomial(size, PARTY_SHARE)))
        for j, role in enumerate(rng.permutation(roles)):
            if j < n_party:
                nominator = PARTIES[int(parties[j])]
            elif rng.random() < HIGHER_COMMISSION_SHARE / (1 - PARTY_SHARE):
                nominator = HIGHER
            else:
                nominator = ASSOCIATIONS[int(rng.integers(len(ASSOCIATIONS)))]
            rows.append((ci, str(role), nominator, kind))
    order = {"chair": 0, "deputy": 1, "secretary": 2, "member": 3}
    rows.sort(key=lambda r: (r[0], order[r[1]]))
    staff = [i for i, r in enumerate(rows) if r[3] != "cec"]
    women = np.zeros(len(rows), dtype=bool)
    women[staff] = _women([(rows[i][3], rows[i][1]) for i in staff], rng)
    for i, r in enumerate(rows):
        if r[3] == "cec":
            women[i] = r[1] in ("secretary",) or (r[1] == "member" and rows[i - 1][1] != "member")
    n = len(rows)
    first_f = rng.integers(len(FIRST_F), size=n)
    first_m = rng.integers(len(FIRST_M), size=n)
    surnames = rng.integers(len(SURNAMES), size=n)
    out: list[MemberRow] = []
    for i, (ci, role, nominator, _kind) in enumerate(rows):
        surname = SURNAMES[int(surnames[i])] + ("a" if women[i] else "")
        first = FIRST_F[int(first_f[i])] if women[i] else FIRST_M[int(first_m[i])]
        out.append(MemberRow(ci, f"{first} {surname}", role, nominator, "F" if women[i] else "M"))
    return out
