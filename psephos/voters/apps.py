from django.apps import AppConfig


class VotersConfig(AppConfig):
    name = "psephos.voters"
    label = "voters"
    default_auto_field = "django.db.models.BigAutoField"
