"""Results night as a static site: an election's public pages, in every language, as files.

``snapshot_write`` renders each public page of an election (national, first-level units,
TECs, polling stations with their version history) and each open-data download those
pages link (the results API's CSV and JSON) through Django's own request handler, as an
anonymous reader would get them, and writes them under ``OUT/<language>/``:

* a page ``/e/<key>/c/<code>/`` → ``OUT/<lang>/e/<key>/c/<code>/index.html``;
* a download ``/api/v1/…/export/station?format=csv&within=X`` →
  ``OUT/<lang>/api/v1/…/export/station/@format=csv&within=X.csv`` (``@.json`` when the
  address has no query), a name a web server finds from the request's path and query
  (``deploy/nginx/psephos-snapshot.conf``);
* the static files the pages use (CSS, scripts) → ``OUT/<lang>/static/…``.

Each language's folder is a complete site whose links are absolute paths: any web server
with its root at ``OUT/en`` serves the English pages; the shipped nginx configuration
picks the folder by the portal's language cookie. The pages keep no session or CSRF
token: the language switch is a GET of the page (``?language=kk``) that the web server
answers by setting the language cookie.

Every file is written atomically (a temporary file beside it, then ``os.replace``) and
only when its bytes changed. With ``changed`` (station codes), only what an accepted
protocol of those stations changes is rendered again: the station's page and history,
its TEC's, its unit's and the national page, and the downloads those pages link.

A row of an export (a station's, a TEC's, a unit's) depends on that commission alone,
so the exports of the levels above (the nation's 10,101 station rows at full scale took
about half a second of CPU to render) are not rendered again: the changed row is taken
from the export limited to its commission (which its own page links, and which is
rendered) and put in place of the old row in the file already written
(``export_splice``), which gives the same bytes a full render would. A file that is
missing or lacks the row is rendered in full.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from psephos.commissions.enums import CommissionLevel
from psephos.commissions.selectors import (
    commission_ancestors,
    commission_codes,
    commission_list_for_level,
)
from psephos.core.errors import DomainError, ValidationFailed
from psephos.ledger.selectors import events_count, events_for_protocols, events_list
from psephos.results.selectors import result_commission_get, result_national_commission

from .downloads import download_links

if TYPE_CHECKING:
    from psephos.commissions.models import Commission
    from psephos.elections.models import Election

#: The name of a download's file in its path's folder: "@" + the query (safe characters only).
QUERY_SAFE = re.compile(r"[A-Za-z0-9=&._-]*")
_CSRF_INPUT = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')
_CSRF_HEADERS = re.compile(r""" hx-headers='\{"X-CSRFToken": "[^"]*"\}'""")
_LANG_FORM = re.compile(r'<form class="lang"[^>]*>')
_NEXT_INPUT = re.compile(r'<input name="next" type="hidden" value="[^"]*">')
#: The results API's exports hold codes and numbers only, the same in every language
#: (the snapshot test checks it): they are rendered once and written in each folder.
_LANGUAGE_FREE = re.compile(r"^/api/v1/elections/[^/]+/export/")
_STATIC_REF = re.compile(r'(?:href|src)="(/static/[^"?#]+)"')
#: An export of station, TEC or unit rows: its row level, format and the commission it
#: is limited to (none: national).
_ROW_EXPORT = re.compile(
    r"^/api/v1/elections/[^/]+/export/(station|tec|region)\?format=(csv|json)"
    r"(?:&within=([A-Za-z0-9._-]+))?$"
)
_JSON_ROWS = b'"rows": ['
#: A link to an address of the site (not ``//host``), in a page's HTML.
_SITE_HREF = re.compile(r' href="(/(?!/)[^"]*)"')
#: The downloads a snapshot holds: the results API's exports, summaries and protocols.
_DOWNLOAD = re.compile(
    r"^/api/v1/elections/[^/]+/(?:export/[a-z]+|results(?:/[A-Za-z0-9._-]+)?"
    r"|stations/[A-Za-z0-9._-]+/protocol)$"
)


class SnapshotFailed(DomainError):
    """A page or download of the snapshot did not answer 200, or a static file is missing."""

    code = "snapshot_failed"
    http_status = 409


@dataclass
class SnapshotReport:
    """What one run wrote: files rewritten and files whose bytes were already current.

    ``spliced`` counts the exports given the changed rows
    without being rendered again (``export_splice``).
    """

    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    rendered: int = 0
    spliced: int = 0
    seconds: float = 0.0


def _commission_page(election: Election, code: str | None) -> str:
    if code is None:
        return reverse("web:election", kwargs={"key": election.key})
    return reverse("web:commission", kwargs={"key": election.key, "code": code})


def _pages_of(election: Election, commission: Commission, *, national: bool) -> list[str]:
    """Return one commission's page, its PEC history page, and the downloads it links."""
    urls = [_commission_page(election, None if national else commission.code)]
    if commission.level == CommissionLevel.PEC:
        urls.append(
            reverse("results:station", kwargs={"key": election.key, "code": commission.code})
        )
    urls += [
        link["url"]
        for link in download_links(
            election_key=election.key, code=commission.code, level=commission.level
        )
    ]
    return urls


