"""Root URL configuration: the API, the language switch, each app's pages and the portal.

Every app is mounted by a plain import: a misnamed module fails at start-up, loudly.
"""

from django.urls import include, path

from psephos.accounts import urls as accounts_urls
from psephos.api import urls as api_urls
from psephos.backoffice import urls as backoffice_urls
from psephos.candidates import urls as candidates_urls
from psephos.commissions import urls as commissions_urls
from psephos.complaints import urls as complaints_urls
from psephos.elections import urls as elections_urls
from psephos.finance import urls as finance_urls
from psephos.integrity import urls as integrity_urls
from psephos.ledger import urls as ledger_urls
from psephos.media import urls as media_urls
from psephos.observation import urls as observation_urls
from psephos.pollingday import urls as pollingday_urls
from psephos.recommendations import urls as recommendations_urls
from psephos.results import urls as results_urls
from psephos.voters import urls as voters_urls
from psephos.web import urls as web_urls

urlpatterns = [
    path("api/", include(api_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include(accounts_urls)),
    path("ledger/", include(ledger_urls)),
    path("results/", include(results_urls)),
    path("voters/", include(voters_urls)),
    # The legal calendar belongs to elections; its pages keep the paths they were
    # published under.
    path("complaints/calendar/", include(elections_urls)),
    path("complaints/", include(complaints_urls)),
    path("candidates/", include(candidates_urls)),
    path("finance/", include(finance_urls)),
    path("commissions/", include(commissions_urls)),
    path("observation/", include(observation_urls)),
    path("integrity/", include(integrity_urls)),
    path("pollingday/", include(pollingday_urls)),
    path("recommendations/", include(recommendations_urls)),
    path("media/", include(media_urls)),
    path("staff/office/", include(backoffice_urls)),
    path("", include(web_urls)),
]
