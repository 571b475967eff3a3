// raftjobs dashboard: plain browser JavaScript, no build step. It polls the node's JSON API
// (/api/...) and renders with textContent only, so no job data is ever parsed as HTML.

const POLL_MS = 1000;
const SLOW_POLL_MS = 2000;
const ACTION_HEADER = 'x-raftjobs-dashboard';

const $ = (id) => document.getElementById(id);

let actionsEnabled = false;
/** False for a token without the admin role: action buttons are not shown at all. */
let actionsShown = true;
let shownJob = '';
/** Where the token lives: this tab only, gone when it closes. */
const TOKEN_KEY = 'raftjobs-token';

/** Create an element with attributes and children (strings become text nodes). */
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

function svgEl(tag, attrs = {}) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

async function api(path, init = {}) {
  const token = window.sessionStorage.getItem(TOKEN_KEY);
  const headers = { ...(init.headers || {}), ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const res = await fetch(path, { cache: 'no-store', ...init, headers });
  const body = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (res.status === 401) signIn(token ? `${body.error || 'the token was refused'}` : '');
  if (!res.ok) throw Object.assign(new Error(body.error || `HTTP ${res.status}`), { status: res.status, code: body.code });
  return body;
}

/** Hide everything and ask for a token (again, with `error`, when the one given was refused). */
function signIn(error) {
  window.sessionStorage.removeItem(TOKEN_KEY);
  $('main').hidden = true;
  $('readonly-note').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = error;
}

function ago(ms) {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

function time(ms) {
  if (!ms) return '–';
  return new Date(ms).toLocaleTimeString();
}

function since(ms) {
  return ms ? ago(Date.now() - ms) + ' ago' : '–';
}

function toast(message, isError) {
  const t = $('toast');
  t.textContent = message;
  t.className = isError ? 'toast error' : 'toast';
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (t.hidden = true), 5000);
}

function setConn(ok, message) {
  const c = $('conn');
  c.textContent = message;
  c.className = ok ? 'conn' : 'conn down';
}

// ------------------------------------------------------------------ cluster

function renderCluster(c) {
  $('cluster-id').textContent = c.clusterId;
  $('self-id').textContent = c.self;
  $('leader').textContent = c.leaderId ?? 'none';
  $('term').textContent = String(c.term);
  $('membership-note').hidden = c.membershipKnown;
  const rows = c.nodes.map((n) => {
    const cls = n.id === c.self ? 'self' : '';
    const member = el('td', {
      'data-field': 'member',
      class: n.refused ? 'unreachable' : '',
      title: n.refused ? 'it answers from another data directory than the cluster recorded (it lost its disk): remove it, then add it again' : null,
      text: `${n.member ?? '–'}${n.refused ? ' · refused' : ''}`,
    });
    const match = el('td', { class: 'num', 'data-field': 'match', text: n.matchIndex ?? '–' });
    const actions = el('td', {}, ...memberButtons(n, c.leaderId));
    if (!n.reachable) {
      return el('tr', { 'data-node': n.id },
        el('td', { class: cls, text: n.id }), el('td', { text: n.address }),
        el('td', { class: 'unreachable', text: 'unreachable' }), member, el('td', { colspan: 5, class: 'muted', text: n.error ?? '' }),
        match, el('td', { text: '–' }), el('td', { text: '–' }), el('td', { text: '–' }), el('td', { text: ago(n.lastContactMs) }), actions);
    }
    return el('tr', { 'data-node': n.id, 'data-role': n.role },
      el('td', { class: cls, text: n.id }),
      el('td', {}, n.httpAddress ? el('a', { href: `${location.protocol}//${n.httpAddress}/`, text: n.address }) : n.address),
      el('td', { class: `role-${n.role}`, text: n.role }),
      member,
      el('td', { class: 'num', text: n.term }),
      el('td', { text: n.leaderId ?? '–' }),
      el('td', { class: 'num', text: n.commitIndex }),
      el('td', { class: 'num', text: n.appliedIndex }),
      el('td', { class: 'num', text: n.lastLogIndex }),
      match,
      el('td', { class: 'num', text: n.lagEntries ?? '–' }),
      el('td', { text: n.replication ?? '–' }),
      el('td', { class: n.diskLow ? 'num bad-text' : 'num', 'data-disk': n.diskLow ? 'low' : 'ok', title: n.minFreeDiskBytes ? `floor ${bytes(n.minFreeDiskBytes)}` : 'no floor', text: n.diskFreeBytes === null || n.diskFreeBytes === undefined ? '–' : bytes(n.diskFreeBytes) }),
      el('td', { text: ago(n.lastContactMs) }),
      actions);
  });
  $('nodes').replaceChildren(...rows);
  renderSubmits(c.submits);
}

/** Why the leader refuses submits (a backlog cap, its disk below the floor), and the backlog against its caps. */
function renderSubmits(s) {
  const note = $('submits-refused');
  note.hidden = !s?.refused;
  note.textContent = s?.refused ? `Submits refused (${s.refused.limit}): ${s.refused.reason}` : '';
  if (!s) {
    $('backlog').textContent = '';
    return;
  }
  const jobs = `${s.backlogJobs} not-finished jobs${s.maxBacklogJobs ? ` of at most ${s.maxBacklogJobs}` : ''}`;
  const payload = `${bytes(s.backlogPayloadBytes)} of payload${s.maxBacklogPayloadBytes ? ` of at most ${bytes(s.maxBacklogPayloadBytes)}` : ''}`;
  $('backlog').textContent = `Backlog: ${jobs}, ${payload}.`;
}

function bytes(n) {
  const units = [[1024 ** 4, 'TiB'], [1024 ** 3, 'GiB'], [1024 ** 2, 'MiB'], [1024, 'KiB']];
  for (const [size, name] of units) if (n >= size) return `${(n / size).toFixed(1)} ${name}`;
  return `${n} B`;
}

/** Promote (a learner), Make leader (a voter) or Hand over (the leader), and Remove (any member). */
function memberButtons(n, leaderId) {
  if (!n.member) return [];
  const lead = n.member !== 'voter' ? null : n.id === leaderId ? ['Hand over', 'handover'] : ['Make leader', 'lead'];
  return [
    n.member === 'learner' ? button('Promote', { 'data-member': n.id }, `promote ${n.id} to voter`, 'promote', (b) => actOnMember('promote', n.id, b)) : null,
    lead ? button(lead[0], { 'data-member': n.id }, lead[1] === 'lead' ? `make ${n.id} the leader` : 'hand leadership to the most caught-up voter', lead[1], (b) => actOnMember(lead[1], n.id, b)) : null,
    button('Remove', { 'data-member': n.id }, `remove ${n.id} from the cluster`, 'remove', (b) => actOnMember('remove', n.id, b), true),
  ].filter(Boolean);
}

async function actOnMember(action, id, button) {
  if (action === 'remove' && !confirm(`Remove ${id} from the cluster? It stops receiving the log; to bring it back, add it again and start it with --join.`)) return;
  button.disabled = true;
  try {
    if (action === 'promote' || action === 'remove') {
      await api(`/api/members/${encodeURIComponent(id)}/${action}`, { method: 'POST', headers: { [ACTION_HEADER]: '1' } });
      toast(action === 'promote' ? `${id} is a voter now` : `${id} was removed`);
    } else {
      const to = action === 'lead' ? `?to=${encodeURIComponent(id)}` : '';
      const r = await api(`/api/leadership/transfer${to}`, { method: 'POST', headers: { [ACTION_HEADER]: '1' } });
      toast(`leadership moved from ${r.from} to ${r.leaderId}`);
    }
    await refreshCluster();
  } catch (err) {
    toast(`${action} ${id}: ${err.message}`, true);
    button.disabled = !actionsEnabled;
  }
}

// ------------------------------------------------------------------ queues and throughput

let throughput = null;

function renderQueues(q) {
  // The state columns come with the data (the server's list of job states), in its order.
  $('queues-head').replaceChildren(
    el('th', { text: 'queue' }),
    ...q.states.map((st) => el('th', { text: st })),
    el('th', { text: 'completed / min' }),
    el('th', { text: 'flow control: leased of limits, tokens, busiest keys' }),
    el('th'));
  const flows = new Map((q.flows ?? []).map((f) => [f.queue, f]));
  const stats = new Map(q.queues.map((s) => [s.queue, s]));
  // A queue with a policy but no jobs yet (paused before its first submit) is listed too.
  const names = [...new Set([...stats.keys(), ...flows.keys()])].sort();
  const rows = names.map((name) => {
    const s = stats.get(name) ?? {};
    const f = flows.get(name);
    return el('tr', { 'data-queue': name, 'data-paused': f?.policy.paused ? 'yes' : 'no' },
      el('td', { text: name }),
      ...q.states.map((st) => el('td', { class: 'num', 'data-state': st, text: s[st] ?? 0 })),
      el('td', {}, sparkline(name)),
      el('td', { class: 'wrap', 'data-field': 'flow' }, ...flowView(f)),
      el('td', {}, ...queueButtons(name, f, s.dead ?? 0)));
  });
  if (rows.length === 0) rows.push(el('tr', {}, el('td', { colspan: q.states.length + 4, class: 'muted', text: 'no jobs yet' })));
  $('queues').replaceChildren(...rows);
  setBulkQueues(names);
}

/** A limit against its use: "3 of 5", or just "3" without a limit. */
function ofLimit(used, limit) {
  return limit === null || limit === undefined ? `${used}` : `${used} of ${limit}`;
}

function rateText(r) {
  return `${r.limit}/${ago(r.periodMs)}${r.burst !== r.limit ? ` (burst ${r.burst})` : ''}`;
}

/** A queue's pause, limits against their use, tokens, throttles and busiest keys, as text pieces. */
function flowView(f) {
  if (!f) return [el('span', { class: 'muted', text: '–' })];
  const p = f.policy;
  const u = f.usage;
  const parts = [];
  if (p.paused) parts.push(el('span', { class: 'state state-dead', 'data-testid': 'paused', text: 'paused' }), ' ');
  parts.push(el('span', { 'data-field': 'leased', text: `${ofLimit(u.leased, p.concurrency)} leased` }));
  const overrides = Object.keys(p.groupConcurrencyOverrides).length;
  if (p.groupConcurrency !== null || overrides > 0) parts.push(` · per key ${p.groupConcurrency ?? '–'}${overrides > 0 ? ` (+${overrides} overrides)` : ''}`);
  if (p.rate) parts.push(` · rate ${rateText(p.rate)}, ${u.tokens === null ? '–' : u.tokens.toFixed(1)} tokens`);
  if (p.groupRate) parts.push(` · key rate ${rateText(p.groupRate)}`);
  if (u.throttledUntil) parts.push(el('span', { class: 'bad-text', text: ` · throttled until ${time(u.throttledUntil)}` }));
  if (u.busiestGroups.length > 0) {
    const keys = u.busiestGroups.map((g) => `${g.group}: ${ofLimit(g.leased, g.limit)} leased, ${g.ready} ready${g.tokens !== null ? `, ${g.tokens.toFixed(1)} tokens` : ''}${g.throttledUntil ? `, throttled until ${time(g.throttledUntil)}` : ''}`);
    parts.push(el('div', { class: 'muted', 'data-field': 'busiest', title: keys.join('\n'), text: `busiest keys (${u.groups} on record): ${keys.slice(0, 3).join('; ')}${keys.length > 3 ? '; …' : ''}` }));
  }
  return parts;
}

/** Pause or Resume, and Retry dead (a bulk action) when the queue has dead jobs. */
function queueButtons(name, f, dead) {
  const paused = f?.policy.paused ?? false;
  return [
    button(paused ? 'Resume' : 'Pause', { 'data-queue': name }, `${paused ? 'resume' : 'pause'} leasing from queue ${name}`, paused ? 'resume' : 'pause', (b) => actOnQueue(paused ? 'resume' : 'pause', name, b)),
    dead > 0 ? button('Retry dead', { 'data-queue': name }, `retry every dead job of queue ${name} (counted first)`, 'retry-dead', (b) => bulkOnQueue(name, 'retry-dead', [], {
      none: `queue ${name} has no dead jobs`,
      confirm: (n) => `Retry ${n} dead job(s) of queue ${name}? Each gets its max attempts again.`,
      done: (r) => `retried ${r.affected} dead job(s) of queue ${name} in ${r.batches} batch(es)`,
      failed: `retry dead jobs of ${name}`,
    }, b), true) : null,
  ].filter(Boolean);
}

async function actOnQueue(action, queue, button) {
  button.disabled = true;
  try {
    const r = await api(`/api/queues/${encodeURIComponent(queue)}/${action}`, { method: 'POST', headers: { [ACTION_HEADER]: '1' } });
    toast(`queue ${queue} is now ${r.policy.paused ? 'paused' : 'leasing'}`);
    await refreshQueues();
  } catch (err) {
    toast(`${action} ${queue}: ${err.message}`, true);
    button.disabled = !actionsEnabled;
  }
}

/**
 * A bulk action on a queue's jobs (`retry-dead`, `cancel`, `purge`): the dry run's count, the
 * operator's confirmation, then the run. `params` are the filter's query parameters as [name,
 * value] pairs; `words` say it: `none` when nothing matches, `confirm(count)`, `done(outcome)`,
 * and `failed` before an error.
 */
async function bulkOnQueue(queue, action, params, words, button) {
  button.disabled = true;
  const path = `/api/queues/${encodeURIComponent(queue)}/${action}`;
  const query = (dry) => {
    const q = [...params, ...(dry ? [['dryRun', '1']] : [])].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
    return q === '' ? '' : `?${q}`;
  };
  try {
    const dry = await api(path + query(true), { method: 'POST', headers: { [ACTION_HEADER]: '1' } });
    if (dry.matched === 0) toast(words.none);
    else if (confirm(words.confirm(dry.matched))) {
      const r = await api(path + query(false), { method: 'POST', headers: { [ACTION_HEADER]: '1' } });
      toast(words.done(r));
    }
    await Promise.all([refreshQueues(), refreshDead()]);
  } catch (err) {
    toast(`${words.failed}: ${err.message}`, true);
  }
  button.disabled = !actionsEnabled;
}

/** The states the form offers for each bulk action, the first chosen at first (the server checks them again). */
const BULK_STATES = { cancel: ['ready', 'scheduled', 'leased'], purge: ['succeeded', 'dead', 'cancelled', 'ready', 'scheduled'] };
/** What each action of the form does to jobs in a state, for the confirmation and the answer. */
const BULK_WORDS = {
  cancel: { verb: 'Cancel', did: 'cancelled', then: (state) => (state === 'leased' ? 'Their handlers are told to stop at their next heartbeat.' : 'They will not run.') },
  purge: { verb: 'Purge', did: 'purged', then: () => 'They are removed for good, with their results and errors.' },
};
const DURATION = /^(\d{1,9})\s*(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The state choice of the form's action. */
function setBulkStates() {
  $('bulk-state').replaceChildren(...BULK_STATES[$('bulk-action').value].map((st) => el('option', { value: st, text: st })));
}

/** The form's queue choice follows the queue list, keeping the queue chosen. */
function setBulkQueues(names) {
  const select = $('bulk-queue');
  if (!select) return;
  const have = [...select.options].map((o) => o.value);
  if (have.length === names.length && have.every((n, i) => n === names[i])) return;
  const chosen = select.value;
  select.replaceChildren(...names.map((n) => el('option', { value: n, text: n })));
  if (names.includes(chosen)) select.value = chosen;
}

/** Cancel or purge the jobs of a queue in one state, of a group key and older than an age when given. */
async function submitBulk(e) {
  e.preventDefault();
  const action = $('bulk-action').value;
  const state = $('bulk-state').value;
  const queue = $('bulk-queue').value;
  const group = $('bulk-group').value;
  const age = $('bulk-age').value.trim();
  const m = DURATION.exec(age);
  const ageMs = m ? Number(m[1]) * UNIT_MS[m[2]] : null;
  if (!queue) return toast('no queue to act on yet', true);
  if (age !== '' && !(ageMs > 0)) return toast(`older than: a duration such as 30m, 6h or 7d, got ${JSON.stringify(age)}`, true);
  const params = [['state', state], ...(group !== '' ? [['group', group]] : []), ...(ageMs !== null ? [['olderThanMs', String(ageMs)]] : [])];
  const filters = `${group !== '' ? ` with group key ${JSON.stringify(group)}` : ''}${ageMs !== null ? ` submitted over ${age} ago` : ''}`;
  const w = BULK_WORDS[action];
  await bulkOnQueue(queue, action, params, {
    none: `no ${state} jobs of queue ${queue}${filters} to ${action}`,
    confirm: (n) => `${w.verb} ${n} ${state} job(s) of queue ${queue}${filters}? ${w.then(state)}`,
    done: (r) => `${w.did} ${r.affected} ${state} job(s) of queue ${queue}${filters} in ${r.batches} batch(es)`,
    failed: `${action} ${state} jobs of ${queue}`,
  }, $('bulk-go'));
}

/** The bulk form: gone for a token without the admin role, disabled with a note when read-only. */
function setUpBulkForm() {
  const form = $('bulk-form');
  if (!actionsShown) return form.remove();
  setBulkStates();
  $('bulk-action').addEventListener('change', setBulkStates);
  form.addEventListener('submit', (e) => void submitBulk(e));
  for (const c of form.elements) c.disabled = !actionsEnabled;
  $('bulk-go').title = actionsEnabled ? 'count the jobs that match, then confirm' : 'read-only: actions are disabled in the config';
}

/** Completed jobs per minute over the last samples of one queue, as a tiny SVG line. */
function sparkline(queue) {
  const s = throughput?.queues?.[queue];
  const span = el('span', { class: 'muted' });
  if (!s || s.completed.length < 2) return span;
  const perMin = 60_000 / throughput.intervalMs;
  const recent = s.completed.slice(-30);
  // Completed in the last minute (the running interval included).
  const last = s.completed.slice(-Math.max(1, Math.round(perMin) + 1)).reduce((a, b) => a + b, 0);
  const svg = svgEl('svg', { class: 'spark', viewBox: '0 0 90 18', preserveAspectRatio: 'none' });
  svg.append(line(recent, 90, 18, 'var(--ok)'));
  span.append(svg, ` ${last}`);
  return span;
}

function line(values, w, h, color) {
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? w / (values.length - 1) : w;
  const pts = values.map((v, i) => `${(i * step).toFixed(1)},${(h - 1 - (v / max) * (h - 2)).toFixed(1)}`).join(' ');
  return svgEl('polyline', { points: pts, fill: 'none', stroke: color, 'stroke-width': 1.5, 'vector-effect': 'non-scaling-stroke' });
}

function renderChart() {
  const box = $('chart');
  if (!throughput || throughput.times.length < 2) {
    box.replaceChildren(el('p', { class: 'muted', text: 'collecting samples…' }));
    return;
  }
  const n = throughput.times.length;
  const sum = (kind) => {
    const out = new Array(n).fill(0);
    for (const s of Object.values(throughput.queues)) s[kind].forEach((v, i) => (out[i] += (v * 1000) / throughput.spansMs[i]));
    return out;
  };
  const series = { submitted: sum('submitted'), completed: sum('completed'), failed: sum('failed') };
  const W = 600, H = 110, PAD = 28;
  const max = Math.max(1, ...series.submitted, ...series.completed, ...series.failed);
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H + 12}`, role: 'img', 'aria-label': 'throughput, jobs per second' });
  for (const f of [0, 0.5, 1]) {
    const y = H - f * (H - 6);
    svg.append(svgEl('line', { x1: PAD, x2: W, y1: y, y2: y, stroke: '#e4e4de' }));
    const label = svgEl('text', { x: 0, y: y + 4, 'font-size': 10, fill: '#6b6b66' });
    label.textContent = (max * f).toFixed(max * f >= 10 ? 0 : 1);
    svg.append(label);
  }
  const colors = { submitted: '#2457a6', completed: '#23804a', failed: '#b3261e' };
  const step = (W - PAD) / Math.max(1, n - 1);
  for (const [kind, values] of Object.entries(series)) {
    const pts = values.map((v, i) => `${(PAD + i * step).toFixed(1)},${(H - (v / max) * (H - 6)).toFixed(1)}`).join(' ');
    svg.append(svgEl('polyline', { points: pts, fill: 'none', stroke: colors[kind], 'stroke-width': 1.5, 'data-series': kind }));
  }
  const minutes = ((throughput.times[n - 1] - throughput.times[0]) / 60_000).toFixed(1);
  const cap = svgEl('text', { x: PAD, y: H + 11, 'font-size': 10, fill: '#6b6b66' });
  cap.textContent = `last ${minutes} min`;
  svg.append(cap);
  box.replaceChildren(svg);
}

// ------------------------------------------------------------------ jobs

function stateBadge(state) {
  return el('span', { class: `state state-${state}`, 'data-testid': 'job-state', text: state });
}

function bytesView(p) {
  if (!p) return el('span', { class: 'muted', text: '–' });
  if (p.bytes === 0) return el('span', { class: 'muted', text: '(empty)' });
  const note = `${p.bytes} bytes${p.encoding === 'base64' ? ', base64' : ''}${p.truncated ? ', truncated' : ''}`;
  return el('div', {}, el('pre', { text: p.text }), el('span', { class: 'muted', text: note }));
}

/**
 * An action button for an admin (none for other tokens), disabled with a note when the config
 * leaves the dashboard read-only. `data` names what it acts on (`data-job`, `data-schedule`, ...).
 */
function button(label, data, what, action, onClick, danger) {
  if (!actionsShown) return null;
  const b = el('button', {
    type: 'button',
    class: danger ? 'danger' : '',
    'data-action': action,
    ...data,
    disabled: !actionsEnabled,
    title: actionsEnabled ? what : 'read-only: actions are disabled in the config',
    text: label,
  });
  b.addEventListener('click', () => void onClick(b));
  return b;
}

function actionButton(label, jobId, action, danger) {
  return button(label, { 'data-job': jobId }, `${label} job ${jobId}`, action, (b) => act(action, jobId, b), danger);
}

async function act(action, jobId, button) {
  if (action === 'cancel' && !confirm(`Cancel job ${jobId}?`)) return;
  button.disabled = true;
  try {
    const job = await api(`/api/jobs/${encodeURIComponent(jobId)}/${action}`, { method: 'POST', headers: { [ACTION_HEADER]: '1' } });
    toast(`job ${job.id} is now ${job.state}`);
    await Promise.all([refreshDead(), shownJob === jobId ? showJob(jobId) : null, refreshQueues()]);
  } catch (err) {
    toast(`${action} ${jobId}: ${err.message}`, true);
    button.disabled = !actionsEnabled;
  }
}

async function showJob(id) {
  shownJob = id;
  const box = $('job');
  try {
    const j = await api(`/api/jobs/${encodeURIComponent(id)}`);
    if (shownJob !== id) return;
    const actions = el('div', {});
    if (j.state === 'dead') actions.append(...[actionButton('Retry', j.id, 'retry')].filter(Boolean));
    if (j.state === 'scheduled' || j.state === 'ready' || j.state === 'leased') actions.append(...[actionButton('Cancel', j.id, 'cancel', true)].filter(Boolean));
    const history = el('table', {},
      el('thead', {}, el('tr', {}, ...['#', 'token', 'worker', 'started', 'ended', 'outcome', 'error'].map((h) => el('th', { text: h })))),
      el('tbody', {}, ...j.history.map((a) => el('tr', {},
        el('td', { text: a.attempt }), el('td', { text: a.token }), el('td', { text: a.workerId }),
        el('td', { text: time(a.startedAt) }), el('td', { text: time(a.endedAt) }),
        el('td', { text: a.outcome }), el('td', { class: 'err', text: a.error ?? '' })))));
    box.replaceChildren(
      el('dl', { 'data-job': j.id },
        el('dt', { text: 'id' }), el('dd', { text: j.id }),
        el('dt', { text: 'queue' }), el('dd', { text: j.queue }),
        el('dt', { text: 'state' }), el('dd', {}, stateBadge(j.state)),
        el('dt', { text: 'attempts' }), el('dd', { text: `${j.attempts} of ${j.maxAttempts}` }),
        el('dt', { text: 'priority' }), el('dd', { text: j.priority }),
        el('dt', { text: 'submitted' }), el('dd', { text: time(j.submittedAt) }),
        el('dt', { text: 'lease' }), el('dd', { text: j.lease ? `worker ${j.lease.workerId}, token ${j.lease.token}, expires ${time(j.lease.expiresAt)}` : '–' }),
        el('dt', { text: 'progress' }), el('dd', { text: j.progress ? `${j.progress.percent}% ${j.progress.message}` : '–' }),
        el('dt', { text: 'payload' }), el('dd', {}, bytesView(j.payload)),
        el('dt', { text: 'result' }), el('dd', {}, bytesView(j.result)),
        el('dt', { text: 'last error' }), el('dd', {}, j.lastError ? el('pre', { text: j.lastError }) : '–'),
        el('dt', { text: 'finished' }), el('dd', { text: time(j.finishedAt) })),
      actions,
      el('h3', { text: 'Attempts' }),
      j.history.length > 0 ? history : el('p', { class: 'muted', text: 'no attempts yet' }));
  } catch (err) {
    if (shownJob === id) box.replaceChildren(el('p', { class: 'unreachable', text: err.message }));
  }
}

async function refreshDead() {
  const page = await api('/api/dead');
  const rows = page.jobs.map((j) =>
    el('tr', { 'data-job': j.id },
      el('td', {}, el('a', { href: `#job=${j.id}`, text: j.id })),
      el('td', { text: j.queue }),
      el('td', { class: 'num', text: j.attempts }),
      el('td', { text: time(j.finishedAt) }),
      el('td', { class: 'err', text: (j.lastError ?? '').slice(0, 200) }),
      el('td', {}, actionButton('Retry', j.id, 'retry'))));
  if (rows.length === 0) rows.push(el('tr', {}, el('td', { colspan: 6, class: 'muted', text: 'no dead jobs' })));
  $('dead').replaceChildren(...rows);
  const more = $('dead-more');
  more.hidden = !page.nextPageToken;
  more.textContent = page.nextPageToken ? `showing the first ${page.jobs.length} dead jobs` : '';
}

