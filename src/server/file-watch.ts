import { statSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';

/** Options of {@link FileWatch}. */
export interface FileWatchOptions {
  /** Absolute paths to watch (a missing file is watched too, and counts as changed when it appears). */
  readonly paths: readonly string[];
  /** How often the files' metadata is read, ms (> 0). */
  readonly intervalMs: number;
  /** Called with the paths that changed once they have settled; a rejection is logged, and the next change calls again. */
  readonly onChange: (changed: readonly string[]) => Promise<unknown>;
  readonly logger: Logger;
}

/** What tells one version of a file from another: a rename brings a new inode, a rewrite a new mtime or size. */
function versionOf(s: Stats | null): string {
  return s === null ? 'missing' : `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/**
 * Watches a few files by reading their metadata every interval, all in one pass, which follows a
 * file replaced by a rename (how `raftjobs certs issue` and most editors write) where `fs.watch`
 * on the file loses it. What the files are when it is constructed is the baseline, so a watch
 * made before the files are first read misses no change made while the rest starts up (the first
 * look after `start()` sees it). A change is acted on once
 * the files have stayed unchanged for two intervals, so a certificate and its key written one
 * after the other arrive together; a pair still half written by then fails its checks and is
 * tried again at the next change. One `onChange` runs at a time; changes during it are acted on
 * after it.
 */
export class FileWatch {
  private readonly versions = new Map<string, string>();
  private readonly pending = new Set<string>();
  private poller: NodeJS.Timeout | null = null;
  private quiet: NodeJS.Timeout | null = null;
  private polling = false;
  private running: Promise<void> | null = null;

  constructor(private readonly o: FileWatchOptions) {
    for (const path of new Set(o.paths)) this.versions.set(path, versionOf(statOrNull(path)));
  }

  start(): void {
    if (this.poller !== null || this.versions.size === 0) return;
    // Unref'd: the watch alone never keeps the process alive.
    this.poller = setInterval(() => void this.poll(), this.o.intervalMs);
    this.poller.unref();
    this.o.logger.info({ files: [...this.versions.keys()], intervalMs: this.o.intervalMs }, 'watching files for changes');
  }

  /** Stop watching; a reload already running finishes. Idempotent. */
  stop(): void {
    if (this.poller !== null) clearInterval(this.poller);
    if (this.quiet !== null) clearTimeout(this.quiet);
    this.poller = null;
    this.quiet = null;
    this.pending.clear();
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const [path, version] of this.versions) {
        const now = versionOf(await stat(path).catch(() => null));
        if (now === version || this.poller === null) continue;
        this.versions.set(path, now);
        this.pending.add(path);
        this.settle();
      }
    } finally {
      this.polling = false;
    }
  }

  /** (Re)arm the quiet-period timer: each change pushes the reload back. */
  private settle(): void {
    if (this.quiet !== null) clearTimeout(this.quiet);
    this.quiet = setTimeout(() => {
      this.quiet = null;
      this.fire();
    }, 2 * this.o.intervalMs);
    this.quiet.unref();
  }

  private fire(): void {
    if (this.poller === null || this.pending.size === 0) return;
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
