/**
 * Progress of a long one-off command (`simak replay`, `simak alerts backtest`): one line on stderr,
 * redrawn in place, only when stderr is a terminal, so piped output and logs stay clean.
 */
export interface Progress {
  /** Clears the line; the command's result goes to stdout afterwards. */
  stop(): void;
}

export function startProgress(
  render: () => string | Promise<string>,
  options: { stream?: NodeJS.WriteStream; intervalMs?: number } = {},
): Progress {
  const stream = options.stream ?? process.stderr;
  if (!stream.isTTY) return { stop: () => {} };
  let stopped = false;
  const draw = async () => {
    const text = await render();
    if (!stopped) stream.write(`\r\u001b[K${text}`);
  };
  const timer = setInterval(() => void draw(), options.intervalMs ?? 250);
  timer.unref();
  void draw();
  return {
    stop: () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      stream.write("\r\u001b[K");
    },
  };
}
