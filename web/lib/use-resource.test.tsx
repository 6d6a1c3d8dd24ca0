import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import { fail, ok, problemToError, type Result } from "./api/result";
import { useResource } from "./use-resource";

function View({ id, load }: { id: string | null; load: (id: string) => Promise<Result<string>> }) {
  const [resource, reload] = useResource<string>(id, () => load(id ?? ""));
  return (
    <div>
      <span data-testid="state">{resource.state === "ready" ? resource.data : resource.state === "error" ? `error:${resource.error.kind}` : "loading"}</span>
      <button type="button" onClick={reload}>
        reload
      </button>
    </div>
  );
}

describe("useResource", () => {
  it("waits while the key is null, then loads", async () => {
    const load = vi.fn(async (id: string) => ok(`product ${id}`));
    const { rerender } = render(<View id={null} load={load} />);
    expect(screen.getByTestId("state").textContent).toBe("loading");
    expect(load).not.toHaveBeenCalled();
    rerender(<View id="3" load={load} />);
    await waitFor(() => expect(screen.getByTestId("state").textContent).toBe("product 3"));
  });

  it("ignores an answer for a key it no longer shows", async () => {
    let answerFirst: (value: Result<string>) => void = () => {};
    const load = vi.fn((id: string) => (id === "1" ? new Promise<Result<string>>((resolve) => (answerFirst = resolve)) : Promise.resolve(ok("second"))));
    const { rerender } = render(<View id="1" load={load} />);
    rerender(<View id="2" load={load} />);
    await waitFor(() => expect(screen.getByTestId("state").textContent).toBe("second"));
    // act() lets every pending promise callback and render run before we look.
    await act(async () => answerFirst(ok("first, too late")));
    expect(screen.getByTestId("state").textContent).toBe("second");
  });

  it("turns an error into a value, and reload tries again", async () => {
    const load = vi.fn().mockResolvedValueOnce(fail(problemToError(503, null))).mockResolvedValueOnce(ok("back"));
    render(<View id="x" load={load} />);
    await waitFor(() => expect(screen.getByTestId("state").textContent).toBe("error:unavailable"));
    fireEvent.click(screen.getByRole("button", { name: "reload" }));
    await waitFor(() => expect(screen.getByTestId("state").textContent).toBe("back"));
    expect(load).toHaveBeenCalledTimes(2);
  });
});
