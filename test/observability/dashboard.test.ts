import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, NonRetryableError, Worker } from '../../src/client/index.js';
import { generateToken, hashToken } from '../../src/config/index.js';
import { poll } from '../helpers/index.js';
import { DEAD_JOB, startFakeDashboard } from './fake-dashboard.js';
import { createObservedCluster, type ObservedCluster } from './helpers.js';

/** Debian's Chromium; `.ci/run` installs it where it is missing. */
const CHROMIUM = '/usr/bin/chromium';
/**
 * Flags known to work as root on this kind of machine (no sandbox, no background network).
 * Playwright starts Chromium with a new, empty temporary profile of its own.
 */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const inCI = (process.env['CI'] ?? '') !== '' && process.env['CI'] !== 'false' && process.env['CI'] !== '0';
const skip = !existsSync(CHROMIUM) && !inCI;
if (skip) console.warn(`dashboard.test.ts: skipped: ${CHROMIUM} not found (apt-get install chromium); in CI (CI set) this test always runs`);

/** Wait until `read` (text of the page) satisfies `ok`; fails with the last text seen. */
async function waitText(page: Page, description: string, read: (page: Page) => Promise<string | null>, ok: (text: string) => boolean, timeoutMs = 20_000): Promise<string> {
  return poll(
    async (observe) => {
      const text = (await read(page)) ?? '';
      observe(text);
      return ok(text) ? text : undefined;
    },
    { description, timeoutMs, intervalMs: 100 },
  );
}

const cell = (queue: string, state: string) => (page: Page) =>
  page
    .locator(`#queues tr[data-queue="${queue}"] td[data-state="${state}"]`)
    .textContent({ timeout: 500 })
    .catch(() => null);

