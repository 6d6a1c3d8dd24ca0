import Link from "next/link";

export const metadata = { title: "Page not found" };

export default function NotFound() {
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16">
      <h1 className="text-2xl font-bold">Page not found</h1>
      <p className="mt-2 text-slate-700">There is nothing at this address. It may have moved.</p>
      <div className="mt-6 flex flex-wrap gap-3">
        <Link className="btn-primary" href="/">
          Go to the shop
        </Link>
        <Link className="btn-secondary" href="/products/">
          Browse all products
        </Link>
      </div>
    </main>
  );
}
