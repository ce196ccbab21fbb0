"""``psephos api_token USERNAME``: issue an API bearer token and print it once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from psephos.accounts.selectors import user_get
from psephos.accounts.services.tokens import api_token_create
from psephos.core.commands import DomainCommand


class Command(DomainCommand):
    help = "Issue an API bearer token for a user and print it (it is not stored in clear)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--label", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_get(username=options["username"])
        _token, raw = api_token_create(user=user, label=options["label"])
        self.stdout.write(raw)