describe.skipIf(skip)('dashboard in a real browser against a running three-node cluster', () => {
  let oc: ObservedCluster;
  let client: Client;
  let browser: Browser;
  let worker: Worker | null = null;

  beforeAll(async () => {
    oc = await createObservedCluster({ actionsEnabled: true });
    await oc.cluster.startAll();
    client = new Client({ nodes: oc.addresses });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await worker?.close({ timeoutMs: 2000 });
    await browser?.close();
    client?.close();
    await oc?.cluster.cleanup();
  });

  it('shows the leader, live queue counts, and retries a dead job with a click', async () => {
    const leader = await oc.cluster.waitForLeader();
    // Served by a follower: reads must follow the leader.
    const follower = oc.cluster.ids.find((id) => id !== leader.id) as string;
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://${oc.http.get(follower) ?? ''}/`);

    await waitText(page, `the leader ${leader.id} in the header`, (p) => p.locator('#leader').textContent(), (t) => t === leader.id);
    await waitText(page, 'three nodes in the cluster view', async (p) => String(await p.locator('#nodes tr[data-role]').count()), (t) => t === '3');
    expect(await page.locator(`#nodes tr[data-node="${leader.id}"] td`).nth(2).textContent()).toBe('leader');
    // Every node's free disk (under the default floor's 1 GiB would show data-disk="low"); no refusal.
    await waitText(page, 'the disk column', (p) => p.locator('#nodes td[data-disk="ok"]').count().then(String), (t) => t === '3');
    expect(await page.locator('#submits-refused').isHidden()).toBe(true);
    expect(await page.locator('#backlog').textContent()).toMatch(/^Backlog: \d+ not-finished jobs, \d+ B of payload\.$/);
    expect(await page.locator('#readonly-note').isHidden()).toBe(true);

    // Queue counts change as jobs are submitted.
    await client.submit(Array.from({ length: 5 }, (_, i) => ({ queue: 'dash', payload: { n: i } })));
    await waitText(page, 'five ready jobs in queue dash', cell('dash', 'ready'), (t) => t === '5');

    // A worker takes them; the first attempt of the "flaky" job fails for good, so it goes dead.
    const [flaky] = await client.submit({ queue: 'dash-flaky', payload: 'try me twice', maxAttempts: 1 });
    const flakyId = (flaky as { id: string }).id;
    worker = new Worker({
      nodes: oc.addresses,
      queues: ['dash', 'dash-flaky'],
      concurrency: 2,
      workerId: 'browser-test-worker',
      handler: (job) => (job.queue === 'dash-flaky' && job.attempt === 1 ? Promise.reject(new NonRetryableError('first attempt always fails')) : Promise.resolve({ ok: job.attempt })),
    });
    await worker.start();
    await waitText(page, 'five succeeded jobs in queue dash', cell('dash', 'succeeded'), (t) => t === '5');
    await waitText(page, 'the worker in the workers view', (p) => p.locator('#workers tr[data-worker="browser-test-worker"]').count().then(String), (t) => t === '1');

    // The dead job is listed with an enabled Retry button.
    const retry = page.locator(`#dead tr[data-job="${flakyId}"] button[data-action="retry"]`);
    await retry.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await retry.isEnabled()).toBe(true);

    // Job view: search by id shows state, attempts and the last error.
    await page.fill('#job-id', flakyId);
    await page.click('#job-form button[type="submit"]');
    const jobState = (p: Page) => p.locator('#job [data-testid="job-state"]').textContent({ timeout: 500 }).catch(() => null);
    await waitText(page, 'the job view of the dead job', jobState, (t) => t === 'dead');
    expect(await page.locator('#job').textContent()).toContain('first attempt always fails');

    // The throughput chart draws once a few samples exist.
    await page.locator('#chart svg polyline[data-series="completed"]').waitFor({ state: 'attached', timeout: 20_000 });
    const shot = process.env['RAFTJOBS_DASHBOARD_SCREENSHOT'];
    if (shot !== undefined && shot !== '') await page.screenshot({ path: shot });

    // Clicking Retry revives the job; the worker's second attempt succeeds.
    await retry.click();
    await poll(async () => ((await client.get(flakyId)).state === 'succeeded' ? true : undefined), { description: `${flakyId} to succeed after the retry`, timeoutMs: 20_000 });
    const job = await client.get(flakyId);
    expect(job.history.map((a) => a.outcome)).toEqual(['failed', 'succeeded']);
    await waitText(page, 'the dead list without the job', (p) => p.locator(`#dead tr[data-job="${flakyId}"]`).count().then(String), (t) => t === '0');

    await waitText(page, 'the job view to follow the job to succeeded', jobState, (t) => t === 'succeeded');
    expect(await page.locator('#job table tbody tr').count()).toBe(2);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lists a schedule with its counts and pauses it with a click', async () => {
    await client.createSchedule({ id: 'dash-every-second', intervalMs: 1000, job: { queue: 'dash-scheduled' } });
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(`http://${oc.http.get(oc.cluster.ids[0] as string) ?? ''}/`);
    const row = '#schedules tr[data-schedule="dash-every-second"]';
    const text = (field: string) => (p: Page) => p.locator(`${row} td[data-field="${field}"]`).textContent({ timeout: 500 }).catch(() => null);
    await waitText(page, 'the schedule to have fired', text('counts'), (t) => /^[1-9]\d* \/ \d+$/.test(t));
    expect(await page.locator(row).textContent()).toContain('every 1.0 s');
    await page.locator(`${row} button[data-action="pause"]`).click();
    await waitText(page, 'the schedule shown paused', text('paused'), (t) => t === 'paused');
    expect((await client.getSchedule('dash-every-second')).paused).toBe(true);
    await client.deleteSchedule('dash-every-second');
    await page.close();
  });

  it("shows a queue's flow control, pauses and resumes it, and retries its dead jobs once their count is confirmed", async () => {
    // Four dead jobs, then three ready ones of two group keys, under a policy.
    await client.submit(Array.from({ length: 4 }, () => ({ queue: 'dash-flow', maxAttempts: 1 })));
    const failing = new Worker({ nodes: oc.addresses, queues: ['dash-flow'], concurrency: 4, handler: () => Promise.reject(new NonRetryableError('no')) });
    await failing.start();
    await poll(async () => ((await client.stats()).queues.find((q) => q.queue === 'dash-flow')?.dead === 4 ? true : undefined), { description: 'four dead jobs in dash-flow' });
    await failing.close({ timeoutMs: 2000 });
    await client.submit([{ queue: 'dash-flow', group: 'acme' }, { queue: 'dash-flow', group: 'acme' }, { queue: 'dash-flow', group: 'zeta' }]);
    await client.queues.set('dash-flow', { concurrency: 3, groupConcurrency: 1, rate: { limit: 50, periodMs: 1000 } });

    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.accept();
    });
    await page.goto(`http://${oc.http.get(oc.cluster.ids[0] as string) ?? ''}/`);
    const row = '#queues tr[data-queue="dash-flow"]';
    const flow = (p: Page) => p.locator(`${row} td[data-field="flow"]`).textContent({ timeout: 500 }).catch(() => null);
    await waitText(page, 'the flow control of dash-flow', flow, (t) => t.includes('0 of 3 leased') && t.includes('per key 1') && t.includes('rate 50/1.0 s'));
    expect(await page.locator(`${row} div[data-field="busiest"]`).textContent()).toMatch(/^busiest keys \(2 on record\): acme: 0 of 1 leased, 2 ready; zeta: 0 of 1 leased, 1 ready$/);

    await page.locator(`${row} button[data-action="pause"]`).click();
    await waitText(page, 'dash-flow shown paused', (p) => p.locator(row).getAttribute('data-paused', { timeout: 500 }).catch(() => null), (t) => t === 'yes');
    expect((await client.queues.get('dash-flow')).policy.paused).toBe(true);
    await page.locator(`${row} button[data-action="resume"]`).click();
    await waitText(page, 'dash-flow shown leasing', (p) => p.locator(row).getAttribute('data-paused', { timeout: 500 }).catch(() => null), (t) => t === 'no');

    await page.locator(`${row} button[data-action="retry-dead"]`).click();
    await waitText(page, 'the bulk retry toast', (p) => p.locator('#toast').textContent(), (t) => t === 'retried 4 dead job(s) of queue dash-flow in 1 batch(es)');
    expect(dialogs).toEqual(['Retry 4 dead job(s) of queue dash-flow? Each gets its max attempts again.']);
    expect((await client.stats()).queues.find((q) => q.queue === 'dash-flow')).toMatchObject({ dead: 0, ready: 7 });
    await page.close();
  });

  it("cancels and purges a queue's jobs by state, group key and age, each once its count is confirmed", async () => {
    // Five ready jobs of two group keys and one scheduled job; no worker serves the queue.
    await client.submit([
      ...Array.from({ length: 3 }, () => ({ queue: 'dash-bulk', group: 'acme' })),
      ...Array.from({ length: 2 }, () => ({ queue: 'dash-bulk', group: 'zeta' })),
      { queue: 'dash-bulk', delayMs: 3_600_000 },
    ]);
    const counts = async () => (await client.stats()).queues.find((q) => q.queue === 'dash-bulk');
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      // The operator thinks better of cancelling the scheduled job.
      void (d.message().startsWith('Cancel 1 scheduled') ? d.dismiss() : d.accept());
    });
    await page.goto(`http://${oc.http.get(oc.cluster.ids[0] as string) ?? ''}/`);
    await waitText(page, 'five ready jobs in dash-bulk', cell('dash-bulk', 'ready'), (t) => t === '5');
    const toastText = (p: Page) => p.locator('#toast').textContent();
    await page.selectOption('#bulk-queue', 'dash-bulk');
    expect(await page.locator('#bulk-state option').allTextContents()).toEqual(['ready', 'scheduled', 'leased']);

    // The age goes with the count: no job is a day old, so nothing is asked and nothing changes.
    await page.fill('#bulk-age', '1d');
    await page.click('#bulk-go');
    await waitText(page, 'the count of nothing', toastText, (t) => t === 'no ready jobs of queue dash-bulk submitted over 1d ago to cancel');
    expect(dialogs).toEqual([]);

    // The group key narrows the cancel to acme's three jobs.
    await page.fill('#bulk-age', '');
    await page.fill('#bulk-group', 'acme');
    await page.click('#bulk-go');
    await waitText(page, 'the bulk cancel toast', toastText, (t) => t === 'cancelled 3 ready job(s) of queue dash-bulk with group key "acme" in 1 batch(es)');
    expect(await counts()).toMatchObject({ ready: 2, scheduled: 1, cancelled: 3 });
    const ready = await client.list({ queue: 'dash-bulk', state: 'ready' });
    expect(ready.jobs.map((j) => j.group)).toEqual(['zeta', 'zeta']);

    // Dismissed: the scheduled job stays.
    await page.fill('#bulk-group', '');
    await page.selectOption('#bulk-state', 'scheduled');
    await page.click('#bulk-go');
    await poll(() => (dialogs.length === 2 ? true : undefined), { description: 'the scheduled cancel asked' });
    await page.locator('#bulk-go:enabled').waitFor({ timeout: 10_000 });
    expect(await counts()).toMatchObject({ scheduled: 1, cancelled: 3 });

    // Purge offers its own states; the cancelled jobs go for good.
    await page.selectOption('#bulk-action', 'purge');
    expect(await page.locator('#bulk-state option').allTextContents()).toEqual(['succeeded', 'dead', 'cancelled', 'ready', 'scheduled']);
    await page.selectOption('#bulk-state', 'cancelled');
    await page.click('#bulk-go');
    await waitText(page, 'the bulk purge toast', toastText, (t) => t === 'purged 3 cancelled job(s) of queue dash-bulk in 1 batch(es)');
    expect(await counts()).toMatchObject({ ready: 2, scheduled: 1, cancelled: 0 });

    // An age the page cannot read is refused there; nothing is sent.
    await page.fill('#bulk-age', 'soon');
    await page.click('#bulk-go');
    await waitText(page, 'the refused age', toastText, (t) => t === 'older than: a duration such as 30m, 6h or 7d, got "soon"');
    expect(dialogs).toEqual([
      'Cancel 3 ready job(s) of queue dash-bulk with group key "acme"? They will not run.',
      'Cancel 1 scheduled job(s) of queue dash-bulk? They will not run.',
      'Purge 3 cancelled job(s) of queue dash-bulk? They are removed for good, with their results and errors.',
    ]);
    expect(await counts()).toMatchObject({ ready: 2, scheduled: 1, cancelled: 0 });
    await page.close();
  });

  it('refuses actions without the dashboard header, as a cross-site form would send them', async () => {
    const [j] = await client.submit({ queue: 'dash-csrf', maxAttempts: 1 });
    const res = await fetch(`http://${oc.http.get('n1') ?? ''}/api/jobs/${(j as { id: string }).id}/cancel`, { method: 'POST' });
    expect(res.status).toBe(403);
    expect((await client.get((j as { id: string }).id)).state).not.toBe('cancelled');
  });

  it('shows the membership with each member\'s match index, and makes a follower the leader with a click', async () => {
    const leader = await oc.cluster.waitForLeader();
    const next = oc.cluster.ids.find((id) => id !== leader.id) as string;
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(`http://${oc.http.get(leader.id) ?? ''}/`);
    const members = (p: Page) => p.locator('#nodes td[data-field="member"]').allTextContents().then((t) => t.join(' '));
    await waitText(page, 'three voters in the cluster view', members, (t) => t === 'voter voter voter');
    const match = await page.locator(`#nodes tr[data-node="${next}"] td[data-field="match"]`).textContent();
    expect(Number(match)).toBeGreaterThan(0);
    await page.locator(`#nodes tr[data-node="${leader.id}"] button[data-action="handover"]`).waitFor({ state: 'visible', timeout: 10_000 });
    await page.locator(`#nodes tr[data-node="${next}"] button[data-action="lead"]`).click();
    await waitText(page, `${next} in the header as the leader`, (p) => p.locator('#leader').textContent(), (t) => t === next);
    expect((await oc.cluster.waitForLeader({ minTerm: (leader.term ?? 0) + 1 })).id).toBe(next);
    await page.close();
  });
});

