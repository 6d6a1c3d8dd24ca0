"""SVC-01 catalog rules: what a shopper can see, each product with its stock status."""

from __future__ import annotations

import math

from sqlalchemy.orm import Session

from o11yshop import telemetry
from o11yshop.catalog.repository import CatalogRepository
from o11yshop.catalog.schemas import (
    CategoryOut,
    CategoryRef,
    Money,
    ProductDetail,
    ProductPage,
    ProductSort,
    ProductSummary,
    Stock,
)
from o11yshop.db.models import Product
from o11yshop.http.problems import Invalid, NotFound
from o11yshop.inventory.client import InventoryClient
from o11yshop.inventory.schemas import StockLevel, StockStatus
from o11yshop.telemetry import catalogue, get_logger, metrics

log = get_logger("o11yshop.catalog")
UNKNOWN_STOCK = Stock(status=StockStatus.unknown, available=None)


def image_url(product: Product) -> str | None:
    return f"/media/{product.image_key}" if product.image_key else None


def summary(product: Product, stock: Stock) -> ProductSummary:
    return ProductSummary(
        id=product.id,
        sku=product.sku,
        name=product.name,
        price=Money(amount_minor=product.price_minor, currency=product.currency),
        category=CategoryRef(id=product.category.id, slug=product.category.slug, name=product.category.name),
        image_url=image_url(product),
        featured=product.featured,
        created_at=product.created_at,
        stock=stock,
    )


def stock_of(level: StockLevel | None) -> Stock:
    if level is None:
        return UNKNOWN_STOCK
    return Stock(status=level.status, available=max(level.available, 0))


class CatalogService:
    def __init__(self, session: Session, inventory: InventoryClient) -> None:
        self.repo = CatalogRepository(session)
        self.inventory = inventory

    def categories(self) -> list[CategoryOut]:
        return [
            CategoryOut(id=c.id, slug=c.slug, name=c.name, description=c.description, product_count=n)
            for c, n in self.repo.categories_with_counts()
        ]

    def products(
        self,
        *,
        category: str | None,
        text: str | None,
        featured: bool | None,
        sort: ProductSort,
        page: int,
        page_size: int,
    ) -> ProductPage:
        category_id = None
        if category:
            found = self.repo.category_by_slug(category)
            if found is None:
                raise Invalid("query.category", f"no category {category!r}", type_="unknown_category")
            category_id = found.id
        rows, total = self.repo.page(
            category_id=category_id,
            text=(text or "").strip() or None,
            featured=featured,
            sort=sort,
            offset=(page - 1) * page_size,
            limit=page_size,
        )
        if text and text.strip():
            metrics.record(catalogue.SEARCHES)
            if total == 0:
                metrics.record(catalogue.ZERO_RESULT_SEARCHES)
            log.info("catalog search", query=text.strip()[:100], results=total, category=category)
        levels = self.inventory.levels_if_up([p.id for p in rows])
        return ProductPage(
            items=[summary(p, stock_of(levels.get(p.id) if levels is not None else None)) for p in rows],
            total=total,
            page=page,
            page_size=page_size,
            pages=max(1, math.ceil(total / page_size)),
        )

    def product(self, product_id: int) -> ProductDetail:
        product = self.repo.visible_product(product_id)
        if product is None:
            raise NotFound(f"no product {product_id}")
        telemetry.bind(product_id=product_id, category=product.category.slug)
        metrics.record(catalogue.PRODUCT_VIEWS, Category=product.category.slug)
        levels = self.inventory.levels_if_up([product_id])
        base = summary(product, stock_of(levels.get(product_id) if levels is not None else None))
        return ProductDetail(**base.model_dump(), description=product.description)
