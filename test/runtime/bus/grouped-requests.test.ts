import { describe, expect, it } from "vitest";
import { GroupedRequests } from "../../../runtime/bus/grouped-requests.js";

/** A send that stays in flight until released, recording what each request carried. */
function heldSend() {
  const requests: number[][] = [];
  const releases: ((error?: Error) => void)[] = [];
  const send = (items: number[]) =>
    new Promise<void>((resolve, reject) => {
      requests.push(items);
      releases.push((error) => (error ? reject(error) : resolve()));
    });
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  return { requests, releases, send, settle };
}

describe("GroupedRequests", () => {
  it("sends the items of one turn together, and those queued during a request in the next one", async () => {
    const held = heldSend();
    const grouped = new GroupedRequests(held.send);
    const done: number[] = [];
    const push = (item: number) => grouped.push(item).then(() => done.push(item));
    const first = [push(1), push(2)];
    await held.settle();
    expect(held.requests).toEqual([[1, 2]]);
    const second = [push(3), push(4), push(5)];
    await held.settle();
    expect(held.requests).toEqual([[1, 2]]);
    expect(done).toEqual([]);
    held.releases[0]?.();
    await Promise.all(first);
    await held.settle();
    expect(done).toEqual([1, 2]);
    expect(held.requests).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    held.releases[1]?.();
    await Promise.all(second);
    expect(done).toEqual([1, 2, 3, 4, 5]);
  });

  it("fails the callers of a failed request only, and goes on with the next", async () => {
    const held = heldSend();
    const grouped = new GroupedRequests(held.send);
    const failed = [grouped.push(1), grouped.push(2)].map((p) =>
      p.then(
        () => "ok",
        (e: Error) => e.message,
      ),
    );
    await held.settle();
    const next = grouped.push(3);
    held.releases[0]?.(new Error("broker refused"));
    expect(await Promise.all(failed)).toEqual(["broker refused", "broker refused"]);
    await held.settle();
    expect(held.requests).toEqual([[1, 2], [3]]);
    held.releases[1]?.();
    await expect(next).resolves.toBeUndefined();
  });
});
