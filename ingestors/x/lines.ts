/**
 * The filtered stream's body as lines: X separates posts with \r\n and sends an empty line as a
 * keep-alive every 20 s. A watchdog ends the stream when no byte arrived for `stallMs` (real time,
 * even under a test clock: it watches a socket). A line cut by a reset or the end of the answer is
 * dropped, never parsed: the gap-fill search finds its post.
 */

/** How a stream ended. */
export class StreamEnded extends Error {
  constructor(
    readonly why: "stalled" | "network" | "closed",
    message: string,
  ) {
    super(message);
    this.name = "StreamEnded";
  }
}

/**
 * The complete lines of the body (without their \r\n), empty ones (keep-alives) included, a
 * chunk's worth at a time (one await per chunk, not per line); throws StreamEnded at the end.
 */
export async function* streamLines(
  body: ReadableStream<Uint8Array>,
  stallMs: number,
  signal: AbortSignal,
): AsyncGenerator<string[], never> {
  const reader = body.getReader();
  const decoder = new TextDecoder("utf-8");
  let rest = "";
  let timer: NodeJS.Timeout | undefined;
  let stalled = false;
  const watchdog = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      reader.cancel().catch(() => undefined);
    }, stallMs);
  };
  const onAbort = () => reader.cancel().catch(() => undefined);
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    for (;;) {
      watchdog();
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (stalled) throw new StreamEnded("stalled", `no data for ${stallMs} ms`);
        throw new StreamEnded("network", `the stream broke: ${(error as Error).message}`);
      }
      if (stalled) throw new StreamEnded("stalled", `no data for ${stallMs} ms`);
      if (chunk.done) {
        if (signal.aborted) throw new StreamEnded("closed", "stopped");
        throw new StreamEnded("closed", "X closed the stream");
      }
      rest += decoder.decode(chunk.value, { stream: true });
      const lines: string[] = [];
      let start = 0;
      for (let end = rest.indexOf("\n"); end !== -1; end = rest.indexOf("\n", start)) {
        lines.push(rest.charCodeAt(end - 1) === 13 ? rest.slice(start, end - 1) : rest.slice(start, end));
        start = end + 1;
      }
      rest = start === 0 ? rest : rest.slice(start);
      if (lines.length > 0) yield lines;
    }
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
    reader.cancel().catch(() => undefined);
  }
}
