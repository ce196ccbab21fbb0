"""Back-office pages of the commissions an operator manages: members, operators, stations.

A CEC operator manages every commission of its map, a TEC operator the commissions
below it (``backoffice.access``). Every change goes through the owning app's service
(one ledger event each, the operator as ``actor_user``) and answers with a redirect to
the commission's page (Post/Redirect/Get) and a message that names no person; a
refusal re-renders the page with the form, the reason and the error's status, and
writes nothing. The one exception is the invitation: its link is a secret shown once,
so the POST that issues it answers with the page (never cached), as the
authenticator set-up does.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import ChoiceField, Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from psephos.accounts.enums import Role
from psephos.accounts.selectors import operators_of_commission, user_by_id, user_find
from psephos.accounts.services.invitations import (
    operator_deactivate,
    operator_invite,
    operator_update,
)
from psephos.candidates.selectors import elections_with_candidates
from psephos.commissions.enums import CommissionLevel, MemberRole
from psephos.commissions.members import member_add, member_role_change, member_term_end
from psephos.commissions.rules.composition import composition_findings
from psephos.commissions.selectors import commission_members_list, commissions_managed, member_get
from psephos.core import clock
from psephos.core.errors import Conflict, DomainError, PermissionDenied
from psephos.elections.rules.profiles import composition_rules
from psephos.elections.selectors import elections_list
from psephos.ledger.actors import actor_user
from psephos.territory.services import (
    StationSpec,
    TerritoryChanges,
    station_spec_of,
    territory_revise,
)

from ..access import access_commission_manage, access_operator_manage, role_for_level
from ..errors import FormRefused, NothingChanged
from ..forms import (
    MemberAddForm,
    MemberEndForm,
    MemberRoleForm,
    OperatorDeactivateForm,
    OperatorInviteForm,
    OperatorRoleForm,
    StationForm,
)
from .base import commission_of, form_error, office_profile, operator

if TYPE_CHECKING:
    from collections.abc import Callable

    from psephos.commissions.models import Commission, Member


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """List the commissions the operator manages (``q``: codes starting with it)."""
    _user, own = operator(request)
    q = request.GET.get("q", "").strip()[:32]
    return render(
        request,
        "backoffice/home.html",
        {
            "own": own,
            "q": q,
            "managed": [
                (c, CommissionLevel(c.level).label) for c in commissions_managed(own=own, q=q)
            ],
            "financing": elections_with_candidates(geography_id=own.geography_id),
            "correcting": (
                elections_list(geography_id=own.geography_id)
                if own.level != CommissionLevel.CEC
                else []
            ),
            "nominating": (
                elections_with_candidates(geography_id=own.geography_id)
                if own.level == CommissionLevel.CEC
                else []
            ),
            "cancelling": (
                elections_list(geography_id=own.geography_id)
                if own.level == CommissionLevel.CEC
                else []
            ),
        },
    )


def _role_choices(commission: Commission) -> list[tuple[str, str]]:
    role = role_for_level(commission.level)
    return [(role.value, str(role.label)), (Role.READER.value, str(Role.READER.label))]


def _choices(form: Form, commission: Commission) -> None:
    """Offer only the roles that fit the commission's level."""
    field = form.fields["role"]
    assert isinstance(field, ChoiceField)
    field.choices = _role_choices(commission)