function scheduleButton(label, id, action) {
  return button(label, { 'data-schedule': id }, `${label} schedule ${id}`, action, (b) => actOnSchedule(action, id, b));
}

async function actOnSchedule(action, id, button) {
  button.disabled = true;
  try {
    const r = await api(`/api/schedules/${encodeURIComponent(id)}/${action}`, { method: 'POST', headers: { [ACTION_HEADER]: '1' } });
    toast(action === 'trigger' ? `schedule ${id} made job ${r.jobId}` : `schedule ${id} is now ${r.paused ? 'paused' : 'active'}`);
    await refreshSchedules();
  } catch (err) {
    toast(`${action} ${id}: ${err.message}`, true);
    button.disabled = !actionsEnabled;
  }
}

function timing(s) {
  return s.cron !== null ? `${s.cron} (${s.timeZone})` : `every ${ago(s.intervalMs)}`;
}

async function refreshSchedules() {
  const tbody = $('schedules');
  try {
    const { schedules } = await api('/api/schedules');
    const rows = schedules.map((s) =>
      el('tr', { 'data-schedule': s.id, title: `catch-up ${s.catchUp.mode} within ${ago(s.catchUp.windowMs)}, overlap ${s.overlap}, ${s.triggered} triggered` },
        el('td', { text: s.id }),
        el('td', { class: 'wrap', text: timing(s) }),
        el('td', { text: s.queue }),
        el('td', { 'data-field': 'paused', text: s.paused ? 'paused' : 'no' }),
        el('td', { text: time(s.nextFireTimes[0]) }),
        el('td', { text: time(s.lastSlot) }),
        el('td', {}, s.lastJobId ? el('a', { href: `#job=${s.lastJobId}` }, s.lastJobId, ' ', s.lastJobState ? stateBadge(s.lastJobState) : '(purged)') : '–'),
        el('td', { class: 'num', 'data-field': 'counts', text: `${s.fired} / ${s.skipped}` }),
        el('td', {}, scheduleButton(s.paused ? 'Resume' : 'Pause', s.id, s.paused ? 'resume' : 'pause'), scheduleButton('Trigger', s.id, 'trigger'))));
    if (rows.length === 0) rows.push(el('tr', {}, el('td', { colspan: 9, class: 'muted', text: 'no schedules' })));
    tbody.replaceChildren(...rows);
  } catch (err) {
    tbody.replaceChildren(el('tr', {}, el('td', { colspan: 9, class: 'unreachable', text: err.message })));
  }
}

