// Checks that mirror the API's ProductCreate schema; the server's errors land on the same fields.
import { parseMajorToMinor } from "@/lib/money";

export interface ProductDraft {
  sku: string;
  name: string;
  description: string;
  price: string;
  categoryId: string;
  active: boolean;
  featured: boolean;
}

export type ProductField = "sku" | "name" | "description" | "price" | "categoryId";
export type ProductErrors = Partial<Record<ProductField, string>>;

export const EMPTY_PRODUCT: ProductDraft = {
  sku: "",
  name: "",
  description: "",
  price: "",
  categoryId: "",
  active: true,
  featured: false,
};

const SKU = /^[A-Z0-9][A-Z0-9-]{2,63}$/;

export function validateProduct(draft: ProductDraft, currency: string): ProductErrors {
  const errors: ProductErrors = {};
  if (!SKU.test(draft.sku.trim())) errors.sku = "3 to 64 capital letters, digits or dashes, not starting with a dash.";
  if (!draft.name.trim()) errors.name = "Enter the product's name.";
  else if (draft.name.trim().length > 200) errors.name = "Keep the name under 200 characters.";
  if (draft.description.length > 5000) errors.description = "Keep the description under 5,000 characters.";
  const minor = parseMajorToMinor(draft.price, currency);
  if (minor === null || minor > 100_000_000) errors.price = `Enter a price in ${currency}, e.g. 1800.`;
  if (!draft.categoryId) errors.categoryId = "Choose a category.";
  return errors;
}

/** The server names body fields (`sku`, `price_minor`, `category_id`); map them to the form's. */
export function productErrorsFromServer(fieldErrors: Readonly<Record<string, string>>): ProductErrors {
  const map: Record<string, ProductField> = {
    sku: "sku",
    name: "name",
    description: "description",
    price_minor: "price",
    category_id: "categoryId",
  };
  const errors: ProductErrors = {};
  for (const [path, message] of Object.entries(fieldErrors)) {
    const field = map[path];
    if (field) errors[field] = message;
  }
  return errors;
}
