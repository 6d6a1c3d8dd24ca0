// Where the browser keeps the shop's state; the end-to-end tests use the same names.

/** localStorage: the anonymous cart's token, so the cart survives reloads and closed tabs. */
export const CART_TOKEN_KEY = "o11yshop.cart-token";

/** sessionStorage: the shipping details typed at checkout (this tab only: they hold an address). */
export const CHECKOUT_DRAFT_KEY = "o11yshop.checkout-shipping";

/** sessionStorage: the admin's bearer token and who it belongs to (this tab only, 15 minutes). */
export const ADMIN_SESSION_KEY = "o11yshop.admin-session";
