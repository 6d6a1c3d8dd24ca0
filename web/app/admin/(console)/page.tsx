import { DashboardView } from "@/components/admin/dashboard-view";

export const metadata = { title: "Dashboard" };

export default function AdminDashboardPage() {
  return <DashboardView />;
}
