"""`o11yshop seed`: a believable shop — 8 categories, 64 products with drawn pictures, varied stock
(some sold out, some low), and one admin account."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from o11yshop.auth.schemas import Role
from o11yshop.auth.service import create_admin
from o11yshop.catalog.images import draw_product_image
from o11yshop.config import Settings
from o11yshop.db.base import utcnow
from o11yshop.db.engine import make_engine, make_session_factory, session_scope
from o11yshop.db.models import AdminUser, Category, Product
from o11yshop.inventory.schemas import AdjustmentKind, AdjustmentRequest
from o11yshop.inventory.service import InventoryService

CATALOG: dict[tuple[str, str], list[tuple[str, int]]] = {
    ("kitchen", "Kitchen"): [
        ("Cast Iron Skillet", 5800),
        ("Santoku Knife", 12800),
        ("Bamboo Cutting Board", 2400),
        ("Ceramic Donabe Pot", 8900),
        ("Copper Tamagoyaki Pan", 7600),
        ("Stainless Bento Box", 3200),
        ("Hinoki Rice Paddle", 900),
        ("Cast Iron Teapot", 6400),
    ],
    ("coffee-tea", "Coffee & Tea"): [
        ("Hand Drip Kettle", 6800),
        ("Ceramic Pour-Over Dripper", 2800),
        ("Single Origin Beans 250g", 1900),
        ("Matcha Whisk Set", 3600),
        ("Uji Sencha 100g", 1500),
        ("Burr Coffee Grinder", 14800),
        ("Glass Cold Brew Bottle", 2600),
        ("Hojicha Tea Bags", 800),
    ],
    ("stationery", "Stationery"): [
        ("Dot Grid Notebook", 1800),
        ("Fountain Pen", 9800),
        ("Washi Tape Set", 1200),
        ("Brass Mechanical Pencil", 4200),
        ("Leather Notebook Cover", 5600),
        ("Gel Ink Pens (10)", 1600),
        ("Desk Calendar", 1400),
        ("Sumi Ink Stick", 2200),
    ],
    ("outdoor", "Outdoor"): [
        ("Titanium Camp Mug", 3900),
        ("Trail Headlamp", 4800),
        ("Packable Rain Jacket", 12800),
        ("Insulated Water Bottle", 3500),
        ("Folding Camp Stool", 4400),
        ("Merino Hiking Socks", 2600),
        ("Compact Stove", 7800),
        ("Dry Bag 20L", 2900),
    ],
    ("electronics", "Electronics"): [
        ("Wireless Earbuds", 15800),
        ("USB-C Charger 65W", 4980),
        ("Mechanical Keyboard", 18900),
        ("Bluetooth Speaker", 8800),
        ("Portable SSD 1TB", 13800),
        ("Smart Plug", 2480),
        ("E-Ink Reader", 19800),
        ("Webcam 1080p", 6980),
    ],
    ("home", "Home"): [
        ("Linen Duvet Cover", 14800),
        ("Soy Wax Candle", 2800),
        ("Ceramic Vase", 4600),
        ("Wool Throw Blanket", 9800),
        ("Cedar Hangers (5)", 2500),
        ("Noren Curtain", 5400),
        ("Tatami Floor Cushion", 6600),
        ("Paper Lantern Lamp", 7200),
    ],
    ("books", "Books"): [
        ("Observability Engineering", 5900),
        ("Site Reliability Workbook", 6200),
        ("Designing Data Apps", 5800),
        ("Japanese Home Cooking", 3800),
        ("The Art of Tea", 2900),
        ("Field Guide to Birds", 3300),
        ("Calligraphy for Beginners", 2400),
        ("Python Tricks", 3600),
    ],
    ("toys-games", "Toys & Games"): [
        ("Wooden Puzzle Box", 3800),
        ("Kendama", 1600),
        ("Shogi Set", 7800),
        ("Origami Paper Pack", 900),
        ("Go Board Magnetic", 5200),
        ("Daruma Doll", 2100),
        ("Jigsaw Puzzle 1000", 2800),
        ("Spinning Top Set", 1300),
    ],
}

DESCRIPTIONS = {
    "kitchen": "Made to be used every day and to last for years.",
    "coffee-tea": "For the slow, good cup that starts the day.",
    "stationery": "A pleasure to write with, by hand, on paper.",
    "outdoor": "Light enough to carry, tough enough to rely on.",
    "electronics": "Small, capable and built to work with what you own.",
    "home": "Quiet materials that make a room feel calm.",
    "books": "Worth reading twice; the second time with a pencil.",
    "toys-games": "For hands and minds of every age.",
}


def stock_plan(index: int) -> tuple[int, int]:
    """(on hand, low-stock threshold) by position: every 9th sold out, every 7th low, the rest plenty."""
    if index % 9 == 4:
        return 0, 5
    if index % 7 == 3:
        return 1 + index % 4, 5
    return 20 + (index * 37) % 180, 5


def seed_database(settings: Settings, *, only_if_empty: bool = False) -> str:
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    try:
        with session_scope(factory) as session:
            if only_if_empty and session.scalar(select(func.count(Product.id))):
                return "the catalog has products already: nothing seeded"
            lines = [_catalog(session, settings)]
            lines.append(_admin(session, settings))
        return "\n".join(lines)
    finally:
        engine.dispose()


def _catalog(session: Session, settings: Settings) -> str:
    inventory = InventoryService(
        session,
        default_threshold=settings.default_low_stock_threshold,
        reservation_ttl_seconds=settings.reservation_ttl_seconds,
    )
    media = Path(settings.media_dir)
    now = utcnow()
    index = 0
    created = 0
    for position, ((slug, name), products) in enumerate(CATALOG.items()):
        category = session.scalar(select(Category).where(Category.slug == slug))
        if category is None:
            category = Category(slug=slug, name=name, description=DESCRIPTIONS[slug], position=position)
            session.add(category)
            session.flush()
        for number, (product_name, price) in enumerate(products, start=1):
            sku = f"{slug[:3].upper()}-{number:03d}"
            if session.scalar(select(Product.id).where(Product.sku == sku)) is not None:
                index += 1
                continue
            product = Product(
                sku=sku,
                name=product_name,
                description=f"{product_name}. {DESCRIPTIONS[slug]}",
                price_minor=price,
                currency=settings.currency,
                category_id=category.id,
                image_key=draw_product_image(media, sku, product_name, name),
                active=True,
                featured=number == 1 or index % 11 == 0,
                # newest first across categories, so 'new arrivals' shows a bit of everything
                created_at=now - timedelta(hours=6 * ((number - 1) * len(CATALOG) + position)),
            )
            session.add(product)
            session.flush()
            on_hand, threshold = stock_plan(index)
            if on_hand:
                inventory.adjust(
                    product.id,
                    AdjustmentRequest(
                        kind=AdjustmentKind.receipt, quantity=on_hand, reason="opening stock", actor="seed"
                    ),
                )
            inventory.set_threshold(product.id, threshold, "seed")
            index += 1
            created += 1
    return f"seeded {created} products in {len(CATALOG)} categories"


def _admin(session: Session, settings: Settings) -> str:
    if session.scalar(select(AdminUser.id).where(AdminUser.email == settings.admin_email)) is not None:
        return f"admin {settings.admin_email} exists already"
    given = settings.admin_password.get_secret_value() if settings.admin_password else None
    password = given or secrets.token_urlsafe(12)
    create_admin(session, settings.admin_email, password, Role.admin)
    if given:
        return f"admin {settings.admin_email} created with the password from O11YSHOP_ADMIN_PASSWORD"
    return (
        f"admin {settings.admin_email} created; password (shown once, keep it): {password}\n"
        "  set O11YSHOP_ADMIN_PASSWORD before seeding to choose it yourself"
    )
