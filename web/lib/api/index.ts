export { shopApi, createShopApi, type ShopApi, type ProductQuery, type AdminStockQuery, type AdminProductQuery } from "./shop-api";
export { createApiClient, type ApiClient } from "./client";
export * from "./result";
export type * from "./types";
