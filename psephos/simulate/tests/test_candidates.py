"""``simulate --candidates``: the 2022 nominations through the candidates app's real path.

The signature files are written to disk and verified by ``signatures_import`` against
the register; the figures below are read back from the public selector. At a
fraction of the lines (``--candidates 0.05``) the outcome is the published one; the
exact 399,809 / 141,045 / 140,167 need every line and are checked under ``fullscale``.
"""

from __future__ import annotations

import random
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from psephos.accounts.models import User
from psephos.candidates.rules.signatures import PatternRules
from psephos.candidates.selectors import nominations_public
from psephos.elections.models import Election, Option
from psephos.ledger.models import Event
from psephos.simulate.rules.nominees import People, SignaturePlan, signature_file
from psephos.voters.models import Voter

pytestmark = pytest.mark.django_db
# The 2022 ballot: by surname in the Kazakh alphabet (Әбден, Әуесбаев, Дайрабаев, …).
REGISTERED = ("abden", "auesbayev", "dayrabayev", "kazhyken", "tokayev", "tursynbekova")


#: The smallest country (one station per district: 21 stations in 20 units). The signature
#: figures come from the signature files and the register's basis, not from the country's
#: size, and the ballot's result is the same as at 0.01.
SCALE = "0.001"


def _run(*args: str) -> str:
    out = StringIO()
    call_command(
        "simulate",
        "kz-2022-presidential",
        "--scale",
        SCALE,
        *args,
        "--no-progress",
        "--no-mission",
        "--no-media",
        stdout=out,
    )
    return out.getvalue()


def _outcome(election: Election) -> dict[str, tuple[str, list[str], tuple[int, int, int]]]:
    return {
        p.nomination.key: (
            p.nomination.status,
            [a.criterion for a in p.assessments if a.outcome == "failed"],
            (p.summary.collected, p.summary.checked, p.summary.valid),
        )
        for p in nominations_public(election=election)
    }


def test_the_2022_outcome_at_a_twentieth_of_the_lines(key_dir: object) -> None:
    out = _run("--seed", "2022", "--candidates", "0.05")
    election = Election.objects.get(key="kz-2022-presidential")
    found = _outcome(election)
    statuses = {k: v[0] for k, v in found.items()}
    # Every refusal is a formal decision: 6 registered, 6 refused (4 on criteria, 2 on signatures).
    assert sorted(statuses.values()) == ["refused"] * 6 + ["registered"] * 6
    assert {k for k, s in statuses.items() if s == "registered"} == set(REGISTERED)
    women = [p for p in nominations_public(election=election) if p.nomination.sex == "F"]
    assert sorted(p.nomination.key for p in women if p.nomination.status == "registered") == [
        "abden",
        "tursynbekova",
    ]
    assert {k: v[1] for k, v in found.items() if v[0] == "refused"} == {
        "nominee-08": [],
        "zhanabayev": [],
        "altayev": ["nomination_valid"],
        "nominee-10": ["public_service"],
        "nominee-11": ["public_service"],
        "nominee-12": ["citizen_by_birth", "public_service"],
    }
    # A twentieth of each published figure, found by the verifier in the files.
    assert found["tokayev"][2] == (19_990, 7_052, 7_008)
    assert found["zhanabayev"][2] == (2_944, 2_944, 203)
    tokayev = nominations_public(election=election, key="tokayev")[0].summary
    assert tokayev.threshold.required == 5_914  # 1 % of 591,364 (a twentieth of 11,827,277)
    assert tokayev.verdict.register and tokayev.threshold.units_meeting == 20
    zhanabayev = nominations_public(election=election, key="zhanabayev")[0].summary
    assert set(zhanabayev.reasons) == {
        "birth_date_mismatch",
        "duplicate",
        "iin_invalid",
        "name_mismatch",
        "not_eligible",
        "not_in_register",
        "one_hand_timestamp",
        "outside_window",
        "sequential_iins",
        "wrong_unit",
    }
    # The ballot the registrations built is the one the protocols count.
    assert list(
        Option.objects.filter(contest__election=election)
        .order_by("ballot_order")
        .values_list("key", flat=True)
    ) == [*REGISTERED, "against-all"]
    assert "Tokayev elected in the first round with 81.31 % of valid votes" in out
    assert "12 nominees, 6 registered; 56910 signature lines" in out
    assert Event.objects.filter(action="signatures.import").count() == 8
    assert Event.objects.filter(action="registration.decide").count() == 12
    # The register holds the signers looked up, never 12 million voters.
    signers = Voter.objects.count()
    assert signers < 20_000
    # --replace clears the nominations, the CEC operators' decisions and the register of
    # signers through their apps' services, and the same build comes out again.
    _run("--seed", "2022", "--candidates", "0.05", "--replace")
    again = Election.objects.get(key="kz-2022-presidential")
    assert again.pk != election.pk
    assert _outcome(again) == found
    assert Voter.objects.count() == signers
    assert Event.objects.filter(action="nominations.delete").get().payload == {
        "election": "kz-2022-presidential",
        "nominations": 12,
    }
    deleted = Event.objects.filter(action="voters.register_deleted").get().payload
    assert deleted["voters"] == signers
    operators = User.objects.filter(username__startswith="simulate-cec-")
    assert {(u.role, u.commission.geography_id) for u in operators if u.commission} == {
        ("cec", again.geography_id)
    }


