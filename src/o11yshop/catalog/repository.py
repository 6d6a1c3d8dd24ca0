"""All catalog SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, UnaryExpression, func, or_, select
from sqlalchemy.orm import Session, selectinload

from o11yshop.catalog.schemas import ProductSort
from o11yshop.db.models import Category, Product

_ORDER: dict[ProductSort, tuple[UnaryExpression[Any], ...]] = {
    ProductSort.newest: (Product.created_at.desc(), Product.id.desc()),
    ProductSort.price_asc: (Product.price_minor.asc(), Product.id.asc()),
    ProductSort.price_desc: (Product.price_minor.desc(), Product.id.asc()),
    # lower-cased and compared byte-wise, so SQLite and MySQL (whose collations differ) agree
    ProductSort.name: (func.lower(Product.name).asc(), Product.id.asc()),
}


def visible() -> ColumnElement[bool]:
    return (Product.active.is_(True)) & (Product.deleted_at.is_(None))


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_condition(text: str) -> ColumnElement[bool]:
    pattern = like_pattern(text.lower())
    return or_(
        func.lower(Product.name).like(pattern, escape="\\"),
        func.lower(Product.description).like(pattern, escape="\\"),
        func.lower(Product.sku).like(pattern, escape="\\"),
    )


class CatalogRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def category_by_slug(self, slug: str) -> Category | None:
        return self.session.scalar(select(Category).where(Category.slug == slug))

    def categories_with_counts(self) -> list[tuple[Category, int]]:
        counts = (
            select(Product.category_id, func.count(Product.id).label("n"))
            .where(visible())
            .group_by(Product.category_id)
            .subquery()
        )
        rows = self.session.execute(
            select(Category, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.category_id == Category.id)
            .order_by(Category.position, Category.name)
        )
        return [(category, int(n)) for category, n in rows]

    def page(
        self,
        *,
        category_id: int | None,
        text: str | None,
        featured: bool | None,
        sort: ProductSort,
        offset: int,
        limit: int,
    ) -> tuple[list[Product], int]:
        query: Select[tuple[Product]] = select(Product).where(visible())
        if category_id is not None:
            query = query.where(Product.category_id == category_id)
        if text:
            query = query.where(search_condition(text))
        if featured is not None:
            query = query.where(Product.featured.is_(featured))
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(
            query.options(selectinload(Product.category))
            .order_by(*self._order(sort))
            .offset(offset)
            .limit(limit)
        )
        return list(rows), total

    def _order(self, sort: ProductSort) -> tuple[Any, ...]:
        if sort is ProductSort.name and self.session.get_bind().dialect.name == "mysql":
            return (func.lower(Product.name).collate("utf8mb4_bin").asc(), Product.id.asc())
        return _ORDER[sort]

    def visible_product(self, product_id: int) -> Product | None:
        return self.session.scalar(
            select(Product).where(Product.id == product_id, visible()).options(selectinload(Product.category))
        )

    def visible_products(self, product_ids: list[int]) -> dict[int, Product]:
        rows = self.session.scalars(
            select(Product)
            .where(Product.id.in_(product_ids), visible())
            .options(selectinload(Product.category))
        )
        return {p.id: p for p in rows}
