import type { ReactNode } from "react";

import { AdminShell } from "@/components/admin/admin-shell";

export const metadata = { title: { default: "Admin", template: "%s · o11yshop admin" }, robots: { index: false } };

export default function AdminLayout({ children }: { children: ReactNode }) {
  return <AdminShell>{children}</AdminShell>;
}
