import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * A fingerprint of everything under `root`: relative path → `dir`, `link:<target>` or
 * `<size>:<sha256>` of the contents. Two equal fingerprints mean nothing was added, removed or
 * rewritten. `root` itself may be a file.
 */
export async function fingerprint(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function visit(path: string, rel: string): Promise<void> {
    const st = await fs.lstat(path);
    if (st.isSymbolicLink()) {
      out[rel] = `link:${await fs.readlink(path)}`;
    } else if (st.isDirectory()) {
      out[rel] = 'dir';
      for (const name of (await fs.readdir(path)).sort()) await visit(join(path, name), rel === '.' ? name : `${rel}/${name}`);
    } else {
      const data = await fs.readFile(path);
      out[rel] = `${data.length}:${createHash('sha256').update(data).digest('hex')}`;
    }
  }
  await visit(root, '.');
  return out;
}

/** Directories made by {@link tempDir} in this test file. */
const made: string[] = [];
// Registered when a test file imports the helpers, so it runs after that file's tests.
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * A new empty directory under the system temp directory, removed (with everything in it) after
 * the calling test file's tests have run, whether they passed or not.
 */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
