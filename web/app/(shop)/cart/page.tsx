import { CartView } from "@/components/cart/cart-view";

export const metadata = { title: "Cart" };

export default function CartPage() {
  return <CartView />;
}
