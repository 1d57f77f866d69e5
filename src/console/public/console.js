// The operator console: the queue live over the `/operator` socket, a flag's subject view with
// the actions, the audit log (admins) and the counts (everyone). Every call goes to the REST API
// with the operator's token; the server decides what each role may do.
import { io } from '/console/socket.io.esm.min.js';
import { api, ApiError, claimsOf, OPERATOR_ROLES, session } from '/console/api.js';
import { details, el, report, table, time } from '/console/dom.js';
import { conversationView } from '/console/conversation.js';
import { appealsView, reportView, rulesView } from '/console/tools.js';

const $ = (id) => document.getElementById(id);

const state = {
  me: null,
  socket: null,
  /** The queue by flag id; `fresh` holds flags that arrived live and were not opened yet. */
  flags: new Map(),
  fresh: new Set(),
  next: null,
  /** The flag of the subject view. */
  open: null,
  auditNext: null,
};

// --- signing in and out ----------------------------------------------------------------------

$('sign-in').addEventListener('submit', (event) => {
  event.preventDefault();
  const token = $('token').value.trim();
  const claims = claimsOf(token);
  if (!claims) return report($('sign-in-error'), 'This is not a token (a JWT was expected).', true);
  if (!claims.roles.some((r) => OPERATOR_ROLES.includes(r))) {
    return report($('sign-in-error'), 'This token has no operator role.', true);
  }
  session.signIn(token);
  $('token').value = '';
  start();
});
$('sign-out').addEventListener('click', () => signOut(''));

function signOut(why) {
  session.signOut();
  clearTimeout(refreshTimer);
  state.socket?.disconnect();
  Object.assign(state, { me: null, socket: null, open: null, next: null, auditNext: null });
  state.flags.clear();
  state.fresh.clear();
  $('workspace').hidden = true;
  $('sign-out').hidden = true;
  $('who').textContent = '';
  $('sign-in').hidden = false;
  report($('sign-in-error'), why, Boolean(why));
}

function start() {
  const claims = claimsOf(session.token ?? '');
  if (!claims) return signOut('');
  const admin = claims.roles.includes('admin');
  state.me = { ...claims, admin, content: admin || claims.roles.includes('moderator') };
  $('who').textContent = `${claims.operatorId} (${claims.roles.join(', ')})`;
  const may = {
    admin,
    content: state.me.content,
    aggregate: admin || claims.roles.includes('analyst'),
  };
  for (const node of document.querySelectorAll('[data-needs]')) {
    node.hidden = !may[node.dataset.needs];
  }
  $('report-year').value = String(new Date().getFullYear());
  $('sign-in').hidden = true;
  $('sign-out').hidden = false;
  $('workspace').hidden = false;
  if (state.me.content) goLive();
  show(state.me.content ? 'queue' : 'stats');
}

/** Runs an API call; a refusal is shown in `out` with its code, an expired session signs out. */
async function attempt(task, out) {
  try {
    return await task();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401)
      return signOut('Your session ended: sign in again.');
    const why = e instanceof ApiError ? `${e.code}${e.message ? `: ${e.message}` : ''}` : e.message;
    report(out, `Refused (${why})`, true);
  }
}

// --- views -----------------------------------------------------------------------------------

for (const button of document.querySelectorAll('[data-show]')) {
  button.addEventListener('click', () => show(button.dataset.show));
}

