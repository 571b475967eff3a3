import { unwatchFile, watchFile, type Stats } from 'node:fs';
import type { Logger } from 'pino';

/** Options of {@link FileWatch}. */
export interface FileWatchOptions {
  /** Absolute paths to watch (a missing file is watched too, and counts as changed when it appears). */
  readonly paths: readonly string[];
  /** How often each file's metadata is read, ms (> 0). */
  readonly intervalMs: number;
  /** Called with the paths that changed once they have settled; a rejection is logged, and the next change calls again. */
  readonly onChange: (changed: readonly string[]) => Promise<unknown>;
  readonly logger: Logger;
}

/**
 * Watches a few files by polling their metadata (`fs.watchFile`), which follows a file replaced
 * by a rename (how `raftjobs certs issue` and most editors write) where `fs.watch` on the file
 * loses it. A change is acted on once every watched file has stayed unchanged for two intervals
 * (each file is polled on its own timer, so a certificate and key written together may be noticed
 * up to an interval apart); a pair still half written by then fails its checks and is tried again
 * at the next change. One `onChange` runs at a time; changes during it are acted on after it.
 */
export class FileWatch {
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private started = false;
  private readonly listeners = new Map<string, (curr: Stats, prev: Stats) => void>();

  constructor(private readonly o: FileWatchOptions) {}

  start(): void {
    if (this.started || this.o.paths.length === 0) return;
    this.started = true;
    for (const path of new Set(this.o.paths)) {
      const listener = (curr: Stats, prev: Stats): void => {
        if (curr.mtimeMs === prev.mtimeMs && curr.ctimeMs === prev.ctimeMs && curr.ino === prev.ino && curr.size === prev.size) return;
        this.pending.add(path);
        this.settle();
      };
      this.listeners.set(path, listener);
      // Not persistent: the watch alone never keeps the process alive.
      watchFile(path, { interval: this.o.intervalMs, persistent: false }, listener);
    }
    this.o.logger.info({ files: [...this.listeners.keys()], intervalMs: this.o.intervalMs }, 'watching files for changes');
  }

  /** Stop watching; a reload already running finishes. Idempotent. */
  stop(): void {
    this.started = false;
    for (const [path, listener] of this.listeners) unwatchFile(path, listener);
    this.listeners.clear();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
  }

  /** (Re)arm the quiet-period timer: each change pushes the reload back. */
  private settle(): void {
    if (!this.started) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.fire();
    }, 2 * this.o.intervalMs);
    this.timer.unref();
  }

  private fire(): void {
    if (!this.started || this.pending.size === 0) return;
    if (this.running !== null) {
      // After the reload in progress, look again.
      void this.running.then(() => this.settle());
      return;
    }
    const changed = [...this.pending];
    this.pending.clear();
    this.o.logger.info({ files: changed }, 'files changed; reloading');
    this.running = this.o
      .onChange(changed)
      .then(
        () => undefined,
        (err: unknown) => this.o.logger.debug({ err }, 'reload after a file change failed; waiting for the next change'),
      )
      .finally(() => {
        this.running = null;
      });
  }
}