def snapshot_targets(*, election: Election, changed: Iterable[str] = ()) -> list[str]:
    """Return the addresses to render: every public page, or those the stations change.

    ``changed`` names polling stations (their PECs' codes): each brings its own page and
    history, and the pages of the commissions above it, with their downloads. Raises
    ``NotFound`` for a code not in the election's map and ``ValidationFailed`` for a
    commission that is not a polling station's.
    """
    national = result_national_commission(election=election)
    stations = list(changed)
    if not stations:
        urls = _pages_of(election, national, national=True)
        codes = commission_codes(geography_id=election.geography_id)
        pecs = {
            c.code: c
            for c in commission_list_for_level(
                geography=election.geography, level=CommissionLevel.PEC
            )
        }
        for code in sorted(codes.values()):
            if code == national.code:
                continue
            commission = pecs.get(code) or result_commission_get(election=election, code=code)
            urls += _pages_of(election, commission, national=False)
        return urls
    urls = []
    for code in stations:
        pec = result_commission_get(election=election, code=code)
        if pec.level != CommissionLevel.PEC:
            raise ValidationFailed(
                f"“{code}” is a {pec.level} commission, not a polling station.",
                data={"field": "changed", "code": code, "level": pec.level},
            )
        for commission in [*commission_ancestors(commission=pec), pec]:
            url_set = _pages_of(election, commission, national=commission.pk == national.pk)
            urls += [u for u in url_set if u not in urls]
    return urls


def target_file(root: Path, language: str, url: str) -> Path:
    """Return the file that serves ``url`` in ``language`` under the snapshot's root.

    A page (an address ending in ``/``) is its folder's ``index.html``; any other
    address is a folder holding ``@<query>.csv`` or ``@<query>.json`` (by ``format=``).
    """
    parts = urlsplit(url)
    path = parts.path.strip("/")
    base = root / language / path if path else root / language
    if parts.path.endswith("/"):
        return base / "index.html"
    if not QUERY_SAFE.fullmatch(parts.query):
        raise ValueError(f"query of {url!r} has characters a file name should not hold")
    ext = "csv" if "format=csv" in parts.query.split("&") else "json"
    return base / f"@{parts.query}.{ext}"


def write_atomic(path: Path, data: bytes) -> bool:
    """Replace ``path`` by ``data`` in one step unless it holds those bytes already.

    Returns whether the file was written. A reader sees the old file or the new one,
    never a part: the bytes go to a temporary file in the same folder, then ``os.replace``.
    """
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".snapshot-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it 0600; the web server's user must read it
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def static_html(text: str, links: LinkRule | None = None) -> str:
    """Return a page's HTML without per-visitor tokens, its language switch a GET form.

    A static page is the same for everyone: it cannot carry a CSRF token. The portal's
    language switch is already a GET of the page itself, ``?language=kk``, for every
    reader (``web.middleware.LanguageSwitchMiddleware``; the snapshot's web server
    answers it the same way, ``deploy/nginx/psephos-snapshot.conf``); a page whose
    switch still posts to ``/i18n/setlang/`` gets that GET form instead.

    With ``links``, every link to an address of the site that the snapshot does not
    hold (``links.held`` says no) points at the application (``links.app_url`` + the
    address) or, without an application address, loses its ``href`` (its text stays):
    no link of a snapshot page leads to a missing file.
    """
    text = _CSRF_INPUT.sub("", text)
    text = _CSRF_HEADERS.sub("", text)
    if _LANG_FORM.search(text):
        text = _NEXT_INPUT.sub("", _LANG_FORM.sub('<form class="lang" method="get">', text), 1)
    if links is not None:
        text = _SITE_HREF.sub(links.rewrite, text)
    return text


