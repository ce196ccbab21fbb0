"""The shipped nginx configuration serves a snapshot: Debian's nginx on loopback.

nginx runs with ``deploy/nginx/psephos-snapshot.conf`` itself (its root, listening
address and application address replaced), over a snapshot of the portal's small
election; a stub stands in for the application behind it.
"""

from __future__ import annotations

import gzip
import http.client
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.utils.translation import get_language_from_request

from psephos.web.snapshot import snapshot_write
from tests.support.nginx import nginx_start

from .election import KEY, SmallElection


class _App(BaseHTTPRequestHandler):
    """The application's stand-in: says that it answered, and what it was asked."""

    def _answer(self) -> None:
        body = f"application: {self.command} {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served(small: SmallElection, tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """Snapshot the small election and serve it through nginx; yield its port and the tree."""
    snapshot = tmp_path / "site"
    snapshot_write(election=small.election, out=snapshot)
    app = ThreadingHTTPServer(("127.0.0.1", 0), _App)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    try:
        nginx = nginx_start(snapshot=snapshot, app=app.server_address[1], work=tmp_path / "nginx")
        try:
            yield nginx.port, snapshot
        finally:
            nginx.stop()
    finally:
        app.shutdown()
        app.server_close()


def _get(
    port: int, path: str, method: str = "GET", **headers: str
) -> tuple[http.client.HTTPResponse, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


# Runs once, in the SQLite half of make test: nginx serves files; the engine is not involved.
@pytest.mark.once
def test_nginx_serves_the_snapshot_and_passes_the_rest_to_the_application(
    served: tuple[int, Path],
) -> None:
    port, snapshot = served
    national = f"/e/{KEY}/"
    response, body = _get(port, national, Cookie="django_language=kk")
    assert response.status == 200
    assert response.getheader("X-Psephos-Source") is None
    assert body == (snapshot / "kk" / "e" / KEY / "index.html").read_bytes()
    assert '<html lang="kk">' in body.decode()
    assert '<form class="lang" method="get">' in body.decode()  # the switch nginx answers
    assert "csrfmiddlewaretoken" not in body.decode()
    assert response.getheader("Cache-Control") == "max-age=10"
    # The security headers are the application's own for the same page (CSP without a
    # nonce: the page has no inline script).
    django = Client().get(national)
    for header in (
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "X-Frame-Options",
        "Referrer-Policy",
    ):
        assert response.getheader(header) == django[header], header

    # A TEC's page in the browser's language, compressed.
    tec = f"/e/{KEY}/c/KZ-71-01/"
    response, body = _get(
        port, tec, **{"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5", "Accept-Encoding": "gzip"}
    )
    assert (response.status, response.getheader("Content-Encoding")) == (200, "gzip")
    assert (
        gzip.decompress(body)
        == (snapshot / "ru" / "e" / KEY / "c" / "KZ-71-01" / "index.html").read_bytes()
    )

    # A browser's whole Accept-Language list, as Django reads it: the first language the
    # site has, whatever its position, region or letter case; none of them: English.
    national_files = {
        lang: (snapshot / lang / "e" / KEY / "index.html").read_bytes()
        for lang in ("kk", "ru", "en")
    }
    for header in (
        "ru-RU,ru;q=0.9,en;q=0.8",
        "en-US,en;q=0.9,kk;q=0.8",
        "de-DE,de;q=0.9,ru;q=0.8,en;q=0.7",
        "fr-CH, fr;q=0.9, kk;q=0.8, en;q=0.5",
        "uk,en-GB;q=0.7",
        "KK-kz",
        "de;q=0.9,*;q=0.5,ru;q=0.1",
        "enx,ru",
        "de",
    ):
        django_lang = get_language_from_request(
            RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE=header)
        )
        response, body = _get(port, national, **{"Accept-Language": header})
        served = [lang for lang, data in national_files.items() if data == body]
        assert served == [django_lang], header

    # A download, found by its query.
    download = f"/api/v1/elections/{KEY}/export/station?format=csv&within=KZ-71"
    response, body = _get(port, download)
    assert (response.status, response.getheader("Content-Type")) == (200, "text/csv; charset=utf-8")
    assert body.startswith(b"station,tec,region,") and b"KZ-71-0005" in body
    response, body = _get(port, f"/api/v1/elections/{KEY}/results", Cookie="django_language=ru")
    assert response.getheader("Content-Type") == "application/json; charset=utf-8"
    assert body == (snapshot / "ru/api/v1/elections" / KEY / "results" / "@.json").read_bytes()

    # The language switch of a static page.
    response, _body = _get(port, f"{tec}?language=en")
    assert (response.status, response.getheader("Location")) == (303, tec)
    assert (response.getheader("Set-Cookie") or "").startswith("django_language=en; Path=/;")

    # Everything else is the application's.
    for method, path, headers in (
        ("POST", national, {}),
        ("GET", national, {"Cookie": "sessionid=abc"}),
        ("GET", f"/e/{KEY}/find/?q=KZ-71-0005", {}),
        ("GET", f"/api/v1/elections/{KEY}/export/station?format=csv&within=../x", {}),
        ("GET", "/staff/", {}),
    ):
        response, body = _get(port, path, method, **headers)
        assert response.getheader("X-Psephos-Source") == "app", (method, path)
        assert body.decode() == f"application: {method} {path}"
