"""The exported front end at `/`: pages, Next's `.txt` payloads (query string ignored), HEAD, the
404 page; no directory listings; /api misses stay problem JSON."""

from __future__ import annotations

import httpx
import pytest

from o11yshop.api.app import create_api_app

from conftest import LiveServer, assert_problem, make_settings


@pytest.fixture
def shop_with_front_end(seeded_db, media_dir, tmp_path):
    web = tmp_path / "out"
    (web / "product").mkdir(parents=True)
    (web / "_next" / "static").mkdir(parents=True)
    (web / "index.html").write_text("<h1>home</h1>")
    (web / "404.html").write_text("<h1>not here</h1>")
    (web / "product" / "index.html").write_text("<h1>product</h1>")
    (web / "product" / "index.txt").write_text("1:rsc-payload")
    (web / "_next" / "static" / "app.js").write_text("console.log(1)")
    server = LiveServer(create_api_app(make_settings(seeded_db, media_dir, web_dir=web))).start()
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client
    server.stop()


def test_pages_payloads_and_assets(shop_with_front_end):
    shop = shop_with_front_end
    assert shop.get("/").text == "<h1>home</h1>"
    assert shop.get("/product/").text == "<h1>product</h1>"
    assert shop.get("/product/?id=3").text == "<h1>product</h1>"
    assert shop.get("/product/index.txt?_rsc=1x2y").text == "1:rsc-payload"
    head = shop.head("/product/")
    assert head.status_code == 200
    assert head.content == b""
    assert (
        shop.get("/_next/static/app.js")
        .headers["content-type"]
        .startswith(("text/javascript", "application/javascript"))
    )


def test_misses_and_directories(shop_with_front_end):
    shop = shop_with_front_end
    missing = shop.get("/no/such/page/")
    assert missing.status_code == 404
    assert "not here" in missing.text
    listing = shop.get("/_next/static/")
    assert listing.status_code == 404
    assert "app.js" not in listing.text
    assert_problem(shop.get("/api/no-such-endpoint"), 404)
    assert shop.get("/api/products").status_code == 200


def test_without_a_build_the_root_says_how_to_get_one(api):
    page = api.get("/")
    assert page.status_code == 200
    assert "/api/docs" in page.text
