import Link from "next/link";

interface PaginationProps {
  page: number;
  pages: number;
  hrefFor: (page: number) => string;
}

export function Pagination({ page, pages, hrefFor }: PaginationProps) {
  if (pages <= 1) return null;
  return (
    <nav aria-label="Pagination" className="mt-8 flex items-center justify-center gap-4">
      {page > 1 ? (
        <Link className="btn-secondary" href={hrefFor(page - 1)} rel="prev">
          Previous
        </Link>
      ) : (
        <span className="btn-secondary opacity-50" aria-disabled="true">
          Previous
        </span>
      )}
      <span className="text-sm text-slate-700" aria-current="page">
        Page {page} of {pages}
      </span>
      {page < pages ? (
        <Link className="btn-secondary" href={hrefFor(page + 1)} rel="next">
          Next
        </Link>
      ) : (
        <span className="btn-secondary opacity-50" aria-disabled="true">
          Next
        </span>
      )}
    </nav>
  );
}