async function refreshWorkers() {
  const tbody = $('workers');
  try {
    const w = await api('/api/workers');
    const rows = w.workers.map((x) =>
      el('tr', { 'data-worker': x.workerId, title: `connected from ${x.peer}${x.session ? `, session ${x.session}` : ''}` },
        el('td', { text: x.workerId }),
        el('td', { class: 'wrap', text: x.queues.join(', ') }),
        el('td', { class: 'num', text: `${x.held.length} / ${x.capacity}` }),
        el('td', { class: 'err', text: x.held.slice(0, 20).map((h) => `${h.jobId}:${h.token}`).join(' ') + (x.held.length > 20 ? ' …' : '') }),
        el('td', { text: since(x.connectedAt) }),
        el('td', { text: since(x.lastSeenAt) })));
    if (rows.length === 0) rows.push(el('tr', {}, el('td', { colspan: 6, class: 'muted', text: `no workers connected to the leader (${w.leaderId})` })));
    tbody.replaceChildren(...rows);
  } catch (err) {
    tbody.replaceChildren(el('tr', {}, el('td', { colspan: 6, class: 'unreachable', text: err.message })));
  }
}

// ------------------------------------------------------------------ loops

async function refreshCluster() {
  try {
    renderCluster(await api('/api/cluster'));
    setConn(true, `updated ${new Date().toLocaleTimeString()}`);
  } catch (err) {
    setConn(false, `node unreachable: ${err.message}`);
  }
}

