from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "psephos.media"
    label = "media"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from psephos.candidates.hooks import CANDIDATE_PAGE

        from .candidate_page import airtime_block

        # A registered candidate's page shows the free airtime and links its report.
        CANDIDATE_PAGE.register("media.airtime_block", airtime_block, order=20)
