import { ProductCreateView } from "@/components/admin/product-create-view";

export const metadata = { title: "New product" };

export default function AdminNewProductPage() {
  return <ProductCreateView />;
}
