export function stockItemHref(productId: number): string {
  return `/admin/inventory/item/?id=${productId}`;
}
