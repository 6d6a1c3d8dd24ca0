"use client";

import "./globals.css";

// The last line of defence: an error the route's own boundary could not catch (e.g. in a layout).
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body className="font-sans">
        <main id="main" className="mx-auto max-w-xl px-4 py-16">
          <h1 className="text-2xl font-bold">The shop hit a problem</h1>
          <p className="mt-2 text-slate-700">Sorry — this page failed to load. You can try again, or go back to the shop.</p>
          {error.digest ? <p className="mt-1 text-xs text-slate-500">Reference: {error.digest}</p> : null}
          <div className="mt-6 flex gap-3">
            <button type="button" className="btn-primary" onClick={reset}>
              Try again
            </button>
            {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- a full load on purpose: the app's state may be what broke */}
            <a className="btn-secondary" href="/">
              Go to the shop
            </a>
          </div>
        </main>
      </body>
    </html>
  );
}
