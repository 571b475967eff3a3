/**
 * The file watch behind rotation without SIGHUP, on real files: it acts once files settle, so a
 * certificate and key written one after the other arrive in one reload; it follows a file
 * replaced by a rename; a failed reload is tried again at the next change; a change made between
 * its construction and start() is not missed; stop() ends it.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSilentLogger } from '../../src/observability/index.js';
import { FileWatch } from '../../src/server/file-watch.js';
import { tempDir } from '../helpers/index.js';

const INTERVAL_MS = 40;

describe('FileWatch', () => {
  const watches: FileWatch[] = [];
  afterEach(() => {
    for (const w of watches.splice(0)) w.stop();
  });

  function setup(onChange: (changed: readonly string[]) => Promise<unknown>): { dir: string; a: string; b: string; watch: FileWatch } {
    const dir = tempDir('raftjobs-watch-');
    const a = join(dir, 'node.crt');
    const b = join(dir, 'node.key');
    writeFileSync(a, 'cert 1');
    writeFileSync(b, 'key 1');
    const watch = new FileWatch({ paths: [a, b], intervalMs: INTERVAL_MS, onChange, logger: createSilentLogger() });
    watches.push(watch);
    watch.start();
    return { dir, a, b, watch };
  }

  it('calls once for two files written one after the other, with both', async () => {
    const calls: string[][] = [];
    const { a, b } = setup((changed) => {
      calls.push([...changed].sort());
      return Promise.resolve();
    });
    writeFileSync(a, 'cert 2 (longer)');
    await new Promise<void>((resolve) => setImmediate(resolve));
    writeFileSync(b, 'key 2 (longer)');
    await vi.waitFor(() => expect(calls).toEqual([[a, b].sort()]), { timeout: 5000, interval: 20 });
  });

  it('follows a file replaced by a rename, and tries again at the next change after a failure', async () => {
    let fail = true;
    const seen: string[][] = [];
    const { dir, a } = setup((changed) => {
      seen.push([...changed]);
      return fail ? Promise.reject(new Error('half written')) : Promise.resolve();
    });
    writeFileSync(join(dir, 'tmp'), 'cert 2 (renamed in)');
    renameSync(join(dir, 'tmp'), a);
    await vi.waitFor(() => expect(seen).toEqual([[a]]), { timeout: 5000, interval: 20 });
    fail = false;
    writeFileSync(a, 'cert 3 (the rest arrived)');
    await vi.waitFor(() => expect(seen).toEqual([[a], [a]]), { timeout: 5000, interval: 20 });
  });

  it('sees at its first look a change made after it was made and before it started', async () => {
    const dir = tempDir('raftjobs-watch-');
    const a = join(dir, 'tokens.json');
    writeFileSync(a, '{"tokens":[]}');
    const calls: string[][] = [];
    const watch = new FileWatch({ paths: [a], intervalMs: INTERVAL_MS, onChange: (changed) => Promise.resolve(calls.push([...changed])), logger: createSilentLogger() });
    watches.push(watch);
    writeFileSync(a, '{"tokens":[{"name":"new"}]}');
    watch.start();
    await vi.waitFor(() => expect(calls).toEqual([[a]]), { timeout: 5000, interval: 20 });
  });

  it('calls nothing after stop()', async () => {
    const onChange = vi.fn(() => Promise.resolve());
    const { a, b, watch } = setup(onChange);
    watch.stop();
    writeFileSync(a, 'cert after stop');
    // A change of a file still watched by another watch marks when the first would have acted.
    const marker = vi.fn(() => Promise.resolve());
    const other = new FileWatch({ paths: [b], intervalMs: INTERVAL_MS, onChange: marker, logger: createSilentLogger() });
    watches.push(other);
    other.start();
    writeFileSync(b, 'key after stop, longer');
    await vi.waitFor(() => expect(marker).toHaveBeenCalledTimes(1), { timeout: 5000, interval: 20 });
    expect(onChange).not.toHaveBeenCalled();
  });
});
