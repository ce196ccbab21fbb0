from django.apps import AppConfig


class SimulateConfig(AppConfig):
    name = "psephos.simulate"
    label = "simulate"
    default_auto_field = "django.db.models.BigAutoField"
