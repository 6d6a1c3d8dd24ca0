import Link from "next/link";

export function SiteFooter() {
  return (
    <footer className="mt-16 border-t border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap gap-x-6 gap-y-2 px-4 py-6 text-sm text-slate-600">
        <p>o11yshop — a real shop for learning AWS observability.</p>
        <Link href="/order/" className="link">
          Track an order
        </Link>
        <Link href="/admin/" className="link">
          Staff sign-in
        </Link>
      </div>
    </footer>
  );
}
