"""Property-based: schemathesis generates requests for every operation in the committed OpenAPI
documents, valid and invalid, and sends them over HTTP to a stack with a database of its own (the
admin token lets it create, edit and delete at will). No answer may be a 5xx; every 4xx must be
problem JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from o11yshop.db.migrate import upgrade
from o11yshop.seed import seed_database

from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, make_settings, start_stack, throwaway_database

ROOT = Path(__file__).resolve().parents[2]
api_schema = schemathesis.openapi.from_dict(json.loads((ROOT / "openapi.json").read_text()))
inventory_schema = schemathesis.openapi.from_dict(json.loads((ROOT / "openapi-inventory.json").read_text()))
FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory, media_dir):
    with throwaway_database(tmp_path_factory.mktemp("fuzzdb")) as url:
        upgrade(url)
        seed_database(make_settings(url, media_dir))
        stack, stop = start_stack(url, media_dir)
        try:
            with stack.client() as client:
                credentials = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
                login = client.post("/api/auth/login", json=credentials)
            yield stack, {"Authorization": f"Bearer {login.json()['access_token']}"}
        finally:
            stop()


def check_answer(response, case) -> None:
    where = f"{case.method} {case.formatted_path}"
    status = response.status_code
    assert status < 500, f"{where} -> {status}: {response.text[:500]}"
    if status >= 400:
        content_type = response.headers.get("content-type", [""])[0]
        assert content_type.startswith("application/problem+json"), f"{where} -> {status} {content_type}"
        assert response.json()["status"] == status


@pytest.mark.db
@api_schema.parametrize()
@FUZZ
def test_api_never_answers_5xx(case, fuzz_stack):
    stack, auth = fuzz_stack
    check_answer(case.call(base_url=stack.api_url, headers=auth, timeout=30), case)


@pytest.mark.db
@inventory_schema.parametrize()
@FUZZ
def test_inventory_never_answers_5xx(case, fuzz_stack):
    stack, _auth = fuzz_stack
    check_answer(case.call(base_url=stack.inventory_url, timeout=30), case)
