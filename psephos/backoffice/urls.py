"""Back-office URLs, mounted at ``/staff/office/`` (the staff two-factor check covers them)."""

from django.urls import path

import psephos.core.converters  # noqa: F401 (registers <code:…>)
from psephos.core.routes import act_routes

from .views import (
    accreditations,
    candidates,
    corrections,
    finance,
    office,
    recommendations,
    sessions,
)

app_name = "backoffice"


urlpatterns = [
    path("", office.home, name="home"),
    path("c/<code:code>/", office.commission_page, name="commission"),
    path("c/<code:code>/members/add/", office.member_add_view, name="member-add"),
    path("c/<code:code>/members/<int:pk>/role/", office.member_role_view, name="member-role"),
    path("c/<code:code>/members/<int:pk>/end/", office.member_end_view, name="member-end"),
    path("c/<code:code>/operators/invite/", office.operator_invite_view, name="operator-invite"),
    path("c/<code:code>/operators/<int:pk>/role/", office.operator_role_view, name="operator-role"),
    path(
        "c/<code:code>/operators/<int:pk>/deactivate/",
        office.operator_deactivate_view,
        name="operator-deactivate",
    ),
    path("c/<code:code>/station/", office.station_edit, name="station"),
    path("recommendations/", recommendations.recommendations_page, name="recommendations"),
    path(
        "recommendations/<slug:key>/",
        recommendations.follow_ups_page,
        name="follow-ups",
    ),
    path(
        "recommendations/<slug:key>/follow-up/",
        recommendations.follow_up_add_view,
        name="follow-up-add",
    ),
    path("sessions/", sessions.sessions_page, name="sessions"),
    path("sessions/announce/", sessions.session_announce_view, name="session-announce"),
    path("sessions/<code:number>/", sessions.session_page, name="session"),
    path("sessions/<code:number>/open/", sessions.session_open_view, name="session-open"),
    path("sessions/<code:number>/propose/", sessions.session_propose_view, name="session-propose"),
    path("sessions/<code:number>/close/", sessions.session_close_view, name="session-close"),
    path("decisions/", sessions.decisions_pending, name="decisions"),
    path("decisions/propose/", sessions.decision_outside, name="decision-outside"),
    # A decision by its id: numbers such as "51/600" are not one URL segment.
    path("decisions/<int:pk>/", sessions.decision_page, name="decision"),
    path("decisions/<int:pk>/confirm/", sessions.decision_confirm_view, name="decision-confirm"),
    path("results/<slug:key>/", corrections.corrections_page, name="corrections"),
    path(
        "results/<slug:key>/<code:code>/correct/",
        corrections.correction_page,
        name="correction",
    ),
    path("results/<slug:key>/cancel/", corrections.cancellations_page, name="cancellations"),
    path(
        "results/<slug:key>/<code:code>/cancel/",
        corrections.cancellation_page,
        name="cancellation",
    ),
    path("accreditations/<slug:key>/", accreditations.accreditations_page, name="accreditations"),
    path(
        "accreditations/<slug:key>/<code:badge>/",
        accreditations.accreditation_page,
        name="accreditation",
    ),
    path("candidates/<slug:key>/", candidates.nominations_page, name="nominations"),
    path("candidates/<slug:key>/ballot/", candidates.ballot_build_view, name="ballot-build"),
    path("candidates/<slug:key>/<slug:nominee>/", candidates.nominee_page, name="nominee"),
    *act_routes(
        "candidates/<slug:key>/<slug:nominee>", candidates.nominee_act, candidates.ACTS, "nominee"
    ),
    path("finance/<slug:key>/", finance.funds_page, name="funds"),
    path("finance/<slug:key>/<slug:fund>/", finance.fund_page, name="fund"),
    *act_routes("finance/<slug:key>/<slug:fund>", finance.fund_act, finance.ACTS, "fund"),
]
