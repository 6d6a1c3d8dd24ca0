// Facts about the shop the API does not (yet) expose; the back end's defaults.

/** O11YSHOP_CURRENCY: every price in the shop is in this currency. */
export const SHOP_CURRENCY = process.env.NEXT_PUBLIC_SHOP_CURRENCY ?? "JPY";

export const SHOP_NAME = "o11yshop";