@dataclass(frozen=True)
class LinkRule:
    """Which site addresses a snapshot holds, and where the others point.

    ``pages`` are regular expressions of the page paths it holds (the election's
    results pages), ``extra`` the other pages it holds (the pages around the election
    that answered, ``snapshot_satellites``); the downloads the pages link are held
    (``_DOWNLOAD``). ``app_url`` is the application's origin for every other address
    (``https://vybory.example.kz``), or empty: such links lose their ``href``.
    """

    pages: tuple[re.Pattern[str], ...]
    extra: frozenset[str]
    app_url: str = ""

    def held(self, address: str) -> bool:
        """Return whether the snapshot holds the file that serves ``address``."""
        path, _q, query = address.partition("?")
        path = path.partition("#")[0]
        if path.startswith("/static/"):
            return True
        if _DOWNLOAD.match(path):
            return bool(QUERY_SAFE.fullmatch(query))
        return path in self.extra or any(p.fullmatch(path) for p in self.pages)

    def rewrite(self, match: re.Match[str]) -> str:
        """Return one ``href`` as the snapshot writes it (``static_html``)."""
        address = html.unescape(match.group(1))
        if self.held(address):
            return match.group(0)
        if self.app_url:
            return f' href="{html.escape(self.app_url + address)}"'
        return ""


def _link_rule(election: Election, out: Path, langs: list[str], app_url: str) -> LinkRule:
    """Return the link rule of the election's snapshot under ``out`` (its satellites on disk)."""
    extra = frozenset(
        url
        for url in snapshot_satellites(election=election)
        if all(target_file(out, lang, url).is_file() for lang in langs)
    )
    return LinkRule(_results_pages(election), extra, app_url.rstrip("/"))


def _results_pages(election: Election) -> tuple[re.Pattern[str], ...]:
    """Return the paths of the election's results pages, which every snapshot holds."""
    key = re.escape(election.key)
    return (
        re.compile(rf"/e/{key}/(?:c/[A-Za-z0-9._-]+/)?"),
        re.compile(rf"/results/{key}/stations/[A-Za-z0-9._-]+/"),
    )


def snapshot_satellites(*, election: Election) -> list[str]:
    """Return the pages around the election's results that its pages link and a snapshot holds.

    The election's calendar and voter calendar, candidates, campaign funds, media
    monitoring, appeal finality, quarantined protocols, observers' findings and accreditations and its
    statistical integrity report, and the site's home, complaints register,
    observation, media, recommendations, ledger and integrity pages: public pages that
    need no form. One that does not answer 200 (no integrity report yet) is left out.
    """
    key = election.key
    return [
        reverse(name, kwargs=kwargs)
        for name, kwargs in (
            ("web:home", {}),
            ("elections:calendar", {"election": key}),
            ("web:voter-calendar", {"key": key}),
            ("candidates:list", {"key": key}),
            ("finance:list", {"key": key}),
            ("media:election", {"key": key}),
            ("complaints:finality", {"election": key}),
            ("web:quarantine", {"key": key}),
            ("observation:findings", {"election": key}),
            ("observation:accreditations", {"election": key}),
            ("integrity:report", {"election_key": key}),
            ("complaints:register", {}),
            ("observation:index", {}),
            ("media:index", {}),
            ("recommendations:reports", {}),
            ("ledger:index", {}),
            ("integrity:index", {}),
        )
    ]


