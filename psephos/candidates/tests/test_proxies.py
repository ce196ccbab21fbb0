"""A nominee's proxy sees the rejected lines of the nominee's sheets, masked; nobody else does."""

from __future__ import annotations

import pytest
from django.test import Client

from psephos.accounts.models import User
from psephos.candidates.models import Nomination, NominationProxy, SignatureLine
from psephos.candidates.services.proxies import proxy_appoint
from psephos.candidates.services.signatures import signatures_import
from psephos.core.errors import Conflict, ValidationFailed
from psephos.ledger.models import Event

from .conftest import ACTOR, World, collecting

URL = "/candidates/kz-test-presidential/tokayev/rejected/"


def _sheets(world: World, nomination: Nomination) -> None:
    """Import one valid line, one with a misspelt surname, one from another unit, one bad IIN."""
    p, q, r = world.people[0], world.people[1], world.people[10]
    text = (
        "sheet,line,iin,surname,given_name,birth_date,address,unit,signed,collector\n"
        f"1,1,{p.iin},{p.surname},{p.given_name},{p.birth_date},Street,KZ-01,2022-09-27,C\n"
        f"1,2,{q.iin},Wrongname,{q.given_name},{q.birth_date},Street,KZ-01,2022-09-27,C\n"
        f"1,3,{r.iin},{r.surname},Dana,{r.birth_date},Street,KZ-01,2022-09-27,C\n"
        "1,4,123456789012,Omarov,Erlan,1980-01-01,Street,KZ-01,2022-09-27,C\n"
    )
    path = world.tmp / "sheets.csv"
    path.write_text(text, encoding="utf-8")
    signatures_import(nomination=nomination, path=path, actor=ACTOR)


@pytest.fixture
def proxied(world: World) -> tuple[World, User]:
    nomination = collecting(world)
    _sheets(world, nomination)
    proxy = User.objects.create(username="proxy-one")
    proxy_appoint(nomination=nomination, proxy=proxy, actor=ACTOR)
    return world, proxy


def test_the_proxy_sees_each_rejected_line_masked_with_its_reasons(
    proxied: tuple[World, User],
) -> None:
    world, proxy = proxied
    client = Client()
    client.force_login(proxy)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    rows = html.split("<tbody>")[1].split("</tbody>")[0]
    assert rows.count("<tr ") == 3  # the valid line is not listed
    assert 'data-sheet="1" data-line="2" data-reasons="name_mismatch"' in rows
    assert "<td>W******** A.</td>" in rows
    assert 'data-line="3" data-reasons="wrong_unit,name_mismatch"' in rows
    assert 'data-line="4" data-reasons="iin_invalid"' in rows
    assert "<td>O***** E.</td>" in rows
    # Never an IIN, never a full name.
    for person in world.people[:11]:
        assert person.iin not in html
        assert person.surname not in html
    assert "123456789012" not in html and "Wrongname" not in html and "Omarov" not in html
    # The valid line keeps no name at all.
    assert SignatureLine.objects.get(line=1).masked_name == ""


def test_everybody_else_gets_404_or_the_log_in(proxied: tuple[World, User]) -> None:
    world, _proxy = proxied
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    for user in (User.objects.create(username="someone"), world.country.users["CEC"]):
        client = Client()
        client.force_login(user)
        response = client.get(URL)
        assert response.status_code == 404
        assert "W********" not in response.content.decode()


def test_a_proxy_is_appointed_once_and_never_an_operator(proxied: tuple[World, User]) -> None:
    world, proxy = proxied
    nomination = NominationProxy.objects.get().nomination
    event = Event.objects.get(action="nomination.proxy")
    assert event.payload == {
        "election": "kz-test-presidential",
        "nominee": "tokayev",
        "proxy": f"user:{proxy.pk}",
    }
    before = (NominationProxy.objects.count(), Event.objects.count())
    with pytest.raises(Conflict, match="a proxy of “tokayev” already"):
        proxy_appoint(nomination=nomination, proxy=proxy, actor=ACTOR)
    with pytest.raises(ValidationFailed, match="active account of no commission"):
        proxy_appoint(nomination=nomination, proxy=world.country.users["CEC"], actor=ACTOR)
    assert (NominationProxy.objects.count(), Event.objects.count()) == before
