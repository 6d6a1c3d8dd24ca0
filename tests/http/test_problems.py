"""Every error is RFC 9457 problem JSON carrying the request ID; nothing leaks a stack trace."""

from __future__ import annotations

from fastapi.testclient import TestClient

from o11yshop.http.app import new_app

from conftest import assert_problem


def test_malformed_json_is_a_400_naming_the_body(api):
    token = api.post("/api/cart").json()["token"]
    response = api.post(
        "/api/cart/items",
        content=b'{"product_id": 1,',
        headers={"X-Cart-Token": token, "Content-Type": "application/json"},
    )
    body = assert_problem(response, 400)
    assert body["code"] == "malformed_json"
    assert body["errors"][0]["field"].startswith("body")


def test_wrong_types_and_shapes(api):
    token = api.post("/api/cart").json()["token"]
    headers = {"X-Cart-Token": token}
    assert_problem(api.post("/api/cart/items", json=[1, 2], headers=headers), 422, "body")
    assert_problem(api.post("/api/cart/items", json="text", headers=headers), 422, "body")
    assert_problem(
        api.post("/api/cart/items", json={"product_id": True}, headers=headers), 422, "body.product_id"
    )
    assert_problem(
        api.post(
            "/api/cart/items",
            content=b"product_id=1",
            headers=headers | {"Content-Type": "application/x-www-form-urlencoded"},
        ),
        422,
    )


def test_oversized_bodies_are_refused_before_reading_them(api):
    token = api.post("/api/cart").json()["token"]
    big = {"product_id": 1, "quantity": 1, "note": "x" * (1024 * 1024)}
    body = assert_problem(api.post("/api/cart/items", json=big, headers={"X-Cart-Token": token}), 413)
    assert body["code"] == "body_too_large"


def test_unknown_routes_and_methods(api):
    assert assert_problem(api.get("/api/nowhere"), 404)["code"] == "not_found"
    assert assert_problem(api.delete("/api/products"), 405)["code"] == "method_not_allowed"


def test_request_ids_are_echoed_or_made(api):
    mine = api.get("/api/health", headers={"X-Request-Id": "lab-1.step:2"})
    assert mine.headers["x-request-id"] == "lab-1.step:2"
    unsafe = api.get("/api/health", headers={"X-Request-Id": "<script>" + "x" * 200})
    assert unsafe.headers["x-request-id"] != "<script>"
    assert len(unsafe.headers["x-request-id"]) == 32
    assert api.get("/api/health").headers["x-request-id"] != api.get("/api/health").headers["x-request-id"]


def test_an_unexpected_error_is_a_500_problem_without_the_traceback():
    app = new_app(title="t", description="t")

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret detail: password=hunter2")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom", headers={"X-Request-Id": "req-500"})
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["request_id"] == "req-500"
    assert body["detail"] == "an unexpected error occurred"
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text


def test_a_database_that_is_gone_is_a_503_not_a_500(seeded_db, media_dir, tmp_path):
    from o11yshop.api.app import create_api_app

    from conftest import make_settings

    settings = make_settings("mysql+pymysql://nobody@127.0.0.1:1/none", media_dir)
    with TestClient(create_api_app(settings), raise_server_exceptions=False) as client:
        response = client.get("/api/products")
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"
    assert response.headers["retry-after"] == "5"
