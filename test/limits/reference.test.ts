/** docs/limits.md is the reference rendered from the limits table, as `npm run limits-doc` writes it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIMITS, renderReference, type Setting } from '../../src/limits/index.js';

describe('docs/limits.md', () => {
  it('is current: run `npm run limits-doc` after changing src/limits/settings.ts', () => {
    const file = readFileSync(join(import.meta.dirname, '../../docs/limits.md'), 'utf8');
    expect(file).toBe(renderReference(LIMITS));
  });

  it('has a row of every setting, config path or name first', () => {
    const text = renderReference(LIMITS);
    for (const [name, s] of Object.entries(LIMITS) as [string, Setting][]) {
      expect(text).toContain(s.config === undefined ? `| \`${name}\` |` : `| \`${s.config}\` |`);
    }
    expect(text).toContain('| `raft.heartbeatTicks` | `RAFTJOBS_HEARTBEAT_TICKS` | 2 | 1 – 10,000 | ticks |');
    expect(text).toContain('| `limits.maxEntryBytes` | `RAFTJOBS_MAX_ENTRY_BYTES` | (derived) | 64 KiB – 64 MiB | bytes |');
  });
});
