import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The latest modification time of any file under `dir`, ms (whether a build of it is stale). */
export function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}
