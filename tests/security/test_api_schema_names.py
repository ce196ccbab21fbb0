"""Every schema of the API has its own name in the OpenAPI document (issue 16, found by the matrix).

django-ninja names a schema's component after its class, so two classes of one name in
two apps become one component: the document then described the body of a protocol
cancellation as a complaint decision's (facts, law, outcome), and six different
``DecisionOut`` shapes as one. Two classes may share a name only when they are the same
shape (the error envelope).
"""

from __future__ import annotations

from django.test import Client
from ninja import Schema


def _schemas(base: type[Schema]) -> list[type[Schema]]:
    found = []
    for cls in base.__subclasses__():
        if cls.__module__.startswith("psephos."):
            found.append(cls)
        found.extend(_schemas(cls))
    return found


def test_no_two_api_schemas_of_different_shape_share_a_name():
    Client().get("/api/openapi.json")  # every router and its schemas imported
    by_name: dict[str, list[type[Schema]]] = {}
    for cls in _schemas(Schema):
        by_name.setdefault(cls.__name__, []).append(cls)
    clashes = {
        name: sorted(f"{c.__module__}.{c.__qualname__}" for c in classes)
        for name, classes in by_name.items()
        if len({repr(c.model_json_schema()) for c in classes}) > 1
    }
    assert clashes == {}
