import { describe, expect, it } from "vitest";
import { MAX_REQUEST_BYTES, produceRequests } from "../../../runtime/bus/kafka-bus.js";

const record = (id: number, bytes: number) => ({ key: String(id), value: Buffer.alloc(bytes, 1) });

describe("produceRequests", () => {
  it("cuts large sends into requests under the limit, keeping every topic's records in order", () => {
    const third = Math.floor(MAX_REQUEST_BYTES / 3);
    const requests = produceRequests([
      { topic: "a", records: [record(1, third), record(2, third), record(3, third), record(4, third)] },
      { topic: "b", records: [record(5, 10)] },
      { topic: "c", records: [] },
    ]);
    const shape = requests.map((request) =>
      request.map(({ topic, messages }) => [topic, messages.map((m) => String(m.key))]),
    );
    // 64 bytes of overhead per record: two thirds fit, the third does not.
    expect(shape).toEqual([
      [["a", ["1", "2"]]],
      [
        ["a", ["3", "4"]],
        ["b", ["5"]],
      ],
    ]);
  });

  it("sends a record larger than the limit alone, and nothing for no records", () => {
    const requests = produceRequests([
      { topic: "a", records: [record(1, 10), record(2, MAX_REQUEST_BYTES + 1), record(3, 10)] },
    ]);
    expect(requests.map((request) => request.map(({ messages }) => messages.length))).toEqual([[1], [1], [1]]);
    expect(produceRequests([{ topic: "a", records: [] }])).toEqual([]);
  });
});