function show(view) {
  for (const section of document.querySelectorAll('.view')) section.hidden = section.id !== view;
  for (const tab of document.querySelectorAll('nav [data-show]')) {
    if (tab.dataset.show === view) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
  if (view === 'audit') void attempt(() => loadAudit(false), $('audit-status'));
  if (view === 'appeals') void appeals.load();
  if (view === 'rules') void rules.load();
  if (view === 'report') void crisisReport.load();
  if (view === 'stats') void attempt(loadStats, $('stats-status'));
}

const ctx = { attempt, show, me: () => state.me };
const conversation = conversationView(ctx);
const appeals = appealsView(ctx);
const rules = rulesView(ctx);
const crisisReport = reportView(ctx);

// --- the queue, live -------------------------------------------------------------------------

/** The queue's filters as query parameters (empty ones left out). */
function filterQuery() {
  const form = new FormData($('queue-filter'));
  const params = new URLSearchParams();
  for (const [name, value] of form)
    if (String(value).trim()) params.set(name, String(value).trim());
  return params;
}

/** Whether a flag that arrived live belongs in the filtered queue. */
function matchesFilter(flag) {
  const f = filterQuery();
  return (
    (!f.get('kind') || f.get('kind') === flag.kind) &&
    !f.get('label') &&
    (!f.get('status') || f.get('status') === 'open')
  );
}

$('queue-filter').addEventListener('submit', (event) => {
  event.preventDefault();
  state.fresh.clear();
  void attempt(() => loadQueue(false), $('link'));
});

const byUrgency = (a, b) =>
  a.priority - b.priority || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);

async function loadQueue(more) {
  const cursor = more && state.next ? `&cursor=${encodeURIComponent(state.next)}` : '';
  const filters = filterQuery().toString();
  const page = await api(`/queue?limit=100${cursor}${filters ? `&${filters}` : ''}`);
  const flags = more ? state.flags : new Map();
  for (const flag of page.flags) flags.set(flag.id, flag);
  // A flag that arrived live while the page was on its way stays.
  for (const id of state.fresh)
    if (!flags.has(id) && state.flags.has(id)) flags.set(id, state.flags.get(id));
  state.flags = flags;
  state.next = page.next;
  renderQueue();
}
$('queue-more').addEventListener('click', () => void attempt(() => loadQueue(true), $('link')));

function renderQueue() {
  const rows = [...state.flags.values()].sort(byUrgency).map((f) =>
    el(
      'tr',
      {
        'data-flag-id': f.id,
        'data-priority': f.priority,
        class: state.fresh.has(f.id) && 'fresh',
      },
      el('td', {}, f.priority),
      el(
        'td',
        {},
        el(
          'button',
          { type: 'button', class: 'link', onclick: () => openFlag(f.id) },
          `${f.kind}: ${f.category}`,
        ),
      ),
      el('td', {}, f.severity ?? '—'),
      el('td', {}, f.status),
      el('td', {}, f.userId),
      el('td', {}, f.assignee ?? '—'),
      el('td', {}, time(f.slaDueAt)),
      el('td', {}, time(f.createdAt)),
    ),
  );
  $('queue-rows').replaceChildren(
    ...(rows.length ? rows : [el('tr', {}, el('td', { colspan: 8 }, 'The queue is empty.'))]),
  );
  $('queue-more').hidden = !state.next;
}

let refreshTimer;
function refreshSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => void attempt(() => loadQueue(false), $('link')), 500);
}

