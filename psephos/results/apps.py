from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "psephos.results"
    label = "results"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from psephos.ledger.checks import ledger_check_register

        from .selectors.ledger_check import protocols_ledger_check, tallies_ledger_check

        ledger_check_register(protocols_ledger_check)
        ledger_check_register(tallies_ledger_check)
