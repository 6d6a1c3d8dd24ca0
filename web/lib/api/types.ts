// Names for the API's shapes, taken from the types generated from ../openapi.json.
import type { components } from "./generated/schema";

type Schemas = components["schemas"];

export type Money = Schemas["Money"];
export type Category = Schemas["CategoryOut"];
export type CategoryRef = Schemas["CategoryRef"];
export type ProductSummary = Schemas["ProductSummary"];
export type ProductDetail = Schemas["ProductDetail"];
export type ProductPage = Schemas["ProductPage"];
export type ProductSort = Schemas["ProductSort"];
export type Stock = Schemas["Stock"];
export type StockStatus = Schemas["StockStatus"];
export type Cart = Schemas["CartOut"];
export type CartLine = Schemas["CartLine"];
export type Shipping = Schemas["Shipping"];
export type PlacedOrder = Schemas["PlacedOrder"];
export type Order = Schemas["OrderOut"];
export type Problem = Schemas["Problem"];
export type TokenOut = Schemas["TokenOut"];
export type Admin = Schemas["AdminOut"];
export type DashboardSummary = Schemas["DashboardSummary"];
export type AuditEntry = Schemas["AuditEntry"];
export type AdminProduct = Schemas["AdminProduct"];
export type AdminProductPage = Schemas["AdminProductPage"];
export type ProductCreate = Schemas["ProductCreate"];
export type ProductUpdate = Schemas["ProductUpdate"];
export type AdminStockPage = Schemas["AdminStockPage"];
export type AdminStockRow = Schemas["AdminStockRow"];
export type StockLevel = Schemas["StockLevel"];
export type Movement = Schemas["Movement"];
export type DeleteResult = Schemas["DeleteResult"];
