import type { Money } from "@/lib/api/types";
import { formatMoney } from "@/lib/money";

export function Price({ money, className }: { money: Money; className?: string }) {
  return <span className={className}>{formatMoney(money)}</span>;
}
