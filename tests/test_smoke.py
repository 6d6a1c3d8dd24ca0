from conftest import SHIPPING, checkout, new_cart


def test_browse_and_checkout(api, make_product):
    product = make_product(stock=5)
    listing = api.get("/api/products", params={"page_size": 5})
    assert listing.status_code == 200, listing.text
    token = new_cart(api, (product["id"], 2))
    placed = checkout(api, token)
    assert placed.status_code == 201, placed.text
    assert placed.json()["order"]["shipping"]["name"] == SHIPPING["name"]
    assert api.get(f"/api/products/{product['id']}").json()["stock"]["available"] == 3
