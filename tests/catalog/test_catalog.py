"""SVC-01 catalog: pagination, sort, category filter, search, detail, stock status (C-BROWSE-07)."""

from __future__ import annotations

from conftest import assert_problem


def all_products(api, **params):
    items, page = [], 1
    while True:
        body = api.get("/api/products", params={**params, "page": page, "page_size": 100}).json()
        items += body["items"]
        if page >= body["pages"]:
            return items
        page += 1


def test_the_seeded_catalog(api):
    categories = api.get("/api/categories").json()
    assert len(categories) >= 8
    assert all(c["product_count"] >= 1 for c in categories)
    products = all_products(api)
    assert len(products) >= 60
    statuses = {p["stock"]["status"] for p in products}
    assert {"in_stock", "low", "sold_out"} <= statuses
    assert all(p["image_url"] and p["image_url"].startswith("/media/products/") for p in products)
    image = api.get(products[0]["image_url"])
    assert image.status_code == 200
    assert image.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_category_counts_match_the_listing(api):
    for category in api.get("/api/categories").json()[:3]:
        listed = api.get("/api/products", params={"category": category["slug"]}).json()
        assert listed["total"] == category["product_count"]
        assert {p["category"]["slug"] for p in listed["items"]} == {category["slug"]}


def test_pagination_covers_everything_once(api):
    first = api.get("/api/products", params={"page_size": 7, "sort": "name"}).json()
    seen = []
    for page in range(1, first["pages"] + 1):
        seen += [
            p["id"]
            for p in api.get("/api/products", params={"page_size": 7, "page": page, "sort": "name"}).json()[
                "items"
            ]
        ]
    assert len(seen) == first["total"] == len(set(seen))
    beyond = api.get("/api/products", params={"page_size": 7, "page": first["pages"] + 1}).json()
    assert beyond["items"] == []


def test_sort_orders(api):
    by_price = [p["price"]["amount_minor"] for p in all_products(api, sort="price_asc")]
    assert by_price == sorted(by_price)
    by_price_desc = [p["price"]["amount_minor"] for p in all_products(api, sort="price_desc")]
    assert by_price_desc == sorted(by_price_desc, reverse=True)
    names = [p["name"] for p in all_products(api, sort="name")]
    assert names == sorted(names, key=str.lower)
    newest = [p["created_at"] for p in all_products(api, sort="newest")]
    assert newest == sorted(newest, reverse=True)


def test_search(api, make_product):
    product = make_product(stock=1, name="Zanzibar Quokka Lamp 100%")
    found = api.get("/api/products", params={"q": "quokka"}).json()
    assert [p["id"] for p in found["items"]] == [product["id"]]
    assert api.get("/api/products", params={"q": product["sku"].lower()}).json()["total"] == 1
    assert api.get("/api/products", params={"q": "100%"}).json()["total"] >= 1
    assert (
        api.get("/api/products", params={"q": "%"}).json()["total"]
        == api.get("/api/products", params={"q": "100%"}).json()["total"]
    )  # % is a character, not a wildcard
    assert api.get("/api/products", params={"q": "no-such-thing-xyzzy"}).json() == {
        "items": [],
        "total": 0,
        "page": 1,
        "page_size": 24,
        "pages": 1,
    }


def test_featured_filter(api):
    featured = api.get("/api/products", params={"featured": "true"}).json()["items"]
    assert featured
    assert all(p["featured"] for p in featured)


def test_product_detail(api, make_product):
    product = make_product(stock=3, description="Hand-thrown, one of a kind.")
    detail = api.get(f"/api/products/{product['id']}").json()
    assert detail["description"] == "Hand-thrown, one of a kind."
    assert detail["stock"] == {"status": "low", "available": 3}
    assert detail["price"] == {"amount_minor": 1000, "currency": "JPY"}


def test_catalog_input_errors(api):
    assert_problem(api.get("/api/products", params={"category": "nope"}), 422, "query.category")
    assert_problem(api.get("/api/products", params={"sort": "random"}), 422, "query.sort")
    assert_problem(api.get("/api/products", params={"page": 0}), 422, "query.page")
    assert_problem(api.get("/api/products", params={"page_size": 1000}), 422, "query.page_size")
    assert_problem(api.get("/api/products", params={"q": "x" * 201}), 422, "query.q")
    assert_problem(api.get("/api/products/999999"), 404)
    assert_problem(api.get("/api/products/abc"), 422, "path.product_id")
    assert_problem(api.get("/api/products/99999999999999999999"), 422, "path.product_id")