function goLive() {
  const socket = io('/operator', { auth: { token: session.token }, transports: ['websocket'] });
  state.socket = socket;
  const link = $('link');
  socket.on('connect', () => {
    report(link, 'Live: new flags appear as they are raised.');
    void attempt(() => loadQueue(false), link);
  });
  socket.on('disconnect', () => report(link, 'Disconnected: reconnecting…', true));
  socket.on('connect_error', (err) => {
    const code = err.data?.code ?? err.message;
    if (code === 'unauthorized') return signOut('The server refused this token: sign in again.');
    report(link, `Not live (${code})${socket.active ? '; retrying…' : '.'}`, true);
  });
  socket.on('error', (e) => {
    if (e?.code === 'token_expired') signOut('Your token expired: sign in with a fresh one.');
  });
  socket.on('flag:new', (f) => {
    if (!matchesFilter(f)) {
      $('announcer').textContent = `New ${f.kind} flag, priority ${f.priority}: ${f.category}.`;
      return;
    }
    state.flags.set(f.flagId, {
      ...f,
      id: f.flagId,
      status: 'open',
      assignee: null,
      claimExpiresAt: null,
      slaDueAt: null,
    });
    state.fresh.add(f.flagId);
    renderQueue();
    refreshSoon(); // the stored flag has its SLA deadline
    $('announcer').textContent = `New ${f.kind} flag, priority ${f.priority}: ${f.category}.`;
  });
  socket.on('flag:updated', (u) => {
    const change = { status: u.status, assignee: u.assignee, claimExpiresAt: u.claimExpiresAt };
    const shownStatus = filterQuery().get('status');
    if (u.status === 'closed' && shownStatus !== 'closed') state.flags.delete(u.flagId);
    else if (state.flags.has(u.flagId)) Object.assign(state.flags.get(u.flagId), change);
    renderQueue();
    if (state.open?.id === u.flagId) {
      Object.assign(state.open, change);
      renderFlag();
    }
  });
  socket.on('takeover:message', (m) => {
    conversation.changed(m.conversationId);
    if (m.operatorId === state.me?.operatorId) {
      $('announcer').textContent = 'The user wrote in a conversation you hold.';
    }
  });
  socket.on('takeover:changed', (c) => conversation.changed(c.conversationId));
  socket.on('appeal:new', () => {
    $('announcer').textContent = 'A new appeal arrived.';
    if (!$('appeals').hidden) void appeals.load();
  });
}

// --- a flag and its subject ------------------------------------------------------------------

$('open-conversation').addEventListener('click', () => {
  if (state.open) void conversation.open(state.open.conversationId);
});

$('labels').addEventListener('submit', (event) => {
  event.preventDefault();
  const label = $('label-input').value.trim();
  if (!label) return;
  const body = event.submitter.value === 'remove' ? { remove: [label] } : { add: [label] };
  void attempt(async () => {
    const flag = await api(`/flags/${state.open.id}/labels`, { method: 'POST', body });
    Object.assign(state.open, flag);
    $('label-input').value = '';
    renderFlag();
    report($('outcome'), `Labels: ${flag.labels.join(', ') || 'none'}.`);
  }, $('outcome'));
});

async function openFlag(id) {
  state.fresh.delete(id);
  renderQueue();
  show('subject');
  report($('outcome'), '');
  $('subject-title').textContent = 'Loading the flag…';
  await attempt(async () => {
    state.open = await api(`/flags/${id}`);
    renderFlag();
    $('subject-title').focus();
    await loadHistory();
  }, $('outcome'));
}

function renderFlag() {
  const f = state.open;
  $('subject-title').textContent = `${f.kind} flag: ${f.category}`;
  $('flag-details').replaceChildren(
    details([
      ['Priority', f.priority],
      ['Severity', f.severity],
      ['Status', f.status],
      ['Assignee', f.assignee],
      ['Claim expires', time(f.claimExpiresAt)],
      ['SLA due', time(f.slaDueAt)],
      ['Raised', time(f.createdAt)],
      ['User', f.userId],
      ['Conversation', f.conversationId],
      ['Labels', f.labels?.length ? f.labels.join(', ') : null],
    ]),
  );
  const m = f.message;
  $('flag-message').replaceChildren(
    m
      ? el(
          'figure',
          {},
          el('blockquote', {}, m.deleted ? '(deleted)' : m.content),
          el('figcaption', {}, `${m.role}, ${time(m.createdAt)}`),
        )
      : el('p', {}, 'The message no longer exists.'),
  );
  $('flag-events').replaceChildren(eventsTable('Events of this flag, oldest first', f.events));
}

