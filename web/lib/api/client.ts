import createClient, { type Client } from "openapi-fetch";

import type { paths } from "./generated/schema";
import { fail, networkError, ok, problemToError, type Result } from "./result";

export type ApiClient = Client<paths>;

export interface ApiClientOptions {
  /** "" in the browser: the api process serves both the pages and /api. */
  baseUrl?: string;
  fetch?: (input: Request) => Promise<Response>;
}

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  return createClient<paths>({
    baseUrl: options.baseUrl ?? "",
    // Look fetch up per call (not once at start-up) so tests and telemetry can wrap it.
    fetch: options.fetch ?? ((input) => globalThis.fetch(input)),
  });
}

interface Outcome<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Await an openapi-fetch call and turn it into a Result; a thrown fetch becomes a network error. */
export async function call<T>(request: Promise<Outcome<T>>): Promise<Result<T>> {
  try {
    const { data, error, response } = await request;
    if (response.ok && data !== undefined) return ok(data);
    return fail(problemToError(response.status, error));
  } catch (cause) {
    return fail(networkError(cause));
  }
}
