"""Admin API: products (ADM-01/02), stock (ADM-03/04), orders, dashboard, and the audit log."""

from __future__ import annotations

from conftest import ADMIN_EMAIL, assert_problem, checkout, new_cart


def audit_for(admin, product_id):
    return admin.get("/api/admin/audit", params={"entity_type": "product", "entity_id": product_id}).json()


def test_create_edit_and_hard_delete_a_product(api, admin, make_product):
    product = make_product(price_minor=4200, description="First draft")
    assert product["stock"] == {"status": "sold_out", "available": 0}
    assert api.get(product["image_url"]).status_code == 200
    assert api.get(f"/api/products/{product['id']}").status_code == 200

    edited = admin.patch(
        f"/api/admin/products/{product['id']}", json={"price_minor": 3900, "name": "Renamed"}
    )
    assert edited.status_code == 200
    assert edited.json()["price"]["amount_minor"] == 3900
    assert api.get(f"/api/products/{product['id']}").json()["name"] == "Renamed"

    deleted = admin.delete(f"/api/admin/products/{product['id']}")
    assert deleted.json() == {"product_id": product["id"], "mode": "hard"}
    assert_problem(api.get(f"/api/products/{product['id']}"), 404)
    assert_problem(admin.get(f"/api/admin/products/{product['id']}"), 404)

    actions = [(e["action"], e["actor_email"]) for e in audit_for(admin, product["id"])]
    assert actions == [
        ("product.delete", ADMIN_EMAIL),
        ("product.update", ADMIN_EMAIL),
        ("product.create", ADMIN_EMAIL),
    ]
    update = audit_for(admin, product["id"])[1]
    assert update["before"] == {"price_minor": 4200, "name": product["name"]}
    assert update["after"] == {"price_minor": 3900, "name": "Renamed"}
    assert update["request_id"]


def test_an_ordered_product_is_soft_deleted(api, admin, make_product):
    product = make_product(stock=5)
    placed = checkout(api, new_cart(api, (product["id"], 1))).json()
    deleted = admin.delete(f"/api/admin/products/{product['id']}")
    assert deleted.json()["mode"] == "soft"
    assert_problem(api.get(f"/api/products/{product['id']}"), 404)
    kept = admin.get(f"/api/admin/products/{product['id']}").json()
    assert kept["deleted"] is True
    assert kept["active"] is False
    order = api.get(
        f"/api/orders/{placed['order']['number']}", params={"token": placed["access_token"]}
    ).json()
    assert order["items"][0]["name"] == product["name"]  # the order keeps its snapshot
    hidden = admin.get("/api/admin/products", params={"q": product["sku"]}).json()
    assert hidden["total"] == 0
    shown = admin.get("/api/admin/products", params={"q": product["sku"], "include_deleted": True}).json()
    assert shown["total"] == 1
    assert_problem(admin.patch(f"/api/admin/products/{product['id']}", json={"name": "x"}), 409)


def test_inactive_products_leave_the_storefront(api, admin, make_product):
    product = make_product(stock=5)
    admin.patch(f"/api/admin/products/{product['id']}", json={"active": False})
    assert_problem(api.get(f"/api/products/{product['id']}"), 404)
    assert api.get("/api/products", params={"q": product["sku"]}).json()["total"] == 0


def test_product_input_is_checked(admin, make_product):
    product = make_product()
    base = {"sku": "NEW-1", "name": "New", "price_minor": 100, "category_id": 1}
    cases = [
        (base | {"sku": product["sku"]}, 409, "body.sku"),
        (base | {"category_id": 999_999}, 422, "body.category_id"),
        (base | {"price_minor": -1}, 422, "body.price_minor"),
        (base | {"price_minor": 10.5}, 422, "body.price_minor"),
        (base | {"name": "x" * 1_000_000}, 413, None),
        (base | {"name": "x" * 201}, 422, "body.name"),
        (base | {"sku": "bad sku!"}, 422, "body.sku"),
        (base | {"colour": "red"}, 422, "body.colour"),
        ({k: v for k, v in base.items() if k != "name"}, 422, "body.name"),
    ]
    for body, status, field in cases:
        assert_problem(admin.post("/api/admin/products", json=body), status, field)
    assert_problem(admin.patch(f"/api/admin/products/{product['id']}", json={"name": None}), 422, "body.name")
    assert_problem(admin.patch("/api/admin/products/999999", json={"name": "x"}), 404)


