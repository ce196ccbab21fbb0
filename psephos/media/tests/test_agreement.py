"""Coder agreement: the draw of items coded again, alpha by hand and through the import."""

from __future__ import annotations

import math
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from django.core.management import call_command

from psephos.ledger.models import Event
from psephos.media.errors import ItemFileInvalid, PlanInvalid
from psephos.media.models import CheckAssignment, CodedItem
from psephos.media.rules.agreement import Coding, agreement, alpha, checks_draw
from psephos.media.selectors import check_list_for_coder, plan_agreement
from psephos.media.services.checks import checks_assign
from psephos.media.services.items import items_import

from .conftest import ACTOR, HEADER, Media

NAN = math.nan
# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", example C: four
# observers, twelve units, values 1–5, missing values; the published alphas.
TEXTBOOK = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
        [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
    ]
)


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_the_textbook_example(level: str, published: float) -> None:
    assert round(alpha(TEXTBOOK, level=level) or 0, 3) == published


@pytest.mark.parametrize("level", ["interval", "ratio"])
def test_the_metric_levels_agree_with_the_package(level: str) -> None:
    # psephos computes interval and ratio itself (the package's memory grows with
    # units × values²); on data the package handles, both give the same alpha.
    rng = np.random.default_rng(5)
    first = rng.integers(0, 400, 250).astype(float)
    second = first + rng.integers(-30, 30, 250)
    second[::17] = NAN
    data = np.array([first, second])
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert alpha(data, level=level) == pytest.approx(expected, abs=1e-12)


def test_a_hand_worked_interval_example() -> None:
    # Units (1,1), (2,3), (3,3): values 1×2, 2×1, 3×3 (n = 6). D_o = 2·1²/6 = 1/3;
    # D_e = 2·(2·1·1 + 2·3·4 + 1·3·1)/(6·5) = 58/30; alpha = 1 − (1/3)/(58/30) = 24/29.
    assert alpha(np.array([[1, 2, 3], [1, 3, 3]], dtype=float), level="interval") == pytest.approx(
        24 / 29, abs=1e-12
    )


def test_a_hand_worked_ordinal_tone_example() -> None:
    # Tones (0,0), (1,1), (1,0), (−1,−1): n₋₁ = 2, n₀ = 3, n₁ = 3 (n = 8). Ordinal
    # distances: δ(−1,0) = (5 − 2.5)² = 6.25, δ(0,1) = (6 − 3)² = 9, δ(−1,1) = (8 − 2.5)² = 30.25.
    # D_o = 2·9/8 = 2.25; D_e = 2·(6·6.25 + 6·30.25 + 9·9)/56 = 600/56; alpha = 1 − 0.21 = 0.79.
    first = [Coding(str(i), "x", 10, t) for i, t in enumerate((0, 1, 1, -1))]
    second = [Coding(str(i), "x", 10, t) for i, t in enumerate((0, 1, 0, -1))]
    result = agreement(first, second)
    assert result.tone_alpha == pytest.approx(0.79, abs=1e-12)
    assert (result.items, result.tone_units, result.volume_units) == (4, 4, 4)
    assert result.volume_alpha is None  # every volume is 10: undefined


def test_a_subject_one_coder_missed_counts_as_no_time() -> None:
    first = [Coding("a", "x", 60, 0), Coding("a", "y", 30, 1), Coding("b", "x", 20, 0)]
    second = [Coding("a", "x", 60, 0), Coding("b", "x", 20, 0)]
    result = agreement(first, second)
    assert (result.volume_units, result.tone_units) == (3, 2)
    expected = alpha(np.array([[60, 30, 20], [60, 0, 20]], dtype=float), level="ratio")
    assert result.volume_alpha == expected


def test_the_draw_takes_the_share_rounded_up_and_never_the_first_coder() -> None:
    items = {f"i{n:03d}": ("c1" if n % 2 else "c2") for n in range(95)}
    drawn = checks_draw(items=items, share=1000, seed="3-6-1-4", coders=("c1", "c2", "c3"))
    assert len(drawn) == 10
    assert all(coder != items[item] for item, coder in drawn.items())
    assert drawn == checks_draw(items=items, share=1000, seed="3-6-1-4", coders=("c3", "c2", "c1"))
    assert drawn != checks_draw(items=items, share=1000, seed="3-6-1-5", coders=("c1", "c2", "c3"))
    assert checks_draw(items={"a": "c1"}, share=10000, seed="s", coders=("c1",)) == {}


def _primary() -> str:
    lines = []
    for n in range(10):
        coder = "c1" if n < 5 else "c2"
        lines.append(
            f"kh-{n},khabar,2022-10-25T20:{n:02d},news,600,tokayev,{30 + 10 * n},,{n % 3 - 1},0,1,kk,{coder}"
        )
        lines.append(
            f"kh-{n},khabar,2022-10-25T20:{n:02d},news,600,abden,{20 + n},,0,1,0,kk,{coder}"
        )
    return HEADER + "\n".join(lines) + "\n"


