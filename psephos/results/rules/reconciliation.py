"""Control relations of a precinct results protocol (kazakhstan-rules.md §7.2).

``check_protocol`` returns every broken relation, each with a stable id, a
message naming the numbers involved, and the numbers themselves. An empty list
means the protocol reconciles.
"""

from __future__ import annotations

from dataclasses import dataclass

from .lines import LINE_NAMES, ProtocolLines


@dataclass(frozen=True, slots=True)
class Breach:
    """One broken control relation."""

    relation: str
    message: str
    numbers: dict[str, int]

    def as_dict(self) -> dict[str, object]:
        return {"relation": self.relation, "message": self.message, "numbers": self.numbers}


def check_protocol(
    lines: ProtocolLines, *, option_keys: list[str], both_marked_allowed: bool = True
) -> list[Breach]:
    """Return the control relations the protocol breaks, in relation order.

    ``both_marked_allowed`` is false for a candidate ballot: only a yes/no ballot
    has the line "both options marked" (valid but counted for neither option).
    """
    breaches: list[Breach] = []
    negatives = {name: lines.line(name) for name in LINE_NAMES if lines.line(name) < 0}
    negatives |= {f"votes.{k}": v for k, v in lines.votes.items() if v < 0}
    if negatives:
        breaches.append(
            Breach("R10", "Every count must be zero or more: " + _fmt(negatives) + ".", negatives)
        )
    missing = sorted(set(option_keys) - set(lines.votes))
    unknown = sorted(set(lines.votes) - set(option_keys))
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing votes for " + ", ".join(missing))
        if unknown:
            parts.append("votes for unknown options " + ", ".join(unknown))
        breaches.append(
            Breach("R0", "The options must be exactly the ballot's: " + "; ".join(parts) + ".", {})
        )

    received, issued = lines.ballots_received, lines.ballots_issued
    cancelled, found = lines.ballots_cancelled, lines.ballots_found
    if received != issued + cancelled:
        breaches.append(
            Breach(
                "R1",
                f"Ballots received ({received}) must equal ballots issued ({issued}) "
                f"+ ballots cancelled ({cancelled}) = {issued + cancelled}.",
                {
                    "ballots_received": received,
                    "ballots_issued": issued,
                    "ballots_cancelled": cancelled,
                },
            )
        )
    if issued > lines.voters_on_list:
        breaches.append(
            Breach(
                "R2",
                f"Ballots issued ({issued}) must not exceed voters on the list ({lines.voters_on_list}).",
                {"ballots_issued": issued, "voters_on_list": lines.voters_on_list},
            )
        )
    if found > issued:
        breaches.append(
            Breach(
                "R3",
                f"Ballots found in the boxes ({found}) must not exceed ballots issued ({issued}).",
                {"ballots_found": found, "ballots_issued": issued},
            )
        )
    option_sum = sum(lines.votes.values())
    valid, both = lines.ballots_valid, lines.ballots_both_marked
    if option_sum + both != valid:
        breaches.append(
            Breach(
                "R4",
                f"Valid ballots ({valid}) must equal the votes for all options ({option_sum})"
                + (f" + ballots with both options marked ({both})" if both else "")
                + f" = {option_sum + both}.",
                {"ballots_valid": valid, "votes_total": option_sum, "ballots_both_marked": both},
            )
        )
    if found != valid + lines.ballots_invalid:
        breaches.append(
            Breach(
                "R5",
                f"Ballots found in the boxes ({found}) must equal valid ({valid}) "
                f"+ invalid ({lines.ballots_invalid}) = {valid + lines.ballots_invalid}.",
                {
                    "ballots_found": found,
                    "ballots_valid": valid,
                    "ballots_invalid": lines.ballots_invalid,
                },
            )
        )
    if lines.voted_with_certificate > issued:
        breaches.append(
            Breach(
                "R7",
                f"Voters with an absentee certificate ({lines.voted_with_certificate}) "
                f"must not exceed ballots issued ({issued}).",
                {"voted_with_certificate": lines.voted_with_certificate, "ballots_issued": issued},
            )
        )
    if lines.ballots_issued_mobile > issued:
        breaches.append(
            Breach(
                "R9",
                f"Ballots issued outside the station ({lines.ballots_issued_mobile}) "
                f"must not exceed ballots issued ({issued}).",
                {"ballots_issued_mobile": lines.ballots_issued_mobile, "ballots_issued": issued},
            )
        )
    if not both_marked_allowed and lines.ballots_both_marked:
        breaches.append(
            Breach(
                "R12",
                f"Ballots with both options marked ({lines.ballots_both_marked}) exist only on a "
                "yes/no ballot; this ballot has candidates, so the line must be 0.",
                {"ballots_both_marked": lines.ballots_both_marked},
            )
        )
    return breaches


def _fmt(numbers: dict[str, int]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in numbers.items())
