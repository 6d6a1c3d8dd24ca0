"use client";

import { useCallback, useEffect, useRef, useState } from "react";

import type { ApiError, Result } from "./api/result";
import { reportError } from "./telemetry";

export type Resource<T> =
  | { state: "loading" }
  | { state: "error"; error: ApiError }
  | { state: "ready"; data: T };

interface Settled<T> {
  key: string;
  attempt: number;
  result: Result<T>;
}

/**
 * Load something from the API in the browser. `key` names what is loaded: when it changes the
 * resource goes back to loading and loads again; `null` waits (e.g. until the URL is known).
 * Returns the resource and `reload`: after an error it shows loading again; after a success it
 * keeps the current data on screen until the fresh copy replaces it.
 */
export function useResource<T>(key: string | null, load: () => Promise<Result<T>>): [Resource<T>, () => void] {
  const [settled, setSettled] = useState<Settled<T> | null>(null);
  const [attempt, setAttempt] = useState(0);
  const loadRef = useRef(load);

  useEffect(() => {
    loadRef.current = load;
  });

  useEffect(() => {
    if (key === null) return;
    let current = true;
    loadRef.current().then((result) => {
      if (!current) return;
      if (!result.ok) reportError(result.error, { key });
      setSettled({ key, attempt, result });
    });
    return () => {
      current = false;
    };
  }, [key, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  if (key === null || settled === null || settled.key !== key) return [{ state: "loading" }, reload];
  if (settled.attempt !== attempt) {
    // Reloading the same thing: keep showing what we have (no flash) until the fresh copy arrives.
    return [settled.result.ok ? { state: "ready", data: settled.result.data } : { state: "loading" }, reload];
  }
  const { result } = settled;
  return [result.ok ? { state: "ready", data: result.data } : { state: "error", error: result.error }, reload];
}
