import sqlite3
import uuid
from operator import attrgetter

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "psephos.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Raw SQL on SQLite binds a UUID the way Django's UUIDField stores one there
        # (32 hex digits); psycopg binds it as PostgreSQL's uuid by itself.
        sqlite3.register_adapter(uuid.UUID, attrgetter("hex"))
