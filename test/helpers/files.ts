import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { join } from 'node:path';

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
