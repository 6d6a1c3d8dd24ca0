import { Suspense } from "react";

import { LoginView } from "@/components/admin/login-view";
import { LoadingState } from "@/components/ui/loading-state";

export const metadata = { title: "Staff sign-in", robots: { index: false } };

export default function AdminLoginPage() {
  return (
    <Suspense fallback={<LoadingState />}>
      <LoginView />
    </Suspense>
  );
}
