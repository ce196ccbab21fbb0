from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "psephos.candidates"
    label = "candidates"
    default_auto_field = "django.db.models.BigAutoField"