def _export_row(data: bytes, fmt: str, column: str, code: str) -> bytes:
    """Return the row of ``code`` in its own one-row export (limited to it), as bytes."""
    if fmt == "csv":
        _header, _sep, row = data.partition(b"\n")
        good = row.startswith(code.encode() + b",") and row.count(b"\n") == 1
    else:
        start = data.find(_JSON_ROWS) + len(_JSON_ROWS)
        row = data[start:-2]
        good = (
            start >= len(_JSON_ROWS)
            and data.endswith(b"]}")
            and row.startswith(f'{{"{column}": "{code}", '.encode())
        )
    if not good:
        raise SnapshotFailed(
            f"The {column} export of {code} is not its one row.", data={column: code}
        )
    return row


def export_splice(existing: bytes, fmt: str, column: str, rows: dict[str, bytes]) -> bytes | None:
    """Return an export with the row of each ``code`` replaced by ``rows[code]``.

    ``existing`` is the export as written before (CSV with a header line, or the one-line
    JSON document whose ``rows`` come last), its rows keyed by their first column,
    ``column`` (station, tec or region); ``rows`` holds each changed row as the export
    limited to that code writes it (``_export_row``). Rows are flat (codes, numbers, a
    status), so a row starts at its code and ends where the next row starts. Returns
    ``None`` when a row is not in ``existing`` (render it in full).
    """
    out = existing
    for code, row in rows.items():
        if fmt == "csv":
            start = out.find(b"\n" + code.encode() + b",") + 1
            end = out.find(b"\n", start) + 1
            if start == 0 or end == 0:
                return None
        else:
            start = out.find(f'{{"{column}": "{code}", '.encode(), out.find(_JSON_ROWS))
            end = out.find(f', {{"{column}": "'.encode(), start)
            if end == -1:
                end = len(out) - 2 if out.endswith(b"]}") else -1
            if start == -1 or end == -1:
                return None
        out = out[:start] + row + out[end:]
    return out


@dataclass(frozen=True)
class _Splice:
    """An export to splice: its format, row column, and each changed row's source URL."""

    fmt: str
    column: str
    sources: dict[str, str]


def _splice_plan(urls: list[str], chains: dict[str, dict[str, str]]) -> dict[str, _Splice]:
    """Return the exports among ``urls`` that take the changed rows instead of a render.

    ``chains`` maps each changed station to its commissions' codes by row level
    (``station``, ``tec``, ``region``; from the station up). The row of a commission
    comes from the export limited to it (a TEC's page links ``export/tec?within=TEC``);
    an export of that level is spliced when every changed row in it has such a source.
    """
    parsed = {url: m.groups() for url in urls if (m := _ROW_EXPORT.match(url))}
    plan: dict[str, _Splice] = {}
    for url, (column, fmt, within) in parsed.items():
        codes = {
            chain[column]
            for chain in chains.values()
            if column in chain and (within is None or within in chain.values())
        }
        if within in codes:
            continue  # the export of the changed row itself: a source, rendered
        sources = {code: _row_export_url(url, column, fmt, code) for code in codes}
        if all(src in parsed for src in sources.values()):
            plan[url] = _Splice(fmt, column, sources)
    return plan


def _row_export_url(url: str, column: str, fmt: str, code: str) -> str:
    """Return the address of ``url``'s export limited to ``code``."""
    base = url.split("/export/", 1)[0]
    return f"{base}/export/{column}?format={fmt}&within={code}"


def _row_chains(election: Election, stations: list[str]) -> dict[str, dict[str, str]]:
    """Return, per station, its own code and its TEC's and unit's by export row level."""
    level_column: dict[str, str] = {
        CommissionLevel.PEC: "station",
        CommissionLevel.TEC_DISTRICT: "tec",
        CommissionLevel.TEC_REGION: "region",
    }
    chains = {}
    for code in stations:
        pec = result_commission_get(election=election, code=code)
        chains[code] = {
            level_column[c.level]: c.code
            for c in [*commission_ancestors(commission=pec), pec]
            if c.level in level_column
        }
    return chains


def _host() -> str:
    """Return a host name the site accepts, for the requests made in process."""
    for host in settings.ALLOWED_HOSTS:
        if host not in ("*", ""):
            return host.lstrip(".")
    return "localhost"


