from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "psephos.candidates"
    label = "candidates"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from psephos.results.hooks import ELECTION_CERTIFIED

        from .services.deposits import deposits_settle_certified

        # Certifying settles the deposits in the same transaction (docs/candidates.md).
        ELECTION_CERTIFIED.register("candidates.deposits", deposits_settle_certified, order=10)
