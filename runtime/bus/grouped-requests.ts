/**
 * Requests to the broker grouped while one is in flight: the items queued meanwhile (the offsets
 * of the partition batches that finished, the records of the stages' sends) go out together in
 * the next request. A consumer handles its partitions' batches concurrently and each committed
 * its offset and produced its records in a request of its own: at half the sustained rate of
 * bench:full, batches of a few mentions made the process stage send 156 produce and 156 offset
 * commit requests a second, each costing the stage, the broker (a commit is a write to
 * __consumer_offsets) and the machine's two cores. An idle consumer sends at once, as before; a
 * caller's promise settles with the request that carried its item.
 */
interface Queued<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class GroupedRequests<T> {
  private queued: Queued<T>[] = [];
  private sending = false;

  /** `send` carries the items in one request (or, for a large group, several in order). */
  constructor(private readonly send: (items: T[]) => Promise<void>) {}

  push(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ item, resolve, reject });
      if (!this.sending) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.sending = true;
    while (this.queued.length > 0) {
      // The callers that finish in this turn of the event loop join the first request too.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const group = this.queued;
      this.queued = [];
      try {
        await this.send(group.map((queued) => queued.item));
        for (const queued of group) queued.resolve();
      } catch (error) {
        for (const queued of group) queued.reject(error);
      }
    }
    this.sending = false;
  }
}
