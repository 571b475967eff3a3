/**
 * src/protocol/generated/ holds the TypeScript types of proto/jobs.proto and proto/admin.proto as
 * `npm run proto-types` writes them: generating them anew must give the same files, byte for byte.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateProtoTypes } from '../../scripts/proto-types.js';

const committed = join(import.meta.dirname, '..', '..', 'src', 'protocol', 'generated');
const fresh = mkdtempSync(join(tmpdir(), 'raftjobs-proto-types-'));
afterAll(() => rmSync(fresh, { recursive: true, force: true }));

function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

describe('src/protocol/generated', () => {
  it('is current: run `npm run proto-types` after changing a .proto file', () => {
    generateProtoTypes(fresh);
    const want = files(fresh);
    const have = files(committed);
    expect([...have.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [name, text] of want) expect(have.get(name), name).toBe(text);
    expect(want.size).toBeGreaterThan(40);
  });
});
