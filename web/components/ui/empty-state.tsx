import type { ReactNode } from "react";

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="card my-6 p-8 text-center">
      <h2 className="text-lg font-semibold">{title}</h2>
      {children ? <div className="mt-3 text-slate-600">{children}</div> : null}
    </div>
  );
}