def _static_source(name: str) -> Path:
    """Return the file behind ``/static/<name>``: collected if present, else from the apps."""
    collected = Path(settings.STATIC_ROOT) / name if settings.STATIC_ROOT else None
    if collected is not None and collected.is_file():
        return collected
    found = finders.find(name)
    if not found:
        raise SnapshotFailed(
            f"The static file “{name}” that the pages use is not found.",
            data={"static": name},
        )
    return Path(found if isinstance(found, str) else found[0])


def _render(
    client: Client, url: str, lang: str, statics: set[str], links: LinkRule | None
) -> bytes:
    """Return the bytes ``url`` answers in ``lang``; a page's without its tokens."""
    response = client.get(url, secure=True)
    if response.status_code != 200:
        raise SnapshotFailed(
            f"{url} answered {response.status_code} in {lang}; the snapshot stops there.",
            data={"url": url, "language": lang, "status": response.status_code},
        )
    if not url.endswith("/"):
        return response.content
    text = static_html(response.content.decode(response.charset or "utf-8"), links)
    statics.update(_STATIC_REF.findall(text))
    return text.encode("utf-8")


def snapshot_write(
    *,
    election: Election,
    out: Path,
    changed: Iterable[str] = (),
    languages: Iterable[str] | None = None,
    advance: Callable[[int], None] | None = None,
    splice: bool = True,
    satellites: bool | None = None,
    results: bool = True,
    app_url: str = "",
) -> SnapshotReport:
    """Render the election's public pages and downloads into ``out``; return what changed.

    ``changed`` limits the run to what those stations' protocols change (see
    ``snapshot_targets``); the exports above the stations then get the changed rows
    in place of the old (``export_splice``) unless ``splice`` is
    false (every export rendered in full: the benchmark's baseline). ``satellites``
    (default: only for a full run) renders the pages around the results first
    (``snapshot_satellites``); ``results=False`` writes only those. A link to anything
    the snapshot does not hold points at ``app_url`` or loses its ``href`` (``LinkRule``). ``advance`` is called after each
    file rendered. Raises ``SnapshotFailed`` (nothing more is written) when a results
    page does not answer 200.
    """
    started = time.perf_counter()
    langs = list(languages or [code for code, _name in settings.LANGUAGES])
    stations = sorted(set(changed))
    urls = snapshot_targets(election=election, changed=stations) if results else []
    spliced: dict[str, _Splice] = {}
    if stations and splice:
        spliced = _splice_plan(urls, _row_chains(election, stations))
    # The exports limited to a changed commission first: the spliced files take their rows.
    urls = [u for u in urls if u not in spliced] + [u for u in urls if u in spliced]
    report = SnapshotReport()
    # A page that fails is reported by its address (SnapshotFailed), not as a traceback.
    client = Client(HTTP_HOST=_host(), raise_request_exception=False)
    static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    shared: dict[str, bytes] = {}  # language-free downloads, rendered once
    statics: set[str] = set()
    if satellites if satellites is not None else not stations:
        links = _satellites_write(client, election, out, langs, report, statics, app_url)
    else:
        links = _link_rule(election, out, langs, app_url)
    for lang in langs:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        for url in urls:
            data = None
            if url in spliced:
                data = _spliced(out, lang, url, spliced[url], shared)
                report.spliced += data is not None
            if data is None:
                data = shared.get(url)
            if data is None:
                data = _render(client, url, lang, statics, links)
                if _LANGUAGE_FREE.search(url):
                    shared[url] = data
            if write_atomic(target_file(out, lang, url), data):
                report.written.append(target_file(out, lang, url))
            else:
                report.unchanged += 1
            report.rendered += 1
            if advance is not None:
                advance(1)
    for lang in langs:
        for ref in sorted(statics):
            if not ref.startswith(static_prefix):
                continue
            name = ref.removeprefix(static_prefix)
            source = _static_source(name)
            target = out / lang / ref.strip("/")
            if not target.is_file() or target.read_bytes() != source.read_bytes():
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_name(f".snapshot-{target.name}.tmp")
                shutil.copyfile(source, tmp)
                os.chmod(tmp, 0o644)
                os.replace(tmp, target)
                report.written.append(target)
    report.seconds = time.perf_counter() - started
    return report


