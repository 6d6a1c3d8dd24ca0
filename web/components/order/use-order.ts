"use client";

import { useSearchParams } from "next/navigation";

import { shopApi } from "@/lib/api";
import type { Order } from "@/lib/api/types";
import { useResource } from "@/lib/use-resource";

/** The order named by `?number=…&token=…`, or null when the link lacks either. */
export function useOrderFromUrl() {
  const params = useSearchParams();
  const number = params.get("number")?.trim() ?? "";
  const token = params.get("token")?.trim() ?? "";
  const named = number !== "" && token !== "";
  const [order, reload] = useResource<Order>(named ? `order:${number}:${token}` : null, () => shopApi.orders.lookup(number, token));
  return { named, number, token, order, reload };
}
