from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "psephos.backoffice"
    label = "backoffice"
    verbose_name = "Back office"
