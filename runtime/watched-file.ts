/**
 * A config file loaded and compiled into a value, reloaded at run time without a restart.
 * `current()` is the value in force; a reload compiles the new text completely and then swaps the
 * reference in one assignment, so a caller that reads `current()` once per batch never sees half
 * of an edit. A bad edit (the compile function throws, or the file cannot be read) keeps the
 * previous value and is reported once through `onError`. Used by the query registry and the
 * account registry.
 */
import { createHash } from "node:crypto";
import { type FSWatcher, watch as fsWatch } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { basename, dirname } from "node:path";

export interface ReloadEvent<T> {
  file: string;
  value: T;
  previous: T;
  /** 1 for the first load, +1 for every swap. */
  generation: number;
}

export interface WatchOptions<T> {
  /** Called after a successful swap. */
  onReload?: (event: ReloadEvent<T>) => void;
  /** Called when a reload fails and the previous value stays in force (the compile error, or the read error). */
  onError?: (error: Error) => void;
  /** Quiet time after the last change before reloading, ms. Default 200. */
  debounceMs?: number;
  /**
   * Also compare the file's mtime/size/inode every this many ms (0: fs.watch only). Default 2000.
   * The poll catches what fs.watch misses: network file systems, and Kubernetes ConfigMap volumes,
   * whose updates swap a symlinked folder rather than touching the file.
   */
  pollMs?: number;
  /** Use fs.watch on the file's folder (default true); false: polling only. */
  fsWatch?: boolean;
}

export type Compile<T> = (text: string, file: string) => T;

const digest = (text: string) => createHash("sha1").update(text).digest("hex");

export class WatchedFile<T> {
  private value: T;
  /** Digest of the text the set in force was compiled from. */
  private applied: string;
  /** Digest of the last text read (good or bad), null after a read error. */
  private seen: string | null;
  private generationCount = 1;
  private error: Error | null = null;
  private watcher: FSWatcher | null = null;
  private poller: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private lastStat = "";
  private running: Promise<boolean> | null = null;
  private again = false;
  private watching = false;

  /** Compiles `text` (read from `file`); throws what `compile` throws. Prefer `WatchedFile.open`. */
  constructor(
    readonly file: string,
    private readonly compile: Compile<T>,
    private readonly options: WatchOptions<T>,
    text: string,
  ) {
    this.value = compile(text, file);
    this.applied = digest(text);
    this.seen = this.applied;
  }

  /** Reads and compiles the file; throws the compile error or the read error. */
  static async open<T>(file: string, compile: Compile<T>, options: WatchOptions<T> = {}): Promise<WatchedFile<T>> {
    const watched = new WatchedFile(file, compile, options, await readFile(file, "utf8"));
    await watched.rememberStat();
    return watched;
  }

  /** Records the file's current mtime/size/inode, so the poll does not reload what was just read. */
  protected async rememberStat(): Promise<void> {
    this.lastStat = await statKey(this.file);
  }

  /** The value in force. Read it once per batch. */
  current(): T {
    return this.value;
  }

  get generation(): number {
    return this.generationCount;
  }

  /** Why the file on disk is not the set in force, or null when it is. */
  get lastError(): Error | null {
    return this.error;
  }

  /**
   * Reads the file again now: true when a new set was swapped in, false when the content is
   * unchanged or the edit is bad (then `onError` is called and the previous set stays).
   * Concurrent calls share one reload, followed by another one if a change came in meanwhile.
   */
  reload(): Promise<boolean> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.reloadOnce().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        void this.reload();
      }
    });
    return this.running;
  }

  private async reloadOnce(): Promise<boolean> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (error) {
      this.seen = null;
      this.fail(error as Error);
      return false;
    }
    const hash = digest(text);
    // Already handled: an unchanged file, or the same bad edit reported once already.
    if (hash === this.seen) return false;
    this.seen = hash;
    if (hash === this.applied) {
      // Back to the text in force (a bad edit undone, or the file restored).
      this.error = null;
      return false;
    }
    let value: T;
    try {
      value = this.compile(text, this.file);
    } catch (error) {
      this.fail(error as Error);
      return false;
    }
    const previous = this.value;
    this.value = value;
    this.applied = hash;
    this.error = null;
    this.generationCount++;
    try {
      this.options.onReload?.({ file: this.file, value, previous, generation: this.generationCount });
    } catch {
      // A failing listener must not undo the swap or stop watching.
    }
    return true;
  }

  private fail(error: Error): void {
    this.error = error;
    try {
      this.options.onError?.(error);
    } catch {
      // Same as above.
    }
  }

  /**
   * Watches the file (fs.watch on its folder, which survives editors that save by rename, plus an
   * mtime/size/inode poll as a fallback) and reloads after `debounceMs` of quiet. Idempotent.
   * Timers and watchers do not keep the process alive.
   */
  watch(): this {
    if (this.watching) return this;
    this.watching = true;
    const name = basename(this.file);
    if (this.options.fsWatch !== false) this.startFsWatch(name);
    const pollMs = this.options.pollMs ?? 2000;
    if (pollMs > 0) {
      this.poller = setInterval(() => {
        void statKey(this.file).then((key) => {
          if (key !== this.lastStat) {
            this.lastStat = key;
            this.schedule();
          }
        });
      }, pollMs);
      this.poller.unref();
    }
    return this;
  }

  private startFsWatch(name: string): void {
    try {
      this.watcher = fsWatch(dirname(this.file), { persistent: false }, (_event, changed) => {
        if (changed === null || changed === name) this.schedule();
      });
      this.watcher.on("error", () => {
        // The folder went away or the platform gave up; polling still runs.
        this.watcher?.close();
        this.watcher = null;
      });
    } catch {
      this.watcher = null;
    }
  }

  private schedule(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = null;
      void statKey(this.file).then((key) => {
        this.lastStat = key;
        return this.reload();
      });
    }, this.options.debounceMs ?? 200);
    this.debounce.unref();
  }

  /** Stops watching. The value in force stays readable. */
  close(): void {
    this.watching = false;
    this.watcher?.close();
    this.watcher = null;
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = null;
  }
}

async function statKey(file: string): Promise<string> {
  try {
    const info = await stat(file);
    return `${info.ino}:${info.size}:${info.mtimeMs}`;
  } catch {
    return "missing";
  }
}
