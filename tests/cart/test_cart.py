"""SVC-03 cart: lines, totals, stock checks, and a token that is the only way in."""

from __future__ import annotations

from conftest import assert_problem, new_cart


def test_cart_lines_and_totals(api, make_product):
    a = make_product(stock=10, price_minor=1200)
    b = make_product(stock=10, price_minor=350)
    created = api.post("/api/cart")
    assert created.status_code == 201
    token = created.json()["token"]
    assert created.json()["cart"] == {
        "status": "open",
        "items": [],
        "item_count": 0,
        "total": {"amount_minor": 0, "currency": "JPY"},
    }
    headers = {"X-Cart-Token": token}

    api.post("/api/cart/items", json={"product_id": a["id"], "quantity": 2}, headers=headers)
    api.post("/api/cart/items", json={"product_id": b["id"]}, headers=headers)
    cart = api.post("/api/cart/items", json={"product_id": a["id"], "quantity": 1}, headers=headers).json()
    assert [
        (line["product_id"], line["quantity"], line["line_total"]["amount_minor"]) for line in cart["items"]
    ] == [
        (a["id"], 3, 3600),
        (b["id"], 1, 350),
    ]
    assert cart["item_count"] == 4
    assert cart["total"]["amount_minor"] == 3950
    assert cart["items"][0]["stock"]["status"] == "in_stock"

    cart = api.put(f"/api/cart/items/{b['id']}", json={"quantity": 5}, headers=headers).json()
    assert cart["total"]["amount_minor"] == 3600 + 1750

    cart = api.delete(f"/api/cart/items/{a['id']}", headers=headers).json()
    assert [line["product_id"] for line in cart["items"]] == [b["id"]]
    assert cart["total"]["amount_minor"] == 1750
    assert api.get("/api/cart", headers=headers).json() == cart


def test_quantities_are_checked_against_stock(api, make_product):
    product = make_product(stock=3)
    token = new_cart(api, (product["id"], 2))
    headers = {"X-Cart-Token": token}
    over = api.post("/api/cart/items", json={"product_id": product["id"], "quantity": 2}, headers=headers)
    body = assert_problem(over, 409, "body.quantity")
    assert body["code"] == "insufficient_stock"
    assert_problem(api.put(f"/api/cart/items/{product['id']}", json={"quantity": 4}, headers=headers), 409)
    assert (
        api.put(f"/api/cart/items/{product['id']}", json={"quantity": 3}, headers=headers).status_code == 200
    )


def test_sold_out_products_cannot_be_added(api, make_product):
    product = make_product(stock=0)
    token = new_cart(api)
    response = api.post(
        "/api/cart/items", json={"product_id": product["id"]}, headers={"X-Cart-Token": token}
    )
    assert_problem(response, 409, "body.quantity")


def test_bad_cart_input_is_refused_with_the_field_named(api, make_product):
    product = make_product(stock=3)
    token = new_cart(api)
    headers = {"X-Cart-Token": token}
    for quantity in (0, -1, 100, 10**12, "2", 1.5, None):
        response = api.post(
            "/api/cart/items", json={"product_id": product["id"], "quantity": quantity}, headers=headers
        )
        assert_problem(response, 422, "body.quantity")
    assert_problem(
        api.post("/api/cart/items", json={"product_id": 999_999}, headers=headers), 422, "body.product_id"
    )
    assert_problem(
        api.post("/api/cart/items", json={"product_id": "abc"}, headers=headers), 422, "body.product_id"
    )
    assert_problem(api.put("/api/cart/items/999999", json={"quantity": 1}, headers=headers), 404)
    assert_problem(api.delete(f"/api/cart/items/{product['id']}", headers=headers), 404)


def test_a_cart_needs_its_token(api):
    assert_problem(api.get("/api/cart"), 422, "header.x-cart-token")
    assert_problem(api.get("/api/cart", headers={"X-Cart-Token": "short"}), 422, "header.x-cart-token")
    assert_problem(api.get("/api/cart", headers={"X-Cart-Token": "A" * 43}), 404)


def test_tokens_are_unguessable_and_not_stored(stack, api):
    from sqlalchemy import select

    from o11yshop.db.models import Cart

    tokens = {api.post("/api/cart").json()["token"] for _ in range(20)}
    assert len(tokens) == 20
    assert all(len(t) >= 43 for t in tokens)  # 32 random bytes, base64url
    with stack.database.read() as session:
        stored = set(session.scalars(select(Cart.token_hash)))
    assert not tokens & stored