def test_receive_correct_and_history(api, admin, make_product):
    product = make_product()
    pid = product["id"]
    received = admin.post(
        f"/api/admin/stock/{pid}/receipts", json={"quantity": 12, "reason": "delivery DN-1"}
    )
    assert received.status_code == 201
    assert received.json()["on_hand"] == 12
    corrected = admin.post(
        f"/api/admin/stock/{pid}/corrections", json={"quantity": -2, "reason": "two broken"}
    )
    assert corrected.json()["on_hand"] == 10
    assert api.get(f"/api/products/{pid}").json()["stock"] == {"status": "in_stock", "available": 10}

    history = admin.get(f"/api/admin/stock/{pid}/movements").json()["items"]
    assert [(m["reason"], m["delta_on_hand"], m["on_hand_after"], m["note"]) for m in history] == [
        ("correction", -2, 10, "two broken"),
        ("receipt", 12, 12, "delivery DN-1"),
    ]
    assert all(m["actor"].endswith(ADMIN_EMAIL) for m in history)
    actions = [e["action"] for e in audit_for(admin, pid)]
    assert actions[:2] == ["stock.correction", "stock.receipt"]

    assert_problem(
        admin.post(f"/api/admin/stock/{pid}/corrections", json={"quantity": -11, "reason": "count"}), 409
    )
    assert_problem(
        admin.post(f"/api/admin/stock/{pid}/corrections", json={"quantity": 0, "reason": "count"}),
        422,
        "body.quantity",
    )
    assert_problem(
        admin.post(f"/api/admin/stock/{pid}/receipts", json={"quantity": 0, "reason": "none"}),
        422,
        "body.quantity",
    )
    assert_problem(admin.post(f"/api/admin/stock/{pid}/receipts", json={"quantity": 1}), 422, "body.reason")
    assert_problem(
        admin.post("/api/admin/stock/999999/receipts", json={"quantity": 1, "reason": "ghost"}), 404
    )
    assert (
        admin.get(f"/api/admin/stock/{pid}/movements").json()["items"] == history
    )  # refusals changed nothing


def test_low_stock_filter_and_threshold(admin, make_product):
    product = make_product(stock=4)
    pid = product["id"]
    low = admin.get("/api/admin/stock", params={"low": True, "page_size": 200}).json()
    assert pid in [row["product_id"] for row in low["items"]]
    assert all(r["level"]["available"] <= r["level"]["low_stock_threshold"] for r in low["items"])
    updated = admin.patch(f"/api/admin/stock/{pid}", json={"low_stock_threshold": 2})
    assert updated.json()["status"] == "in_stock"
    low = admin.get("/api/admin/stock", params={"low": True, "page_size": 200}).json()
    assert pid not in [row["product_id"] for row in low["items"]]
    everything = admin.get("/api/admin/stock", params={"q": product["sku"]}).json()
    assert everything["items"][0]["level"]["on_hand"] == 4
    one = admin.get(f"/api/admin/stock/{pid}").json()
    assert (one["sku"], one["level"]["on_hand"], one["level"]["low_stock_threshold"]) == (
        product["sku"],
        4,
        2,
    )
    assert_problem(admin.get("/api/admin/stock/999999"), 404)


def test_orders_list_and_dashboard(api, admin, make_product):
    before = admin.get("/api/admin/summary").json()
    product = make_product(stock=5, price_minor=2000)
    placed = checkout(api, new_cart(api, (product["id"], 2))).json()["order"]
    orders = admin.get("/api/admin/orders", params={"status": "placed"}).json()
    assert orders["items"][0]["number"] == placed["number"]
    assert orders["items"][0]["item_count"] == 2
    assert admin.get(f"/api/admin/orders/{placed['number']}").json()["total"] == placed["total"]
    after = admin.get("/api/admin/summary").json()
    assert after["orders_today"] == before["orders_today"] + 1
    assert after["revenue_today"]["amount_minor"] == before["revenue_today"]["amount_minor"] + 4500
    assert after["low_stock_count"] >= 1
    assert after["recent_actions"][0]["action"].startswith(("stock.", "product."))
    assert_problem(admin.get("/api/admin/orders", params={"status": "lost"}), 422, "query.status")


def test_a_deleted_products_id_is_never_reused(admin, make_product):
    gone = make_product(stock=3)
    assert admin.delete(f"/api/admin/products/{gone['id']}").json()["mode"] == "hard"
    new = make_product()
    assert new["id"] > gone["id"]
    assert admin.get(f"/api/admin/stock/{new['id']}/movements").json()["items"] == []
