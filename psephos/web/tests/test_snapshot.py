"""``psephos snapshot``: the election's public pages as static files, rewritten incrementally."""

from __future__ import annotations

import csv
import hashlib
import html
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.elections.selectors import election_get
from psephos.results.models import Protocol
from psephos.results.services.protocols import protocol_accept
from psephos.web.snapshot import (
    LinkRule,
    export_splice,
    snapshot_follow,
    snapshot_targets,
    static_html,
    target_file,
    write_atomic,
)
from tests.support.protocols import station_protocol_accept

from .election import SmallElection

KEY = "kz-2022-presidential"
STATION, TEC, UNIT = "KZ-75-0001", "KZ-75-01", "KZ-75"


def _state(root: Path) -> dict[str, tuple[str, int]]:
    """Return every file under the root with its SHA-256 and modification time."""
    return {
        str(p.relative_to(root)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


def _snapshot(out: Path, *extra: str) -> str:
    stdout = StringIO()
    call_command("snapshot", KEY, "--out", str(out), "--no-progress", *extra, stdout=stdout)
    return stdout.getvalue()


_LINK = re.compile(r'(?:href|src)="(/(?!/)[^"]*)"')


def _missing_links(root: Path) -> dict[str, list[str]]:
    """Return, per page of the snapshot, the links whose file the snapshot lacks.

    A page's link is found as a plain static server finds it (``<path>/index.html``, a
    static file), a download by the snapshot's name for its query (``target_file``).
    """
    missing: dict[str, list[str]] = {}
    for page in root.glob("*/**/index.html"):
        lang = page.relative_to(root).parts[0]
        for link in _LINK.findall(page.read_text()):
            address = html.unescape(link).partition("#")[0]
            path = address.partition("?")[0]
            if path.endswith("/") or path.startswith("/static/"):
                found = (
                    root / lang / path.strip("/") / ("index.html" if path.endswith("/") else "")
                ).is_file()
            else:
                found = target_file(root, lang, address).is_file()
            if not found:
                missing.setdefault(str(page.relative_to(root)), []).append(address)
    return missing


def _station_row(path: Path) -> dict[str, str]:
    return next(r for r in csv.DictReader(path.open()) if r["station"] == STATION)


def _level_of(path: str) -> str | None:
    """Return which of the four levels' commission a snapshot file belongs to, if any."""
    match = re.search(r"/c/([^/]+)/index\.html$|/stations/([^/]+)/", path)
    if match:
        return match.group(1) or match.group(2)
    match = re.search(r"within=([^&.]+(?:\.[^&.]+)*)\.(?:csv|json)$", path)
    if match:
        return match.group(1)
    if re.search(rf"/e/{KEY}/index\.html$", path) or re.search(
        r"/export/[a-z]+/@format=(csv|json)\.\1$|/results/@\.json$", path
    ):
        return "national"
    match = re.search(r"/results/([^/]+)/@\.json$", path)
    return match.group(1) if match else None


# Runs once, in the SQLite half of make test: the files are the pages' bytes, which cannot
# differ between engines (the pages' queries run on both in the page tests).
@pytest.mark.once
def test_full_snapshot_then_one_accepted_protocol_rewrites_only_its_four_levels(
    db: None, tmp_path: Path
) -> None:
    call_command(
        "simulate",
        KEY,
        "--scale",
        "0.001",
        "--leave-open",
        TEC,
        "--no-mission",
        "--no-media",
        "--no-progress",
        stdout=StringIO(),
    )
    out = tmp_path / "site"
    assert "0 unchanged" in _snapshot(out)
    before = _state(out)
    for lang in ("kk", "ru", "en"):
        for page in (f"e/{KEY}/index.html", f"e/{KEY}/c/{STATION}/index.html"):
            assert f"{lang}/{page}" in before
        assert f"{lang}/static/web/psephos.css" in before
    page = (out / "kk" / "e" / KEY / "index.html").read_text()
    assert '<html lang="kk">' in page
    assert "csrfmiddlewaretoken" not in page and "X-CSRFToken" not in page
    # The pages the election's pages link are in the snapshot, and no link of any page
    # leads to a missing file; the ones that need the application (log in, forms, the
    # observer room, ledger events) lose their address.
    for lang in ("kk", "ru", "en"):
        for satellite in (
            f"complaints/calendar/{KEY}",
            f"candidates/{KEY}",
            f"observation/findings/{KEY}",
            f"observation/accreditations/{KEY}",
            "observation",
            "ledger",
            "",
        ):
            assert (out / lang / satellite / "index.html").is_file(), (lang, satellite)
    assert _missing_links(out) == {}
    assert 'href="/login/' not in page and "/room/" not in page
    assert ">Log in<" in (out / "en" / "e" / KEY / "index.html").read_text()  # text stays
    national_csv = out / f"en/api/v1/elections/{KEY}/export/station/@format=csv.csv"
    assert _station_row(national_csv)["status"] == "draft"

    lines, _tec = station_protocol_accept(election=election_get(key=KEY), station=STATION)

    # The exports of station, TEC and unit rows above the station, CSV and JSON, in
    # three languages: the nation's 3 row levels, the unit's TEC and station rows, the
    # TEC's station rows.
    assert "(36 exports spliced)" in _snapshot(out, "--changed", STATION)
    after = _state(out)
    changed = {path for path in after if after[path] != before.get(path)}
    assert set(after) == set(before)
    levels = {path: _level_of(path) for path in changed}
    assert set(levels.values()) == {"national", UNIT, TEC, STATION}, levels
    for lang in ("kk", "ru", "en"):
        for page in (
            f"e/{KEY}/index.html",
            f"e/{KEY}/c/{UNIT}/index.html",
            f"e/{KEY}/c/{TEC}/index.html",
            f"e/{KEY}/c/{STATION}/index.html",
            f"results/{KEY}/stations/{STATION}/index.html",
        ):
            assert f"{lang}/{page}" in changed
    # Every other file kept its bytes and its modification time.
    for path in set(before) - changed:
        assert after[path] == before[path]
    # The new figures are in the pages and the downloads.
    row = _station_row(national_csv)
    assert (row["status"], row["ballots_valid"]) == (
        "accepted",
        str(lines.ballots_valid),
    )
    # The exports above the station got its, its TEC's and its unit's new rows spliced
    # in: the same bytes the API answers now, in every language's folder.
    client = Client()
    for level, within in [
        *[(level, "") for level in ("station", "tec", "region")],
        ("station", f"&within={UNIT}"),
        ("tec", f"&within={UNIT}"),
        ("station", f"&within={TEC}"),
    ]:
        for fmt in ("csv", "json"):
            url = f"/api/v1/elections/{KEY}/export/{level}?format={fmt}{within}"
            for lang in ("kk", "ru", "en"):
                assert str(target_file(Path(), lang, url)) in changed
                assert target_file(out, lang, url).read_bytes() == client.get(url).content, url
    protocol_url = f"/api/v1/elections/{KEY}/stations/{STATION}/protocol"
    stored = json.loads(target_file(out, "en", protocol_url).read_text())
    assert stored["status"] == "accepted"
    assert stored["votes"] == lines.votes

    assert _missing_links(out) == {}

    # A second run with nothing new writes nothing.
    assert ", 0 written," in _snapshot(out, "--changed", STATION)
    with pytest.raises(CommandError, match="not a polling station"):
        _snapshot(out, "--changed", TEC)


def test_write_atomic_replaces_in_one_step_and_skips_equal_bytes(tmp_path: Path) -> None:
    target = tmp_path / "a" / "index.html"
    assert write_atomic(target, b"one")
    assert not write_atomic(target, b"one")
    assert write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert oct(target.stat().st_mode & 0o777) == "0o644"
    assert [p.name for p in target.parent.iterdir()] == ["index.html"]


def test_links_the_snapshot_lacks_point_at_the_application_or_lose_their_address() -> None:
    rule = LinkRule((re.compile(r"/e/k/(?:c/[A-Z0-9-]+/)?"),), frozenset({"/ledger/"}))
    page = (
        '<a href="/e/k/c/A-1/">A</a> <a href="/ledger/">L</a> <a href="/login/?next=/e/k/">In</a>'
        ' <a href="/api/v1/elections/k/export/tec?format=csv&amp;within=A">CSV</a>'
        ' <a href="/api/v1/elections/k/export/tec?within=../x">bad</a>'
        ' <a href="//cdn.example/x">cdn</a> <a href="#content">skip</a>'
    )
    assert static_html(page, rule) == (
        '<a href="/e/k/c/A-1/">A</a> <a href="/ledger/">L</a> <a>In</a>'
        ' <a href="/api/v1/elections/k/export/tec?format=csv&amp;within=A">CSV</a>'
        " <a>bad</a>"
        ' <a href="//cdn.example/x">cdn</a> <a href="#content">skip</a>'
    )
    app = LinkRule(rule.pages, rule.extra, "https://vybory.example.kz")
    assert '<a href="https://vybory.example.kz/login/?next=/e/k/">In</a>' in static_html(page, app)


def test_export_splice_replaces_only_the_stations_rows() -> None:
    csv_text = b"station,tec,ballots_valid,status\nA-1,T,,draft\nA-2,T,,draft\nA-3,T,5,accepted\n"
    assert export_splice(
        csv_text, "csv", "station", {"A-2": b"A-2,T,7,accepted\n", "A-3": b"A-3,T,6,x\n"}
    ) == (b"station,tec,ballots_valid,status\nA-1,T,,draft\nA-2,T,7,accepted\nA-3,T,6,x\n")
    # A prefix of another code is not its row; a row that is not there: render in full.
    assert export_splice(csv_text, "csv", "station", {"A-": b"A-,T,1,accepted\n"}) is None
    rows = [{"station": c, "votes": None} for c in ("A-1", "A-2", "A-3")]
    doc = {"election": "e", "columns": ["station", "votes"], "rows": rows}
    new = {"A-1": {"station": "A-1", "votes": 4}, "A-3": {"station": "A-3", "votes": 9}}
    spliced = export_splice(
        json.dumps(doc, ensure_ascii=False).encode(),
        "json",
        "station",
        {code: json.dumps(row).encode() for code, row in new.items()},
    )
    assert spliced is not None
    assert json.loads(spliced)["rows"] == [new["A-1"], rows[1], new["A-3"]]
    assert export_splice(json.dumps(doc).encode(), "json", "station", {"A-9": b"{}"}) is None


def test_static_html_drops_tokens_and_makes_the_language_switch_a_get() -> None:
    page = (
        '<body hx-headers=\'{"X-CSRFToken": "abc"}\'>'
        '<form class="lang" action="/i18n/setlang/" method="post">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="tok">'
        '<input name="next" type="hidden" value="/e/k/">'
        '<button type="submit" name="language" value="kk">'
    )
    assert static_html(page) == (
        '<body><form class="lang" method="get"><button type="submit" name="language" value="kk">'
    )


def test_download_file_names_follow_the_query() -> None:
    root = Path("/s")
    assert target_file(root, "kk", "/e/k/") == Path("/s/kk/e/k/index.html")
    assert target_file(root, "en", "/api/v1/elections/k/export/tec?format=csv&within=A-1") == Path(
        "/s/en/api/v1/elections/k/export/tec/@format=csv&within=A-1.csv"
    )
    assert target_file(root, "ru", "/api/v1/elections/k/results") == Path(
        "/s/ru/api/v1/elections/k/results/@.json"
    )
    with pytest.raises(ValueError, match="file name"):
        target_file(root, "en", "/api/x?within=../../etc")


def test_the_exports_written_once_for_every_language_are_the_same_in_each(small: object) -> None:
    """The snapshot renders the results API's exports once (``_LANGUAGE_FREE``)."""
    client = Client()
    for url in (
        f"/api/v1/elections/{KEY}/export/station?format=csv",
        f"/api/v1/elections/{KEY}/export/region?format=json",
    ):
        answers = set()
        for lang in ("kk", "ru", "en"):
            client.cookies["django_language"] = lang
            response = client.get(url)
            assert response.status_code == 200
            answers.add(response.content)
        assert len(answers) == 1, url


def test_follow_rewrites_what_the_ledger_says_changed(small: SmallElection, tmp_path: Path) -> None:
    """``snapshot_follow`` finds the accepted protocol in the ledger and writes its four levels."""
    from psephos.ledger.selectors import events_count

    out = tmp_path / "site"
    since = events_count()
    assert snapshot_follow(election=small.election, out=out, after=since, rounds=1) == since
    assert not out.exists()  # nothing happened: nothing written

    pec = small.submitted_pec
    tec_user = User.objects.create(
        username="follow-tec", role=Role.TEC_OPERATOR, commission=pec.parent
    )
    protocol_accept(
        user=tec_user, protocol=Protocol.objects.get(election=small.election, commission=pec)
    )
    seen: list[set[str] | None] = []
    last = snapshot_follow(
        election=small.election,
        out=out,
        after=since,
        rounds=1,
        languages=["en"],
        report=lambda stations, _report: seen.append(stations),
    )
    assert last == events_count() > since
    assert seen == [{pec.code}]
    written = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    expected = {
        str(target_file(Path(), "en", url))
        for url in snapshot_targets(election=small.election, changed=[pec.code])
    }
    assert {w for w in written if not w.startswith("en/static/")} == expected
    levels = {_level_of(w) for w in expected}
    assert levels == {"national", pec.parent.parent.code, pec.parent.code, pec.code}
