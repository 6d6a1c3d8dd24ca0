import type { Movement } from "@/lib/api/types";

import { formatDateTime, signed } from "./format";

const REASONS: Record<string, string> = {
  receipt: "Received",
  correction: "Correction",
  threshold: "Low-stock level changed",
  reserve: "Reserved at checkout",
  sale: "Sold",
  cancel: "Reservation cancelled",
  expired: "Reservation expired",
  released: "Reservation released",
  retire: "Product retired",
};

export function MovementHistory({ movements }: { movements: Movement[] }) {
  return (
    <div className="card relative overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="movement-history">
        <caption className="sr-only">Stock movements, newest first</caption>
        <thead className="bg-slate-100 text-slate-700">
          <tr>
            <th scope="col" className="px-3 py-2">When</th>
            <th scope="col" className="px-3 py-2">What</th>
            <th scope="col" className="px-3 py-2 text-right">On hand</th>
            <th scope="col" className="px-3 py-2 text-right">Reserved</th>
            <th scope="col" className="px-3 py-2 text-right">On hand after</th>
            <th scope="col" className="px-3 py-2">Note</th>
            <th scope="col" className="px-3 py-2">By</th>
          </tr>
        </thead>
        <tbody>
          {movements.map((m) => (
            <tr key={m.id} className="border-t border-slate-200" data-testid="movement-row">
              <td className="whitespace-nowrap px-3 py-2">{formatDateTime(m.created_at)}</td>
              <td className="px-3 py-2">{REASONS[m.reason] ?? m.reason}</td>
              <td className="px-3 py-2 text-right">{signed(m.delta_on_hand)}</td>
              <td className="px-3 py-2 text-right">{signed(m.delta_reserved)}</td>
              <td className="px-3 py-2 text-right">{m.on_hand_after}</td>
              <td className="px-3 py-2">{m.note || m.reference || ""}</td>
              <td className="px-3 py-2">{m.actor}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
