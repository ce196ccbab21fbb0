from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "psephos.complaints"
    label = "complaints"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from psephos.results.hooks import CERTIFY_GUARDS

        from .selectors.finality import certify_guard

        # Results are not final while they can still be challenged (docs/complaints.md).
        CERTIFY_GUARDS.register("complaints.finality", certify_guard, order=10)
