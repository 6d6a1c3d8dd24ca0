// Every call the front end makes to the shop's API, typed from openapi.json. Pages use `shopApi`;
// tests build their own with `createShopApi(createApiClient({ baseUrl, fetch }))`.
import { call, createApiClient, type ApiClient } from "./client";
import type {
  AdminProduct,
  AdminProductPage,
  AdminStockPage,
  AuditEntry,
  Cart,
  Category,
  DashboardSummary,
  DeleteResult,
  Movement,
  Order,
  PlacedOrder,
  ProductCreate,
  ProductDetail,
  ProductPage,
  ProductSort,
  ProductUpdate,
  Shipping,
  StockLevel,
  TokenOut,
} from "./types";
import type { Result } from "./result";

export interface ProductQuery {
  category?: string;
  q?: string;
  featured?: boolean;
  sort?: ProductSort;
  page?: number;
  pageSize?: number;
}

export interface AdminProductQuery {
  q?: string;
  page?: number;
  pageSize?: number;
}

export interface AdminStockQuery {
  q?: string;
  low?: boolean;
  page?: number;
  pageSize?: number;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export function createShopApi(client: ApiClient) {
  return {
    catalog: {
      categories: (): Promise<Result<Category[]>> => call(client.GET("/api/categories")),
      products: (query: ProductQuery = {}): Promise<Result<ProductPage>> =>
        call(
          client.GET("/api/products", {
            params: {
              query: {
                category: query.category || undefined,
                q: query.q || undefined,
                featured: query.featured,
                sort: query.sort,
                page: query.page,
                page_size: query.pageSize,
              },
            },
          }),
        ),
      product: (id: number): Promise<Result<ProductDetail>> =>
        call(client.GET("/api/products/{product_id}", { params: { path: { product_id: id } } })),
    },

    cart: {
      create: (): Promise<Result<{ token: string; cart: Cart }>> => call(client.POST("/api/cart")),
      get: (token: string): Promise<Result<Cart>> =>
        call(client.GET("/api/cart", { params: { header: { "x-cart-token": token } } })),
      add: (token: string, productId: number, quantity: number): Promise<Result<Cart>> =>
        call(
          client.POST("/api/cart/items", {
            params: { header: { "x-cart-token": token } },
            body: { product_id: productId, quantity },
          }),
        ),
      setQuantity: (token: string, productId: number, quantity: number): Promise<Result<Cart>> =>
        call(
          client.PUT("/api/cart/items/{product_id}", {
            params: { path: { product_id: productId }, header: { "x-cart-token": token } },
            body: { quantity },
          }),
        ),
      remove: (token: string, productId: number): Promise<Result<Cart>> =>
        call(
          client.DELETE("/api/cart/items/{product_id}", {
            params: { path: { product_id: productId }, header: { "x-cart-token": token } },
          }),
        ),
    },

    orders: {
      checkout: (cartToken: string, idempotencyKey: string, shipping: Shipping): Promise<Result<PlacedOrder>> =>
        call(
          client.POST("/api/checkout", {
            params: { header: { "x-cart-token": cartToken, "idempotency-key": idempotencyKey } },
            body: { shipping },
          }),
        ),
      lookup: (number: string, accessToken: string): Promise<Result<Order>> =>
        call(
          client.GET("/api/orders/{number}", {
            params: { path: { number }, header: { "x-order-token": accessToken } },
          }),
        ),
    },

    admin: {
      login: (email: string, password: string): Promise<Result<TokenOut>> =>
        call(client.POST("/api/auth/login", { body: { email, password } })),
      summary: (token: string): Promise<Result<DashboardSummary>> =>
        call(client.GET("/api/admin/summary", { headers: bearer(token) })),
      products: (token: string, query: AdminProductQuery = {}): Promise<Result<AdminProductPage>> =>
        call(
          client.GET("/api/admin/products", {
            headers: bearer(token),
            params: { query: { q: query.q || undefined, page: query.page, page_size: query.pageSize } },
          }),
        ),
      product: (token: string, id: number): Promise<Result<AdminProduct>> =>
        call(
          client.GET("/api/admin/products/{product_id}", {
            headers: bearer(token),
            params: { path: { product_id: id } },
          }),
        ),
      createProduct: (token: string, body: ProductCreate): Promise<Result<AdminProduct>> =>
        call(client.POST("/api/admin/products", { headers: bearer(token), body })),
      updateProduct: (token: string, id: number, body: ProductUpdate): Promise<Result<AdminProduct>> =>
        call(
          client.PATCH("/api/admin/products/{product_id}", {
            headers: bearer(token),
            params: { path: { product_id: id } },
            body,
          }),
        ),
      deleteProduct: (token: string, id: number): Promise<Result<DeleteResult>> =>
        call(
          client.DELETE("/api/admin/products/{product_id}", {
            headers: bearer(token),
            params: { path: { product_id: id } },
          }),
        ),
      stock: (token: string, query: AdminStockQuery = {}): Promise<Result<AdminStockPage>> =>
        call(
          client.GET("/api/admin/stock", {
            headers: bearer(token),
            params: {
              query: {
                q: query.q || undefined,
                low: query.low || undefined,
                page: query.page,
                page_size: query.pageSize,
              },
            },
          }),
        ),
      receiveStock: (token: string, id: number, quantity: number, reason: string): Promise<Result<StockLevel>> =>
        call(
          client.POST("/api/admin/stock/{product_id}/receipts", {
            headers: bearer(token),
            params: { path: { product_id: id } },
            body: { quantity, reason },
          }),
        ),
      correctStock: (token: string, id: number, quantity: number, reason: string): Promise<Result<StockLevel>> =>
        call(
          client.POST("/api/admin/stock/{product_id}/corrections", {
            headers: bearer(token),
            params: { path: { product_id: id } },
            body: { quantity, reason },
          }),
        ),
      setThreshold: (token: string, id: number, threshold: number): Promise<Result<StockLevel>> =>
        call(
          client.PATCH("/api/admin/stock/{product_id}", {
            headers: bearer(token),
            params: { path: { product_id: id } },
            body: { low_stock_threshold: threshold },
          }),
        ),
      movements: (token: string, id: number, limit = 50): Promise<Result<{ product_id: number; items: Movement[] }>> =>
        call(
          client.GET("/api/admin/stock/{product_id}/movements", {
            headers: bearer(token),
            params: { path: { product_id: id }, query: { limit } },
          }),
        ),
      audit: (token: string, limit = 20): Promise<Result<AuditEntry[]>> =>
        call(client.GET("/api/admin/audit", { headers: bearer(token), params: { query: { limit } } })),
    },
  };
}

export type ShopApi = ReturnType<typeof createShopApi>;

export const shopApi: ShopApi = createShopApi(createApiClient());