describe.skipIf(skip)('dashboard in a real browser, read-only', () => {
  it('disables the action buttons with a note, and shows job data as text, never as HTML', async () => {
    const server = await startFakeDashboard(false, { retried: [], cancelled: [] });
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.goto(`http://${server.address}/#job=${DEAD_JOB.id}`);
      await page.locator('#readonly-note').waitFor({ state: 'visible', timeout: 10_000 });
      const retry = page.locator(`#dead tr[data-job="${DEAD_JOB.id}"] button[data-action="retry"]`);
      await retry.waitFor({ state: 'visible', timeout: 10_000 });
      expect(await retry.isDisabled()).toBe(true);
      expect(await retry.getAttribute('title')).toMatch(/read-only/);
      await page.locator('#job pre').first().waitFor({ timeout: 10_000 });
      expect(await page.locator('#job pre').first().textContent()).toBe(DEAD_JOB.payload.text);
      expect(await page.locator('#job img').count()).toBe(0);
      // A group key is data too: shown as text in the queue's flow control, with its buttons disabled.
      await waitText(page, 'the busiest keys of mail', (p) => p.locator('#queues tr[data-queue="mail"] div[data-field="busiest"]').textContent({ timeout: 500 }).catch(() => null), (t) => t.includes('<b>acme</b>'));
      expect(await page.locator('#queues b').count()).toBe(0);
      expect(await page.locator('#queues tr[data-queue="mail"] button[data-action="pause"]').isDisabled()).toBe(true);
      expect(await page.locator('#bulk-go').isDisabled()).toBe(true);
      expect(await page.locator('#bulk-go').getAttribute('title')).toMatch(/read-only/);
      // The membership: roles, the refused member, and its actions disabled too.
      expect(await page.locator('#nodes td[data-field="member"]').allTextContents()).toEqual(['voter', 'voter', 'learner', 'voter · refused']);
      expect(await page.locator('#nodes tr[data-node="n3"] td[data-field="match"]').textContent()).toBe('4');
      const promote = page.locator('#nodes tr[data-node="n3"] button[data-action="promote"]');
      expect(await promote.isDisabled()).toBe(true);
      const buttons = await page.locator('#nodes button[data-action]').all();
      expect(await Promise.all(buttons.map(async (b) => `${(await b.getAttribute('data-member')) ?? ''}:${(await b.getAttribute('data-action')) ?? ''}`))).toEqual([
        'n1:handover', 'n1:remove', 'n2:lead', 'n2:remove', 'n3:promote', 'n3:remove', 'n4:lead', 'n4:remove',
      ]);
      // Why submits are refused, the backlog against its cap, and the node's free disk.
      await waitText(page, 'why submits are refused', (p) => p.locator('#submits-refused').textContent(), (t) => t.startsWith('Submits refused'));
      expect(await page.locator('#submits-refused').textContent()).toBe('Submits refused (limits.maxBacklogJobs): the cluster holds 3 not-finished jobs (scheduled, ready, leased), at limits.maxBacklogJobs (3)');
      expect(await page.locator('#backlog').textContent()).toBe('Backlog: 3 not-finished jobs of at most 3, 12 B of payload.');
      expect(await page.locator('#nodes tr[data-node="n1"] td[data-disk="ok"]').textContent()).toBe('5.0 GiB');
      expect(dialogs).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});

describe.skipIf(skip)('dashboard in a real browser, membership actions', () => {
  it('promotes, hands leadership to a voter, and removes a member only once confirmed', async () => {
    const calls = { retried: [], cancelled: [], membership: [] as string[] };
    const server = await startFakeDashboard(true, calls);
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      let confirmRemove = false;
      page.on('dialog', (d) => void (confirmRemove ? d.accept() : d.dismiss()));
      await page.goto(`http://${server.address}/`);
      const row = (id: string, action: string) => page.locator(`#nodes tr[data-node="${id}"] button[data-action="${action}"]`);
      await row('n3', 'promote').click();
      await waitText(page, 'the promotion toast', (p) => p.locator('#toast').textContent(), (t) => t === 'n3 is a voter now');
      await row('n2', 'lead').click();
      await waitText(page, 'the transfer toast', (p) => p.locator('#toast').textContent(), (t) => t === 'leadership moved from n1 to n2');
      // Dismissed: nothing is asked.
      await row('n4', 'remove').click();
      expect(await row('n4', 'remove').isEnabled()).toBe(true);
      expect(calls.membership).toEqual(['promote n3', 'transfer n2']);
      confirmRemove = true;
      await row('n4', 'remove').click();
      await waitText(page, 'the removal toast', (p) => p.locator('#toast').textContent(), (t) => t === 'n4 was removed');
      expect(calls.membership).toEqual(['promote n3', 'transfer n2', 'remove n4']);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});

describe.skipIf(skip)('dashboard in a real browser against a cluster with auth on', () => {
  const reader = generateToken();
  const admin = generateToken();
  let oc: ObservedCluster;
  let browser: Browser;
  let client: Client;

  beforeAll(async () => {
    const tokens = [
      { name: 'reader', hash: hashToken(reader), roles: ['read'] },
      { name: 'ops', hash: hashToken(admin), roles: ['admin'] },
    ];
    oc = await createObservedCluster({ actionsEnabled: true, config: { auth: { enabled: true, tokens } }, token: admin });
    await oc.cluster.startAll();
    client = new Client({ nodes: oc.addresses, token: admin });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    client?.close();
    await oc?.cluster.cleanup();
  });

  it('shows nothing without a token, data without actions to a read token, and actions to an admin token', async () => {
    await oc.cluster.waitForLeader();
    const [job] = await client.submit({ queue: 'dash-auth', payload: { n: 1 } });
    const id = (job as { id: string }).id;
    const url = `http://${oc.http.get('n1') ?? ''}/#job=${id}`;
    // /metrics stays open by default.
    expect((await fetch(`http://${oc.http.get('n1') ?? ''}/metrics`)).status).toBe(200);

    const page = await browser.newPage();
    await page.goto(url);
    await page.locator('#login').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.locator('#main').isHidden()).toBe(true);
    expect(await page.locator('#queues tr').count()).toBe(0);

    await page.fill('#token', reader);
    await page.click('#login button[type="submit"]');
    await waitText(page, 'the ready job in queue dash-auth', cell('dash-auth', 'ready'), (t) => t === '1');
    const state = (p: Page) => p.locator('#job [data-testid="job-state"]').textContent({ timeout: 500 }).catch(() => null);
    await waitText(page, 'the job view', state, (t) => t === 'ready');
    expect(await page.locator('#login').isHidden()).toBe(true);
    expect(await page.locator('button[data-action]').count()).toBe(0);
    expect(await page.locator('#bulk-form').count()).toBe(0);
    await page.close();

    const adminPage = await browser.newPage();
    await adminPage.goto(url);
    await adminPage.fill('#token', admin);
    await adminPage.click('#login button[type="submit"]');
    await adminPage.locator('#job button[data-action="cancel"]').waitFor({ state: 'visible', timeout: 20_000 });
    await adminPage.locator('#nodes button[data-action="handover"]').waitFor({ state: 'visible', timeout: 20_000 });
    await adminPage.close();
  });
});
