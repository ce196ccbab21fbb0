from django.apps import AppConfig


class PollingdayConfig(AppConfig):
    name = "psephos.pollingday"
    label = "pollingday"
    default_auto_field = "django.db.models.BigAutoField"