async function refreshQueues() {
  try {
    renderQueues(await api('/api/queues'));
  } catch (err) {
    $('queues').replaceChildren(el('tr', {}, el('td', { colspan: 10, class: 'unreachable', text: err.message })));
  }
}

async function refreshThroughput() {
  try {
    throughput = await api('/api/throughput');
    renderChart();
  } catch {
    // the next round tries again
  }
}

/** Run `fn` now and then every `ms`, never two at once. */
function every(ms, fn) {
  const run = async () => {
    try {
      await fn();
    } catch {
      // each view shows its own errors
    }
    setTimeout(run, ms);
  };
  void run();
}

function jobFromHash() {
  const m = /^#job=([A-Za-z0-9_-]{1,64})$/.exec(location.hash);
  if (m) {
    $('job-id').value = m[1];
    void showJob(m[1]);
  }
}

async function main() {
  $('login').addEventListener('submit', (e) => {
    e.preventDefault();
    window.sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
    location.reload();
  });
  try {
    const cfg = await api('/api/config');
    actionsEnabled = cfg.actionsEnabled;
    const me = await api('/api/whoami');
    actionsShown = !me.auth || me.roles.includes('admin');
    if (me.auth) document.body.dataset.user = me.name;
  } catch (err) {
    // Without a (valid) token nothing is shown but the sign-in form.
    if (err.status === 401) return;
    actionsEnabled = false;
  }
  $('main').hidden = false;
  $('readonly-note').hidden = actionsEnabled || !actionsShown;
  setUpBulkForm();
  document.body.dataset.actions = actionsEnabled ? 'enabled' : 'disabled';
  $('job-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const id = $('job-id').value.trim();
    if (id) location.hash = `job=${id}`;
  });
  window.addEventListener('hashchange', jobFromHash);
  jobFromHash();
  every(POLL_MS, refreshCluster);
  every(POLL_MS, refreshQueues);
  every(SLOW_POLL_MS, refreshThroughput);
  every(SLOW_POLL_MS, refreshDead);
  every(SLOW_POLL_MS, refreshWorkers);
  every(SLOW_POLL_MS, refreshSchedules);
  every(SLOW_POLL_MS, () => (shownJob ? showJob(shownJob) : undefined));
}

void main();
