"""A monitoring team's accounts, scoped to one plan, and the upload of a device's codings."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client

from psephos.accounts.enums import Role
from psephos.accounts.models import Invitation, User
from psephos.core.errors import PermissionDenied
from psephos.ledger.models import Event
from psephos.media.errors import ItemFileInvalid, MemberInvalid
from psephos.media.models import CodedItem, PlanMember
from psephos.media.services.team import codings_upload, member_grant, member_revoke

from .conftest import ACTOR, HEADER, Media, member_of

URL = "/api/v1/elections/kz-test-presidential/media/odihr/items"
CSRF = "c" * 32


def _line(n: int, coder: str, subject: str = "abden") -> str:
    return f"kh-{n},khabar,2022-10-25T20:{n:02d},news,1800,{subject},{30 + n},,0,0,1,kk,{coder}\n"


def test_a_new_member_gets_a_reader_account_and_an_invitation(media: Media) -> None:
    grant = member_grant(
        plan=media.plan,
        username="monitor-a",
        role="coder",
        coder="c2",
        actor=ACTOR,
        actor_role="system",
    )
    user = grant.member.user
    assert (user.role, user.commission_id, user.has_usable_password()) == (Role.READER, None, False)
    assert grant.invitation and Invitation.objects.filter(user=user, used_at=None).count() == 1
    event = Event.objects.order_by("-seq").first()
    assert event is not None and event.action == "monitoring_member.grant"
    assert event.payload == {
        "election": "kz-test-presidential",
        "plan": "odihr",
        "user": user.pk,
        "member_role": "coder",
        "coder": "c2",
    }
    assert "monitor-a" not in json.dumps(event.payload)
    # An existing account (say a CEC operator of its media monitoring group): no new invitation.
    again = member_grant(
        plan=media.plan,
        username="monitor-a",
        role="coordinator",
        coder="",
        actor=ACTOR,
        actor_role="system",
    )
    assert (again.invitation, again.member.role, again.member.coder) == ("", "coordinator", "")
    assert PlanMember.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "coder", "field"),
    [("coder", "c9", "coder"), ("coder", "Aigerim", "coder"), ("editor", "c1", "role")],
)
def test_a_wrong_grant_is_refused_with_its_field(
    media: Media, role: str, coder: str, field: str
) -> None:
    events = Event.objects.count()
    with pytest.raises(MemberInvalid) as refused:
        member_of(media, "monitor-b", role, coder)
    assert refused.value.data == {"field": field}
    assert (User.objects.filter(username="monitor-b").count(), Event.objects.count()) == (0, events)


def test_one_code_one_active_member(media: Media) -> None:
    member_of(media, "monitor-a", coder="c1")
    with pytest.raises(MemberInvalid) as refused:
        member_of(media, "monitor-b", coder="c1")
    assert refused.value.data == {"field": "coder"}
    member_revoke(plan=media.plan, username="monitor-a", actor=ACTOR, actor_role="system")
    assert member_of(media, "monitor-b", coder="c1").coder == "c1"


def test_a_coder_uploads_only_their_own_codings(media: Media) -> None:
    member = member_of(media, "monitor-a", coder="c1")
    bad = HEADER + _line(1, "c1") + _line(2, "c2") + _line(3, "c1", "tokayev")
    with pytest.raises(ItemFileInvalid) as refused:
        codings_upload(
            plan=media.plan, user=member.user, data=bad.encode(), file_name="odihr-c1.csv"
        )
    assert refused.value.data["errors"] == [
        "odihr-c1.csv line 3, column coder: a coder uploads only the codings under their own code"
    ]
    assert CodedItem.objects.count() == 0
    good = HEADER + _line(1, "c1") + _line(3, "c1", "tokayev")
    summary = codings_upload(
        plan=media.plan, user=member.user, data=good.encode(), file_name="odihr-c1.csv"
    )
    assert summary.items == 2
    event = Event.objects.order_by("-seq").first()
    assert event is not None and event.action == "coded_items.import"
    assert (event.actor, event.role) == (f"user:{member.user_id}", "coder")


def test_a_coordinator_uploads_any_coder_and_outsiders_are_refused(media: Media) -> None:
    coordinator = member_of(media, "lead-a", role="coordinator", coder="")
    data = (HEADER + _line(1, "c1") + _line(2, "c2")).encode()
    assert (
        codings_upload(plan=media.plan, user=coordinator.user, data=data, file_name="a.csv").items
        == 2
    )
    outsider = User.objects.create_user(username="someone")
    with pytest.raises(PermissionDenied):
        codings_upload(plan=media.plan, user=outsider, data=data, file_name="a.csv")
    member_revoke(plan=media.plan, username="lead-a", actor=ACTOR, actor_role="system")
    with pytest.raises(PermissionDenied):
        codings_upload(plan=media.plan, user=coordinator.user, data=data, file_name="a.csv")


def _api(user: User | None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF
    return client


def _post(client: Client, csv: str, url: str = URL) -> tuple[int, dict[str, object]]:
    response = client.post(
        url,
        json.dumps({"csv": csv, "file_name": "odihr-c1.csv"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=CSRF,
    )
    return response.status_code, response.json()


def test_the_upload_api(media: Media) -> None:
    member = member_of(media, "monitor-a", coder="c1")
    good = HEADER + _line(1, "c1")
    assert _post(_api(None), good)[0] == 401
    assert _post(_api(User.objects.create_user(username="someone")), good)[0] == 403
    client = _api(member.user)
    status, body = _post(
        client,
        HEADER + _line(1, "c1") + "kh-2,khabar,2022-10-25T17:00,news,1800,abden,10,,5,0,1,kk,c1\n",
    )
    assert status == 422
    error = body["error"]
    assert isinstance(error, dict) and error["code"] == "coded_item_file_invalid"
    assert error["data"]["errors"] == [
        "odihr-c1.csv line 3, column aired_at: the time is outside the plan's daily window",
        "odihr-c1.csv line 3, column tone: the tone is outside the scale −1 (negative) to 1 (positive)",
    ]
    assert CodedItem.objects.count() == 0
    status, body = _post(client, good)
    assert status == 201 and body["items"] == 1 and body["checks"] == 0
    assert _post(client, good, URL.replace("odihr", "nowhere"))[0] == 404
    # Without the CSRF header a session cannot write.
    response = client.post(URL, json.dumps({"csv": good}), content_type="application/json")
    assert response.status_code == 403


def test_the_command(media: Media, capsys: pytest.CaptureFixture[str]) -> None:
    args = ("member", "kz-test-presidential", "--plan", "odihr", "--username", "monitor-a")
    call_command("media", *args, "--coder", "c1", "--base-url", "https://psephos.example")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "monitor-a is coder of plan odihr."
    assert out[2].startswith("  https://psephos.example/accounts/invitation/")
    call_command("media", *args, "--revoke")
    assert capsys.readouterr().out == "Access to the plan revoked.\n"
    with pytest.raises(CommandError, match="monitoring_member_invalid"):
        call_command("media", *args, "--revoke")
