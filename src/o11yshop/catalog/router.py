"""SVC-01 HTTP: what shoppers browse."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from o11yshop.api.deps import InventoryDep
from o11yshop.catalog.schemas import CategoryOut, ProductDetail, ProductPage, ProductSort
from o11yshop.catalog.service import CatalogService
from o11yshop.http.database import ReadSession
from o11yshop.http.problems import problems
from o11yshop.inventory.schemas import ProductId

router = APIRouter(prefix="/api", tags=["catalog"])


def _catalog(session: ReadSession, inventory: InventoryDep) -> CatalogService:
    return CatalogService(session, inventory)


Catalog = Annotated[CatalogService, Depends(_catalog)]


@router.get("/categories", operation_id="list_categories", response_model=list[CategoryOut])
def list_categories(catalog: Catalog) -> list[CategoryOut]:
    """Every category with how many products it has on sale."""
    return catalog.categories()


@router.get("/products", operation_id="list_products", response_model=ProductPage, responses=problems(422))
def list_products(
    catalog: Catalog,
    category: Annotated[str | None, Query(max_length=64, description="category slug")] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="words in the name, description or SKU")
    ] = None,
    featured: Annotated[bool | None, Query(description="only featured (true) or only other (false)")] = None,
    sort: ProductSort = ProductSort.newest,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 24,
) -> ProductPage:
    """Products on sale, filtered, searched, sorted and paged, each with its stock status."""
    return catalog.products(
        category=category, text=q, featured=featured, sort=sort, page=page, page_size=page_size
    )


@router.get(
    "/products/{product_id}",
    operation_id="get_product",
    response_model=ProductDetail,
    responses=problems(404, 422),
)
def get_product(product_id: ProductId, catalog: Catalog) -> ProductDetail:
    """One product with its description and stock status."""
    return catalog.product(product_id)
