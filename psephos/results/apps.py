from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "psephos.results"
    label = "results"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from psephos.ledger.checks import LEDGER_CHECKS

        from .selectors.ledger_check import protocols_ledger_check, tallies_ledger_check

        LEDGER_CHECKS.register("results.protocols", protocols_ledger_check, order=10)
        LEDGER_CHECKS.register("results.tallies", tallies_ledger_check, order=20)