def test_second_codings_are_blind_and_give_alpha(media: Media, tmp_path: Path) -> None:
    items_import(plan=media.plan, data=_primary().encode(), file_name="p.csv", actor=ACTOR)
    media.plan.check_share = 3000
    media.plan.save(update_fields=["check_share"])
    assigned = checks_assign(plan=media.plan, seed="4-2-6", actor=ACTOR)
    assert len(assigned) == 3
    assert CheckAssignment.objects.count() == 3
    coder = sorted(assigned.values())[0]
    tasks = check_list_for_coder(plan=media.plan, coder=coder)
    assert [t.item for t in tasks] == sorted(i for i, c in assigned.items() if c == coder)
    assert {t.outlet for t in tasks} == {"khabar"}
    # The second coders agree on time except 5 s on each candidate item, and on tone.
    first = {
        (i, s): (sec, tone)
        for i, s, sec, tone in CodedItem.objects.values_list("item", "subject", "seconds", "tone")
    }
    lines = []
    for item, c in sorted(assigned.items()):
        for subject in ("tokayev", "abden"):
            sec, tone = first[(item, subject)]
            lines.append(
                f"{item},khabar,2022-10-25T20:00,news,600,{subject},{sec + 5},,{tone},0,1,kk,{c}"
            )
    summary = items_import(
        plan=media.plan,
        data=(HEADER + "\n".join(lines) + "\n").encode(),
        file_name="s.csv",
        actor=ACTOR,
    )
    assert (summary.items, summary.checks) == (6, 6)
    result = plan_agreement(plan=media.plan)
    firsts = [first[(i, s)][0] for i in sorted(assigned) for s in ("abden", "tokayev")]
    expected = alpha(np.array([firsts, [v + 5 for v in firsts]], dtype=float), level="ratio")
    assert (result.items, result.volume_units, result.tone_units) == (3, 6, 6)
    assert result.volume_alpha == pytest.approx(expected)
    assert result.tone_alpha == 1.0


def test_a_coder_not_drawn_cannot_code_an_item_again(media: Media) -> None:
    items_import(plan=media.plan, data=_primary().encode(), file_name="p.csv", actor=ACTOR)
    events = Event.objects.count()
    again = HEADER + "kh-0,khabar,2022-10-25T20:00,news,600,abden,20,,0,1,0,kk,c3\n"
    with pytest.raises(ItemFileInvalid) as refused:
        items_import(plan=media.plan, data=again.encode(), file_name="a.csv", actor=ACTOR)
    assert refused.value.data["problems"] == [
        {"line": 2, "column": "coder", "code": "coded_by_another"}
    ]
    twice = (
        HEADER
        + "\n".join(
            f"kh-99,khabar,2022-10-25T21:00,news,,abden,20,,0,1,0,kk,{c}" for c in ("c1", "c2")
        )
        + "\n"
    )
    with pytest.raises(ItemFileInvalid) as refused:
        items_import(plan=media.plan, data=twice.encode(), file_name="b.csv", actor=ACTOR)
    assert refused.value.data["problems"] == [
        {"line": 3, "column": "coder", "code": "coded_by_another"}
    ]
    assert (CodedItem.objects.count(), Event.objects.count()) == (20, events)


def test_a_seed_with_spaces_is_refused(media: Media) -> None:
    events = Event.objects.count()
    with pytest.raises(PlanInvalid) as refused:
        checks_assign(plan=media.plan, seed="four two", actor=ACTOR)
    assert refused.value.data == {"field": "seed"}
    assert (CheckAssignment.objects.count(), Event.objects.count()) == (0, events)


def test_the_commands(media: Media, capsys: pytest.CaptureFixture[str]) -> None:
    items_import(plan=media.plan, data=_primary().encode(), file_name="p.csv", actor=ACTOR)
    args = ("--election", "kz-test-presidential", "--plan", "odihr")
    call_command("media", "checks", "--seed", "1-2-3", *args)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "1 items drawn for a second coding."
    ((item, coder),) = CheckAssignment.objects.values_list("item", "coder")
    assert out[1:] == [f"  {coder}: 1"]
    call_command("media", "checks", "--coder", coder, *args)
    minute = int(item.split("-")[1])
    assert capsys.readouterr().out == f"{item},khabar,2022-10-25T20:{minute:02d}:00+06:00,news\n"
    call_command("media", "agreement", *args)
    assert (
        capsys.readouterr().out
        == "0 items coded twice; volume alpha — over 0 subject codings, tone alpha — over 0.\n"
    )