async function loadHistory() {
  const h = await api(`/subjects/user/${encodeURIComponent(state.open.userId)}/events?limit=50`);
  const r = h.restriction;
  const now = Date.now();
  const inForce = [
    r?.banned && 'banned',
    r?.suspendedUntil &&
      Date.parse(r.suspendedUntil) > now &&
      `suspended until ${time(r.suspendedUntil)}`,
    r?.mutedUntil && Date.parse(r.mutedUntil) > now && `muted until ${time(r.mutedUntil)}`,
  ].filter(Boolean);
  $('history').replaceChildren(
    el('p', {}, inForce.length ? `In force: ${inForce.join('; ')}.` : 'No restriction in force.'),
    eventsTable(`Events of user ${h.userId}, newest first`, h.events),
  );
}

function eventsTable(caption, events) {
  const rows = events.map((e) =>
    el(
      'tr',
      {},
      el('td', {}, time(e.createdAt)),
      el('td', {}, e.action),
      el('td', {}, e.actor),
      el('td', {}, e.reason ?? '—'),
      el('td', {}, e.policy ?? '—'),
      el('td', {}, time(e.until)),
    ),
  );
  return table(caption, ['Time', 'Action', 'By', 'Reason', 'Policy', 'Until'], rows);
}

$('review').addEventListener('submit', (event) => {
  event.preventDefault();
  const action = event.submitter.value;
  const reason = $('review-reason').value.trim();
  const body = action === 'claim' ? undefined : reason ? { reason } : {};
  void attempt(async () => {
    const flag = await api(`/flags/${state.open.id}/${action}`, { method: 'POST', body });
    Object.assign(state.open, flag);
    renderFlag();
    report($('outcome'), `Done: ${action}.`);
    await loadHistory();
  }, $('outcome'));
});

$('act').addEventListener('submit', (event) => {
  event.preventDefault();
  const action = event.submitter.value;
  const body = { action };
  const reason = $('act-reason').value.trim();
  if (reason) body.reason = reason;
  if (action === 'mute' || action === 'suspend') body.durationMin = Number($('act-duration').value);
  void attempt(async () => {
    const done = await api(`/users/${encodeURIComponent(state.open.userId)}/actions`, {
      method: 'POST',
      body,
    });
    report(
      $('outcome'),
      done.until ? `Done: ${action} until ${time(done.until)}.` : `Done: ${action}.`,
    );
    await loadHistory();
  }, $('outcome'));
});

// --- the audit log and the counts ------------------------------------------------------------

const auditRows = [];

async function loadAudit(more) {
  const before = more && state.auditNext ? `&before=${encodeURIComponent(state.auditNext)}` : '';
  const page = await api(`/audit?limit=50${before}`);
  if (!more) auditRows.length = 0;
  auditRows.push(...page.entries);
  state.auditNext = page.next;
  const rows = auditRows.map((a) =>
    el(
      'tr',
      {},
      el('td', {}, time(a.createdAt)),
      el('td', {}, a.operatorId),
      el('td', {}, a.action),
      el('td', {}, a.targetId),
      el('td', {}, a.subjectUserId ?? '—'),
    ),
  );
  $('audit-table').replaceChildren(
    table(
      'Reads of users’ content, newest first',
      ['Time', 'Operator', 'Read', 'Target', 'User'],
      rows,
    ),
  );
  $('audit-more').hidden = !state.auditNext;
  report($('audit-status'), '');
}
$('audit-more').addEventListener(
  'click',
  () => void attempt(() => loadAudit(true), $('audit-status')),
);

async function loadStats() {
  const { flags } = await api('/stats');
  const total = flags.reduce((sum, c) => sum + c.n, 0);
  const rows = flags.map((c) =>
    el(
      'tr',
      {},
      el('td', {}, c.status),
      el('td', {}, c.kind),
      el('td', {}, c.priority),
      el('td', {}, c.n),
    ),
  );
  $('stats-table').replaceChildren(
    table(
      `Flags by review state, kind and priority (${total} in all)`,
      ['Status', 'Kind', 'Priority', 'Flags'],
      rows,
    ),
  );
  report($('stats-status'), `Counted at ${new Date().toLocaleTimeString()}.`);
}
$('stats-refresh').addEventListener('click', () => void attempt(loadStats, $('stats-status')));

if (session.token) start();
