from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "psephos.finance"
    label = "finance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from psephos.candidates.hooks import CANDIDATE_PAGE

        from .candidate_page import fund_block

        # A registered candidate's page shows the fund's totals and links its disclosure.
        CANDIDATE_PAGE.register("finance.fund_block", fund_block, order=10)
