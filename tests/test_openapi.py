"""openapi.json and openapi-inventory.json are the contract (the front end is generated from the
first): they must match the code, and every operation has a stable, unique ID."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from o11yshop.openapi import render_openapi

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = {"api": ROOT / "openapi.json", "inventory": ROOT / "openapi-inventory.json"}


@pytest.mark.parametrize("service", list(DOCUMENTS))
def test_committed_document_is_current(service):
    committed = json.loads(DOCUMENTS[service].read_text())
    assert committed == render_openapi(service), f"{DOCUMENTS[service].name} is stale: run `make openapi`"


@pytest.mark.parametrize("service", list(DOCUMENTS))
def test_every_operation_has_a_unique_readable_id(service):
    document = render_openapi(service)
    ids = [op["operationId"] for path in document["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    assert all(i.replace("_", "").isalpha() and i.islower() for i in ids)


def test_business_errors_are_declared():
    paths = render_openapi("api")["paths"]
    assert {"409", "422", "503"} <= set(paths["/api/checkout"]["post"]["responses"])
    assert {"401", "403"} <= set(paths["/api/admin/products"]["post"]["responses"])
    problem = paths["/api/checkout"]["post"]["responses"]["409"]["content"]
    assert "application/problem+json" in problem
