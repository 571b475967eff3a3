/**
 * Regenerates the dashboard screenshot shown in the README (test/observability/dashboard.png):
 * starts a three-node cluster on free loopback ports, runs a small mixed workload for a while so
 * the throughput chart has some history, and captures the dashboard in Debian's Chromium.
 *
 *   node --import tsx scripts/dashboard-screenshot.ts [--seconds 60] [--out test/observability/dashboard.png]
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { Client, NonRetryableError, Worker } from '../src/client/index.js';
import { createObservedCluster } from './lib/index.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, out: { type: 'string', default: 'test/observability/dashboard.png' } } });
const seconds = Number(values.seconds);
const out = resolve(values.out);

const oc = await createObservedCluster({ actionsEnabled: true });
const client = new Client({ nodes: oc.addresses });
const worker = new Worker({
  nodes: oc.addresses,
  queues: ['email', 'thumbnails', 'billing'],
  concurrency: 8,
  workerId: 'worker-a',
  handler: async (job) => {
    await new Promise((r) => setTimeout(r, 20 + (job.id.charCodeAt(job.id.length - 1) % 5) * 15));
    if (job.queue === 'billing' && job.id.endsWith('7')) throw new NonRetryableError('card declined: insufficient funds');
    if (job.queue === 'thumbnails' && job.attempt === 1 && job.id.endsWith('3')) throw new Error('image service timed out');
    return { ok: true };
  },
});
try {
  await oc.cluster.startAll();
  await oc.cluster.waitForLeader();
  await worker.start();
  const end = Date.now() + seconds * 1000;
  for (let round = 0; Date.now() < end; round++) {
    const wave = 3 + Math.round(4 * (1 + Math.sin(round / 4)));
    await client.submit([
      ...Array.from({ length: wave }, (_, i) => ({ queue: 'email', payload: { to: `user${round}-${i}@example.com` } })),
      ...Array.from({ length: Math.ceil(wave / 2) }, () => ({ queue: 'thumbnails', payload: 'img', backoff: { type: 'fixed' as const, delayMs: 500 } })),
      { queue: 'billing', payload: { invoice: round }, maxAttempts: 1 },
    ]);
    // A backlog builds up in a queue nobody serves.
    if (round % 3 === 0) await client.submit({ queue: 'reports', payload: { day: round } });
    await new Promise((r) => setTimeout(r, 1000));
  }
  const leader = await oc.cluster.waitForLeader();
  const follower = oc.cluster.ids.find((id) => id !== leader.id) ?? leader.id;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(`http://${oc.http.get(follower) ?? ''}/`);
    const dead = await client.list({ state: 'dead', pageSize: 1 });
    const first = dead.jobs[0];
    if (first !== undefined) await page.goto(`http://${oc.http.get(follower) ?? ''}/#job=${first.id}`);
    await page.locator('#chart svg').waitFor({ timeout: 20_000 });
    await page.locator('#workers tr[data-worker]').first().waitFor({ timeout: 20_000 });
    await page.waitForTimeout(1500);
    await page.screenshot({ path: out });
    console.log(`wrote ${out}`);
  } finally {
    await browser.close();
  }
} finally {
  await worker.close({ timeoutMs: 2000 });
  client.close();
  await oc.cluster.cleanup();
}
