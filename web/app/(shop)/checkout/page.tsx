import { CheckoutView } from "@/components/checkout/checkout-view";

export const metadata = { title: "Checkout" };

export default function CheckoutPage() {
  return <CheckoutView />;
}