def _page(
    request: HttpRequest,
    commission: Commission,
    *,
    bound: dict[str, Form] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """Render the commission's page, with ``bound`` forms in place of the empty ones."""
    today = clock.now().date()
    profile = office_profile(commission)
    members = commission_members_list(commission=commission, on=today)
    rules = composition_rules(profile, commission.level)
    findings = composition_findings([m.nominated_by for m in members], rules)
    forms: dict[str, Any] = {
        "add": MemberAddForm(initial={"on": today, "term_start": today}),
        "invite": OperatorInviteForm(initial={"role": role_for_level(commission.level).value}),
    }
    forms.update(bound or {})
    _choices(forms["invite"], commission)
    operators = operators_of_commission(commission_id=commission.pk)
    station = commission.station if commission.station_id is not None else None
    return render(
        request,
        "backoffice/commission.html",
        {
            "commission": commission,
            "level": CommissionLevel(commission.level).label,
            "members": [
                (
                    m,
                    MemberRole(m.role).label,
                    MemberRoleForm(initial={"on": today}, auto_id=f"role-{m.pk}_%s"),
                    MemberEndForm(initial={"on": today}, auto_id=f"end-{m.pk}_%s"),
                )
                for m in members
            ],
            "findings": findings,
            "rules": rules,
            "forms": forms,
            "error": error,
            "operators": [
                (u, Role(u.role).label, OperatorDeactivateForm(auto_id=f"deactivate-{u.pk}_%s"))
                for u in operators
            ],
            "operator_role_choices": _role_choices(commission),
            "station": station,
        },
        status=status,
    )


def _managed(request: HttpRequest, code: str) -> tuple[Any, Commission]:
    user, own = operator(request)
    commission = commission_of(own, code)
    access_commission_manage(user, commission)
    return user, commission


@login_required
@require_GET
def commission_page(request: HttpRequest, code: str) -> HttpResponse:
    """Show a managed commission: members, composition check, operators, its station."""
    _user, commission = _managed(request, code)
    return _page(request, commission)


def _refused(
    request: HttpRequest, commission: Commission, key: str, form: Form, exc: DomainError
) -> HttpResponse:
    """Re-render the page with the refusal: beside the add form's fields, else above all."""
    if isinstance(exc, PermissionDenied):
        raise exc
    if key == "add":
        form_error(form, exc)
        return _page(request, commission, bound={key: form}, status=exc.http_status)
    return _page(request, commission, error=exc.message, status=exc.http_status)


def _back(commission: Commission, anchor: str) -> HttpResponse:
    return redirect(reverse("backoffice:commission", args=[commission.code]) + anchor)


@login_required
@require_POST
def member_add_view(request: HttpRequest, code: str) -> HttpResponse:
    """Add a member (composition rules of the profile checked by ``member_add``)."""
    user, commission = _managed(request, code)
    form = MemberAddForm(request.POST)
    if not form.is_valid():
        return _page(request, commission, bound={"add": form}, status=422)
    d = form.cleaned_data
    try:
        member_add(
            user=user,
            commission=commission,
            full_name=d["full_name"],
            role=d["role"],
            nominated_by=d["nominated_by"],
            nominated_by_kk=d["nominated_by_kk"],
            nominated_by_ru=d["nominated_by_ru"],
            gender=d["gender"],
            term_start=d["term_start"],
            term_end=d["term_end"],
            on=d["on"],
            rules=composition_rules(office_profile(commission), commission.level),
        )
    except DomainError as exc:
        return _refused(request, commission, "add", form, exc)
    messages.success(
        request, _("A member was added to commission %(code)s.") % {"code": commission.code}
    )
    return _back(commission, "#members")


def _member_act(
    request: HttpRequest,
    code: str,
    pk: int,
    form_class: type[Form],
    act: Callable[[Any, Member, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """Apply ``act`` to one member with a form's data; back to the members, or refuse."""
    user, commission = _managed(request, code)
    member = member_get(commission=commission, pk=pk)
    form = form_class(request.POST)
    try:
        if not form.is_valid():
            raise _form_refusal(form)
        act(user, member, form.cleaned_data)
    except DomainError as exc:
        return _refused(request, commission, "member", form, exc)
    messages.success(request, done)
    return _back(commission, "#members")


@login_required
@require_POST
def member_role_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Give a member another role from a day (the membership is versioned)."""
    return _member_act(
        request,
        code,
        pk,
        MemberRoleForm,
        lambda user, member, d: member_role_change(
            user=user, member=member, role=d["role"], on=d["on"]
        ),
        _("The member's role was changed."),
    )


@login_required
@require_POST
def member_end_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """End a member's term from a day, after the operator ticks the confirmation."""
    return _member_act(
        request,
        code,
        pk,
        MemberEndForm,
        lambda user, member, d: member_term_end(user=user, member=member, on=d["on"]),
        _("The membership was ended."),
    )


def _form_refusal(form: Form) -> FormRefused:
    return FormRefused(
        _("Correct the form: %(fields)s.") % {"fields": ", ".join(sorted(form.errors))},
        data={"errors": sorted(form.errors)},
    )


@never_cache
@login_required
@require_POST
def operator_invite_view(request: HttpRequest, code: str) -> HttpResponse:
    """Invite an operator; answer with the invitation link, shown this once.

    An existing user name is re-invited only if it is bound to a commission of the
    operator's area (the service would rebind it): another's account is a 403.
    """
    user, commission = _managed(request, code)
    form = OperatorInviteForm(request.POST)
    _choices(form, commission)
    if not form.is_valid():
        return _page(request, commission, bound={"invite": form}, status=422)
    role = Role(form.cleaned_data["role"])
    username = form.cleaned_data["username"]
    access_operator_manage(
        user, target=user_find(username=username), commission=commission, role=role
    )
    invited, raw = operator_invite(
        username=username,
        role=role,
        commission=commission,
        actor=actor_user(user),
        actor_role=user.role,
    )
    link = request.build_absolute_uri(reverse("accounts:invitation", args=[raw]))
    return render(
        request,
        "backoffice/invitation.html",
        {"commission": commission, "invited": invited, "link": link, "role": role.label},
    )


def _bound_to(commission: Commission, pk: int) -> Any:
    """Return the account ``pk`` if it is bound to ``commission``, else refuse (403)."""
    target = user_by_id(pk=pk)
    if target.commission_id != commission.pk:
        raise PermissionDenied(
            _("That account is not bound to commission %(code)s.") % {"code": commission.code},
            data={"rule": "office_area"},
        )
    return target


@login_required
@require_POST
def operator_role_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Change an operator account's role (the operator role of the level, or reader)."""
    user, commission = _managed(request, code)
    target = _bound_to(commission, pk)
    form = OperatorRoleForm(request.POST)
    _choices(form, commission)
    if not form.is_valid():
        return _page(request, commission, error=_form_refusal(form).message, status=422)
    role = Role(form.cleaned_data["role"])
    access_operator_manage(user, target=target, commission=commission, role=role)
    operator_update(
        user=target, role=role, commission=commission, actor=actor_user(user), actor_role=user.role
    )
    messages.success(request, _("The account's role was changed."))
    return _back(commission, "#operators")


@login_required
@require_POST
def operator_deactivate_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Deactivate an operator account, after the operator ticks the confirmation."""
    user, commission = _managed(request, code)
    target = _bound_to(commission, pk)
    access_operator_manage(user, target=target, commission=commission, role=Role.READER)
    form = OperatorDeactivateForm(request.POST)
    if not form.is_valid():
        return _page(request, commission, error=_form_refusal(form).message, status=422)
    operator_deactivate(user=target, actor=actor_user(user), actor_role=user.role)
    messages.success(request, _("The account was deactivated."))
    return _back(commission, "#operators")


TEXT_FIELDS = ("name", "name_kk", "name_ru", "address", "address_kk", "address_ru")
ACCESS_FIELDS = ("step_free", "ramp", "accessible_booth", "braille_guide", "sign_language")
HOUR_FIELDS = ("opens", "closes")  # the station's own hours, else the election's


def _station_initial(spec: StationSpec) -> dict[str, Any]:
    def tri(value: bool | None) -> str:
        return "" if value is None else ("yes" if value else "no")

    return {
        "name": spec.name,
        "name_kk": spec.name_kk,
        "name_ru": spec.name_ru,
        "address": spec.address,
        "address_kk": spec.address_kk,
        "address_ru": spec.address_ru,
        "step_free": tri(spec.step_free),
        "accessible_booth": tri(spec.accessible_booth),
        "braille_guide": tri(spec.braille_guide),
        "opens": spec.opens,
        "closes": spec.closes,
        "timezone": spec.timezone,
        "ramp": tri(spec.ramp),
        "sign_language": tri(spec.sign_language),
        "on": clock.now().date(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def station_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Edit a precinct commission's polling station as a new version from a day.

    Names, addresses and accessibility in kk/ru/en, hours and time zone (each only
    where the station's differ from the election's and the unit's); the change goes through
    ``territory_revise`` (the old values kept as a revision, one ledger event with
    the text as SHA-256).
    """
    user, commission = _managed(request, code)
    station = commission.station if commission.station_id is not None else None
    if station is None:
        raise Conflict(
            _("Commission %(code)s has no polling station.") % {"code": commission.code},
            data={"commission": commission.code},
        )
    current = station_spec_of(station)
    status = 200
    if request.method == "POST":
        form = StationForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            changes: dict[str, Any] = {k: d[k].strip() for k in TEXT_FIELDS}
            changes.update({k: StationForm.tri(d[k]) for k in ACCESS_FIELDS})
            changes.update({k: d[k].strftime("%H:%M") if d[k] else None for k in HOUR_FIELDS})
            changes["timezone"] = d["timezone"]
            spec = replace(current, **changes)
            try:
                if spec == current:
                    raise NothingChanged(
                        _("Nothing was changed: edit a field first."), data={"field": "name"}
                    )
                territory_revise(
                    geography=commission.geography,
                    units=TerritoryChanges(),
                    stations=TerritoryChanges(changed=[spec]),
                    on=d["on"],
                    actor=actor_user(user),
                    role=user.role,
                )
            except DomainError as exc:
                if isinstance(exc, PermissionDenied):
                    raise
                form.add_error("name" if isinstance(exc, NothingChanged) else "on", exc.message)
                status = exc.http_status
            else:
                messages.success(
                    request,
                    _("Polling station %(code)s has a new version from %(date)s.")
                    % {"code": station.code, "date": d["on"].isoformat()},
                )
                return redirect("backoffice:station", code=commission.code)
        else:
            status = 422
    else:
        form = StationForm(initial=_station_initial(current))
    return render(
        request,
        "backoffice/station.html",
        {"commission": commission, "station": station, "form": form},
        status=status,
    )
