"""Production defaults: the public development key refused, ``check --deploy`` clean, CSP."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

from config.settings.base import FALLBACK_SECRET_KEY

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k" * 20 + "Q9z!x7Lm$2vB#8nR4tY6wE0pA3sD5fG1hJ"


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PSEPHOS_HSTS"))}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_under_production_settings(tmp_path: Path) -> None:
    result = _run(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=STRONG_KEY,
        DJANGO_ALLOWED_HOSTS="results.example.kz",
        PSEPHOS_VAR_DIR=str(tmp_path),
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.strip() == "System check identified no issues (2 silenced)."


def test_production_settings_need_the_secret_key_and_hosts(tmp_path: Path) -> None:
    code = "import django; django.setup()"
    base = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "PSEPHOS_VAR_DIR": str(tmp_path),
    }
    no_key = _run("-c", code, **base, DJANGO_ALLOWED_HOSTS="results.example.kz")
    assert no_key.returncode == 1
    assert "DJANGO_SECRET_KEY must be set in production" in no_key.stderr
    no_hosts = _run("-c", code, **base, DJANGO_SECRET_KEY=STRONG_KEY)
    assert no_hosts.returncode == 1
    assert "DJANGO_ALLOWED_HOSTS must be set in production" in no_hosts.stderr


def test_production_settings_values() -> None:
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": STRONG_KEY,
        "DJANGO_ALLOWED_HOSTS": "results.example.kz, www.results.example.kz",
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    result = _run("-c", code, **env)
    assert result.stdout.strip() == (
        "False ['results.example.kz', 'www.results.example.kz'] True 31536000 "
        "('HTTP_X_FORWARDED_PROTO', 'https') True True"
    )


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_entry_points_refuse_the_fallback_key_without_debug(module: str) -> None:
    entry = importlib.import_module(module)
    with (
        override_settings(DEBUG=False, SECRET_KEY=FALLBACK_SECRET_KEY),
        pytest.raises(
            ImproperlyConfigured, match="refusing to start with the public development key"
        ),
    ):
        importlib.reload(entry)
    with override_settings(DEBUG=True, SECRET_KEY=FALLBACK_SECRET_KEY):
        assert importlib.reload(entry).application is not None
    with override_settings(DEBUG=False, SECRET_KEY=STRONG_KEY):
        assert importlib.reload(entry).application is not None


def test_cli_refuses_the_fallback_key_without_debug(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import django.core.management

    from psephos.cli import main

    # Record what would run instead of running it: a real run sets Django up again and
    # would point the logging handlers at this test's captured (soon closed) stderr.
    ran: list[list[str]] = []
    monkeypatch.setattr(django.core.management, "execute_from_command_line", ran.append)
    with (
        override_settings(DEBUG=False, SECRET_KEY=FALLBACK_SECRET_KEY),
        pytest.raises(SystemExit) as exit_info,
    ):
        main(["psephos", "check"])
    assert exit_info.value.code == 1
    assert "refusing to start with the public development key" in capsys.readouterr().err
    assert ran == []
    with override_settings(DEBUG=False, SECRET_KEY=FALLBACK_SECRET_KEY):
        main(["psephos", "verify", "bundle.zip"])  # reads only the file it is given
    with override_settings(DEBUG=True, SECRET_KEY=FALLBACK_SECRET_KEY):
        main(["psephos", "check"])
    with override_settings(DEBUG=False, SECRET_KEY=STRONG_KEY):
        main(["psephos", "check"])
    assert ran == [
        ["psephos", "verify", "bundle.zip"],
        ["psephos", "check"],
        ["psephos", "check"],
    ]


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy() -> None:
    response = Client().get("/")
    policy = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    # No inline script on this page: not even a nonce is allowed.
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-eval" not in policy


@pytest.mark.django_db
def test_csrf_middleware_is_djangos_subclass() -> None:
    """What the silenced W003 stands for: CSRF protection is installed."""
    from django.conf import settings
    from django.middleware.csrf import CsrfViewMiddleware
    from django.utils.module_loading import import_string

    assert any(issubclass(import_string(m), CsrfViewMiddleware) for m in settings.MIDDLEWARE)


@pytest.mark.django_db
def test_api_docs_load_swagger_ui_from_this_server() -> None:
    page = Client().get("/api/docs").content.decode()
    assert '<script src="/static/ninja/swagger-ui-bundle.js">' in page
    assert '<script src="/static/ninja/swagger-ui-init.js">' in page
    assert "cdn" not in page.lower()
    assert "https://" not in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_api_docs_render_offline_under_the_policy(live_server, page) -> None:  # type: ignore[no-untyped-def]
    """Swagger UI renders from this server's assets, and the browser blocks nothing."""
    refused: list[str] = []
    page.on(
        "console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None
    )
    outside: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith(live_server.url) else outside.append(r.url),
    )
    page.goto(f"{live_server.url}/api/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("psephos")
    assert page.locator(".opblock").count() > 10
    assert (refused, outside) == ([], [])
