"""``psephos api_token USERNAME``: issue an API bearer token and print it once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from psephos.accounts.models import User
from psephos.accounts.services.tokens import api_token_create


class Command(BaseCommand):
    help = "Issue an API bearer token for a user and print it (it is not stored in clear)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--label", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"No user “{options['username']}”.") from None
        _token, raw = api_token_create(user=user, label=options["label"])
        self.stdout.write(raw)
