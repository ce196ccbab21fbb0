"""Root URL configuration: the API, the language switch, each app's pages and the portal."""

from importlib import import_module

from django.urls import include, path

urlpatterns = [
    path("api/", include("psephos.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

# Apps with pages of their own mount them under their prefix when they have a urls module.
for _prefix, _module in (
    ("accounts/", "psephos.accounts.urls"),
    ("ledger/", "psephos.ledger.urls"),
    ("results/", "psephos.results.urls"),
    ("voters/", "psephos.voters.urls"),
    ("complaints/", "psephos.complaints.urls"),
    ("observation/", "psephos.observation.urls"),
    ("integrity/", "psephos.integrity.urls"),
):
    try:
        import_module(_module)
    except ModuleNotFoundError as _exc:
        if _exc.name != _module:
            raise
        continue
    urlpatterns.append(path(_prefix, include(_module)))

urlpatterns.append(path("", include("psephos.web.urls")))
