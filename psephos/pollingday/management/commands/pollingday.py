"""``psephos pollingday``: election day at the polling station from the command line.

psephos pollingday protocol --election KEY --station CODE [--language kk|ru|en] --out FILE.pdf
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from psephos.core.commands import DomainCommand
from psephos.voters.selectors import election_station_get

from ...rules.protocol_qr import figures_digest
from ...selectors_protocol import LANGUAGES, protocol_language, protocol_paper


class Command(DomainCommand):
    help = "Election day at the polling station: print a station's paper protocol with its QR code."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="area", required=True)
        p = sub.add_parser("protocol", help="write the station's protocol as a PDF with a QR code")
        p.add_argument("--election", required=True)
        p.add_argument("--station", required=True)
        p.add_argument(
            "--language",
            choices=LANGUAGES,
            help="the protocol's language (default: the precinct commission's, kk or ru)",
        )
        p.add_argument("--out", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        election, station = election_station_get(key=options["election"], code=options["station"])
        language = options["language"] or protocol_language(election=election, station=station)
        data, figures = protocol_paper(election=election, station=station, language=language)
        options["out"].write_bytes(data)
        digest = figures_digest(figures)
        self.stdout.write(
            _(
                "%(file)s: the protocol of station %(code)s, %(bytes)d bytes; figures SHA-256 %(sha)s."
            )
            % {"file": options["out"], "code": station.code, "bytes": len(data), "sha": digest}
        )