def _satellites_write(
    client: Client,
    election: Election,
    out: Path,
    langs: list[str],
    report: SnapshotReport,
    statics: set[str],
    app_url: str,
) -> LinkRule:
    """Write the satellite pages that answer 200 in every language; return the link rule.

    A satellite that does not answer (an election without an integrity report) is
    left out, and its old files removed: the pages stop linking it.
    """
    answers: dict[str, dict[str, str]] = {}
    for lang in langs:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        for url in snapshot_satellites(election=election):
            response = client.get(url, secure=True)
            if response.status_code == 200:
                text = response.content.decode(response.charset or "utf-8")
                answers.setdefault(url, {})[lang] = text
    held = {url: texts for url, texts in answers.items() if len(texts) == len(langs)}
    links = LinkRule(_results_pages(election), frozenset(held), app_url.rstrip("/"))
    for url in snapshot_satellites(election=election):
        for lang in langs:
            target = target_file(out, lang, url)
            if url not in held:
                target.unlink(missing_ok=True)
                continue
            text = static_html(held[url][lang], links)
            statics.update(_STATIC_REF.findall(text))
            if write_atomic(target, text.encode("utf-8")):
                report.written.append(target)
            else:
                report.unchanged += 1
            report.rendered += 1
    return links


def _spliced(
    out: Path, lang: str, url: str, plan: _Splice, shared: dict[str, bytes]
) -> bytes | None:
    """Return the export at ``url`` with the changed rows, from its file in ``lang``.

    ``None`` when there is no file yet or a row is not in it: the caller renders it.
    """
    try:
        existing = target_file(out, lang, url).read_bytes()
    except FileNotFoundError:
        return None
    rows = {
        code: _export_row(shared[src], plan.fmt, plan.column, code)
        for code, src in plan.sources.items()
    }
    return export_splice(existing, plan.fmt, plan.column, rows)


def snapshot_changes(*, election: Election, after: int) -> tuple[set[str] | None, int]:
    """Return the stations whose protocol events follow event ``after``, and the last seq.

    ``None`` instead of stations when the election was certified since: every page
    changes (the figures stop refreshing, the outcome is final).
    """
    last = events_count()
    if events_list(after=after, action="election.certify", object_key=election.key).exists():
        return None, last
    events = events_for_protocols(election_key=election.key, after=after)
    stations = {str(e["object_key"]).split("/", 1)[1] for e in events if e["seq"] <= last}
    return stations, last


def snapshot_follow(
    *,
    election: Election,
    out: Path,
    after: int | None = None,
    every: float = 1.0,
    rounds: int | None = None,
    languages: Iterable[str] | None = None,
    report: Callable[[set[str] | None, SnapshotReport], None] | None = None,
    satellites_every: float = 30.0,
    app_url: str = "",
) -> int:
    """Keep the snapshot current: every ``every`` seconds, rewrite what the ledger says changed.

    Starts after event ``after`` (default: the ledger's latest now), reads the election's
    protocol events since the last look (``snapshot_changes``) and rewrites those
    stations' four levels, or everything after a certification. The pages around the
    results (``snapshot_satellites``: the ledger, findings, complaints…) are rewritten
    with them when the ledger moved and ``satellites_every`` seconds have passed since
    they were last written (they lag the ledger by at most that). Stops after ``rounds``
    looks (``None``: never). Returns the last event seen.
    """
    last = events_count() if after is None else after
    satellites_at = time.monotonic()  # the full run before the first look wrote them
    done = 0
    while rounds is None or done < rounds:
        if done:
            time.sleep(every)
        done += 1
        stations, seen = snapshot_changes(election=election, after=last)
        due = seen > last and time.monotonic() - satellites_at >= satellites_every
        if stations is None or stations or due:
            written = snapshot_write(
                election=election,
                out=out,
                changed=sorted(stations or ()),
                languages=languages,
                satellites=due or stations is None,
                results=stations is None or bool(stations),
                app_url=app_url,
            )
            if due or stations is None:
                satellites_at = time.monotonic()
            if report is not None:
                report(stations, written)
        last = seen
    return last
