"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, type ReactNode } from "react";

import { LoadingState } from "@/components/ui/loading-state";

import { clearAdminSession, loginHref, useAdminSession, useHydrated } from "./admin-session";

const NAV = [
  { href: "/admin/", label: "Dashboard" },
  { href: "/admin/products/", label: "Products" },
  { href: "/admin/inventory/", label: "Inventory" },
];

function isCurrent(pathname: string, href: string): boolean {
  return href === "/admin/" ? pathname === "/admin" || pathname === "/admin/" : pathname.startsWith(href.slice(0, -1));
}

/** Every admin page but login: signed-in only, with the console's navigation. */
export function AdminShell({ children }: { children: ReactNode }) {
  const hydrated = useHydrated();
  const session = useAdminSession();
  const router = useRouter();
  const pathname = usePathname();

  useEffect(() => {
    if (hydrated && !session) router.replace(loginHref(`${window.location.pathname}${window.location.search}`));
  }, [hydrated, session, router]);

  return (
    <>
      <header className="border-b border-slate-800 bg-slate-900 text-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <Link href="/admin/" className="text-lg font-extrabold tracking-tight">
            o11yshop admin
          </Link>
          <nav aria-label="Admin" className="order-3 w-full sm:order-none sm:w-auto">
            <ul className="flex gap-4 text-sm">
              {NAV.map((item) => (
                <li key={item.href}>
                  <Link
                    href={item.href}
                    aria-current={isCurrent(pathname, item.href) ? "page" : undefined}
                    className="underline-offset-4 hover:underline aria-[current=page]:font-bold aria-[current=page]:underline"
                  >
                    {item.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm">
            {session ? <span className="hidden text-slate-300 sm:inline">{session.admin.email}</span> : null}
            <Link href="/" className="underline underline-offset-2">
              View shop
            </Link>
            {session ? (
              <button
                type="button"
                className="rounded border border-slate-500 px-3 py-1.5 hover:bg-slate-800"
                onClick={() => {
                  clearAdminSession();
                  router.replace("/admin/login/");
                }}
              >
                Sign out
              </button>
            ) : null}
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-6xl px-4 py-6 sm:py-8">
        {hydrated && session ? children : <LoadingState label="Checking your sign-in…" />}
      </main>
    </>
  );
}
