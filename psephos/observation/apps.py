from django.apps import AppConfig


class ObservationConfig(AppConfig):
    name = "psephos.observation"
    label = "observation"
    default_auto_field = "django.db.models.BigAutoField"
