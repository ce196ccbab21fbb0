"""What every back-office page needs: the operator, a commission by code, the law in force."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from psephos.commissions.register import session_choices
from psephos.commissions.register import session_chosen as register_session_chosen
from psephos.commissions.selectors import commission_get
from psephos.core.errors import DomainError, PermissionDenied
from psephos.elections.rules.profiles import Profile, profile_for
from psephos.elections.selectors import election_profile, elections_list

from ..access import access_office

if TYPE_CHECKING:
    from django.forms import Form
    from django.http import HttpRequest

    from psephos.accounts.models import User
    from psephos.commissions.models import Commission, Session

#: The profile of a map with no election yet (the Kazakhstan 2022 values).
DEFAULT_PROFILE = "kz-presidential-2022"


def operator(request: HttpRequest) -> tuple[User, Commission]:
    """Return the logged-in CEC or TEC operator and its commission, else refuse (403)."""
    user = cast("User", request.user)
    return user, access_office(user)


def commission_of(own: Commission, code: str) -> Commission:
    """Return the commission ``code`` of the operator's map (404 when there is none)."""
    return commission_get(geography=own.geography, code=code)


def office_profile(commission: Commission) -> Profile:
    """Return the rule profile in force for a commission: its map's newest election's.

    Members, sessions and decisions are the commission's, not one election's; the
    newest election on its map carries the law they follow. A map without an
    election follows the Kazakhstan 2022 profile.
    """
    elections = elections_list(geography_id=commission.geography_id)
    if elections:
        return election_profile(election=elections[0])
    return profile_for(DEFAULT_PROFILE)


def form_error(form: Form, exc: DomainError) -> None:
    """Show a refusal beside the field it names (``data['field']``), else above the form."""
    field = exc.data.get("field")
    form.add_error(field if isinstance(field, str) and field in form.fields else None, exc.message)


def form_refused(form: Form, exc: DomainError) -> int:
    """Show a refusal on its form and return its status; a 403 goes on to the error page."""
    if isinstance(exc, PermissionDenied):
        raise exc
    form_error(form, exc)
    return exc.http_status


def open_sessions(commission: Commission) -> list[tuple[str, str]]:
    """Return the commission's open sessions as choices (``commissions.register``)."""
    return session_choices(commission=commission)


def session_chosen(commission: Commission, number: str) -> Session | None:
    """Return the session a form chose by number, or None (taken outside a session)."""
    return register_session_chosen(commission=commission, number=number)