def test_candidates_refused_with_the_full_register(key_dir: object) -> None:
    with pytest.raises(CommandError, match="--full-register"):
        _run("--candidates", "0.05", "--full-register")
    assert not Election.objects.exists()


# Runs once, in the SQLite half: the refusal is arithmetic on the signature files.
@pytest.mark.once
def test_too_few_lines_for_the_outcome_are_refused_after_every_sample_is_completed(
    key_dir: object,
) -> None:
    """At a hundredth of the lines abden's sample decides nothing: the simulation checks
    the rest of the file (``signatures complete``), the full count refuses, and the run
    stops with a message instead of writing protocols for options not on the ballot."""
    with pytest.raises(CommandError) as refused:
        _run("--scale", "0.001", "--seed", "2022", "--candidates", "0.01", "--no-media")
    assert "--candidates 0.01 gives too few signature lines for the 2022 outcome" in str(
        refused.value
    )
    assert "abden, dayrabayev, tursynbekova not registered" in str(refused.value)
    assert not Election.objects.exists()


def test_a_signature_file_gives_the_planned_valid_lines_for_any_seed() -> None:
    """The generator places defects until the verifier's rules find exactly the plan."""
    import datetime as dt

    window = (dt.date(2022, 9, 26), dt.date(2022, 10, 3))
    units = [f"KZ-{i:02d}" for i in range(20)]
    for seed in (1, 7, 2022):
        made = signature_file(
            SignaturePlan(3_000, 900, 850, 16),
            units=units,
            window=window,
            people=People(random.Random(seed)),
            rng=random.Random(seed),
            seed=seed,
            patterns=PatternRules(),
        )
        assert made.checked == 900
        assert made.data.count(b"\n") == 3_001
        assert len({r.person.iin for r in made.register}) == len(made.register)


@pytest.mark.fullscale
def test_the_published_signature_figures(key_dir: object) -> None:
    _run("--seed", "2022", "--candidates")
    found = _outcome(Election.objects.get(key="kz-2022-presidential"))
    assert found["tokayev"][2] == (399_809, 141_045, 140_167)
    assert found["zhanabayev"][2] == (58_889, 58_889, 4_054)
    assert sum(1 for v in found.values() if v[0] == "registered") == 6
    # Every nominee decided by a confirmed CEC decision, valid against the CEC's members
    # on its date, in the smallest country too.
    assert Event.objects.filter(action="registration.decide").count() == 12
