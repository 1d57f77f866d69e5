// A conversation as operators see it: its messages, the mood timeline drawn as a chart, the turn
// trace of any reply, the user's memories, and takeover (pause the model, write as the
// companion, hand back). Reads are audited by the server.
import { api } from '/console/api.js';
import { details, el, report, table, time } from '/console/dom.js';

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes and children (text set as text). */
function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  for (const child of children) node.append(child instanceof Node ? child : String(child));
  return node;
}

/**
 * The mood timeline: valence (solid) and arousal (dashed) of each reading, -1 at the bottom and
 * 1 at the top, oldest on the left; each point names its label and time on hover. Readings are
 * also listed in a table for screen readers and exact values.
 */
export function moodChart(readings) {
  if (readings.length === 0) return el('p', {}, 'No mood readings in this conversation yet.');
  const w = 640;
  const h = 160;
  const pad = 24;
  const x = (i) =>
    pad + (readings.length === 1 ? (w - 2 * pad) / 2 : (i * (w - 2 * pad)) / (readings.length - 1));
  const y = (v) => pad + ((1 - v) * (h - 2 * pad)) / 2;
  const line = (key) =>
    readings.map((r, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(r[key]).toFixed(1)}`).join(' ');
  const last = readings.at(-1);
  const chart = svg(
    'svg',
    {
      viewBox: `0 0 ${w} ${h}`,
      role: 'img',
      'aria-labelledby': 'mood-title mood-desc',
      class: 'mood-chart',
      'data-points': readings.length,
    },
    svg('title', { id: 'mood-title' }, 'Mood across the conversation'),
    svg(
      'desc',
      { id: 'mood-desc' },
      `${readings.length} readings; the latest: ${last.label}, valence ${last.valence.toFixed(2)}, arousal ${last.arousal.toFixed(2)}.`,
    ),
    svg('line', { x1: pad, x2: w - pad, y1: y(0), y2: y(0), class: 'axis' }),
    svg('text', { x: 2, y: y(1) + 4, class: 'tick' }, '+1'),
    svg('text', { x: 2, y: y(-1) + 4, class: 'tick' }, '−1'),
    svg('path', { d: line('valence'), class: 'valence' }),
    svg('path', { d: line('arousal'), class: 'arousal' }),
    ...readings.map((r, i) =>
      svg(
        'circle',
        { cx: x(i), cy: y(r.valence), r: 3.5, class: 'point' },
        svg('title', {}, `${r.label} (valence ${r.valence.toFixed(2)}), ${time(r.at)}`),
      ),
    ),
  );
  const rows = readings.map((r) =>
    el(
      'tr',
      {},
      el('td', {}, time(r.at)),
      el('td', {}, r.label),
      el('td', {}, r.valence.toFixed(2)),
      el('td', {}, r.arousal.toFixed(2)),
      el('td', {}, r.confidence.toFixed(2)),
      el('td', {}, r.incongruence ?? '—'),
    ),
  );
  return el(
    'figure',
    {},
    chart,
    el('figcaption', {}, 'Valence (solid) and arousal (dashed), oldest on the left.'),
    el(
      'details',
      {},
      el('summary', {}, 'The readings'),
      table(
        'Mood readings, oldest first',
        ['Time', 'Label', 'Valence', 'Arousal', 'Confidence', 'Voice and words'],
        rows,
      ),
    ),
  );
}

/**
 * The conversation view. `ctx` gives what the console shares: `attempt(task, out)` (runs an API
 * call, showing a refusal in `out`), `show(view)` and the signed-in operator (`me()`).
 */
export function conversationView(ctx) {
  let open = null;

  async function load(id) {
    open = await api(`/conversations/${id}?limit=100`);
    render();
  }

  function render() {
    const c = open;
    const mine = c.takenOverBy === ctx.me().operatorId;
    $('conversation-title').textContent = `Conversation of ${c.userId}`;
    $('conversation-details').replaceChildren(
      details([
        ['User', c.userId],
        ['Started', time(c.createdAt)],
        ['Last message', time(c.lastMessageAt)],
        [
          'Held by',
          c.takenOverBy
            ? `${c.takenOverBy} since ${time(c.takenOverAt)} (the model is paused)`
            : 'no one: the companion answers',
        ],
      ]),
    );
    $('take-over').hidden = Boolean(c.takenOverBy);
    $('hand-back').hidden = !c.takenOverBy || !(mine || ctx.me().admin);
    $('operator-say').hidden = !mine;
    $('mood').replaceChildren(moodChart(c.mood));
    const shown = [...c.messages].reverse();
    $('conversation-messages').replaceChildren(
      shown.length
        ? el('ol', { class: 'messages' }, shown.map(messageItem))
        : el('p', {}, 'No messages.'),
    );
  }

  function messageItem(m) {
    const who =
      m.role === 'user'
        ? 'User'
        : m.source === 'operator'
          ? 'Operator (as the companion)'
          : m.source === 'protocol'
            ? 'Crisis protocol'
            : 'Companion';
    return el(
      'li',
      { class: `message ${m.role}`, 'data-message-id': m.id, 'data-source': m.source },
      el(
        'p',
        { class: 'meta' },
        `${who} · ${time(m.createdAt)}${m.withheld ? ' · withheld by the output check' : ''}${m.status !== 'completed' && m.role === 'assistant' ? ` · ${m.status}` : ''}`,
      ),
      el('p', { class: 'text' }, m.deleted ? '(deleted)' : m.content),
      m.role === 'assistant' && m.source !== 'operator'
        ? el(
            'button',
            {
              type: 'button',
              class: 'link',
              onclick: () => void ctx.attempt(() => showTrace(m.id), $('conversation-outcome')),
            },
            'Why this reply',
          )
        : null,
      m.deleted
        ? null
        : el(
            'button',
            {
              type: 'button',
              class: 'link',
              onclick: () => void ctx.attempt(() => remove(m.id), $('conversation-outcome')),
            },
            'Delete',
          ),
    );
  }

  async function showTrace(replyId) {
    const trace = await api(`/turns/${replyId}/trace`);
    $('trace').replaceChildren(
      el('h3', {}, 'Why this reply'),
      details([
        ['Turn', trace.turnId],
        ['Model', trace.model],
        ['Route', trace.route ? `${trace.route.reason} · ${trace.route.promptSet}` : null],
        ['Risk', trace.risk ? `${trace.risk.level} ${trace.risk.categories.join(', ')}` : null],
        [
          'Affect',
          trace.affect?.affect
            ? `${trace.affect.affect.label} (${trace.affect.affect.confidence})`
            : null,
        ],
        ['Recalled', String(trace.recalled?.length ?? 0)],
        ['Degraded', trace.degraded?.map((d) => d.stage).join(', ') || 'no'],
      ]),
      el(
        'details',
        {},
        el('summary', {}, 'The whole trace'),
        el('pre', {}, JSON.stringify(trace, null, 2)),
      ),
    );
  }

  async function remove(messageId) {
    const reason = $('conversation-reason').value.trim();
    await api(`/messages/${messageId}`, { method: 'DELETE', body: reason ? { reason } : {} });
    report($('conversation-outcome'), 'Done: the message is deleted on the user’s devices.');
    await load(open.id);
  }

  $('take-over').addEventListener(
    'click',
    () =>
      void ctx.attempt(async () => {
        const reason = $('conversation-reason').value.trim();
        await api(`/conversations/${open.id}/takeover`, {
          method: 'POST',
          body: reason ? { reason } : {},
        });
        report($('conversation-outcome'), 'You hold the conversation: the model is paused in it.');
        await load(open.id);
      }, $('conversation-outcome')),
  );
  $('hand-back').addEventListener(
    'click',
    () =>
      void ctx.attempt(async () => {
        await api(`/conversations/${open.id}/takeover`, { method: 'DELETE', body: {} });
        report($('conversation-outcome'), 'Handed back: the companion answers again.');
        await load(open.id);
      }, $('conversation-outcome')),
  );
  $('operator-say').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('operator-text').value.trim();
    if (!text) return;
    void ctx.attempt(async () => {
      await api(`/conversations/${open.id}/messages`, { method: 'POST', body: { text } });
      $('operator-text').value = '';
      report($('conversation-outcome'), 'Sent to the user.');
      await load(open.id);
    }, $('conversation-outcome'));
  });
  $('show-memories').addEventListener(
    'click',
    () =>
      void ctx.attempt(async () => {
        const { memories } = await api(`/users/${encodeURIComponent(open.userId)}/memories`);
        const rows = memories.map((m) =>
          el(
            'tr',
            {},
            el('td', {}, m.kind),
            el('td', {}, m.text),
            el('td', {}, m.sensitive ? 'yes' : 'no'),
            el('td', {}, time(m.createdAt)),
          ),
        );
        $('memories').replaceChildren(
          table(
            'What the companion remembers',
            ['Kind', 'Memory', 'Sensitive', 'Learnt'],
            rows,
            'No memories.',
          ),
        );
      }, $('conversation-outcome')),
  );

  return {
    async open(id) {
      ctx.show('conversation');
      report($('conversation-outcome'), '');
      $('trace').replaceChildren();
      $('memories').replaceChildren();
      $('conversation-title').textContent = 'Loading the conversation…';
      await ctx.attempt(async () => {
        await load(id);
        $('conversation-title').focus();
      }, $('conversation-outcome'));
    },
    /** The user wrote in a held conversation, or its holder changed: read it again if open. */
    changed(conversationId) {
      if (open?.id === conversationId && !$('conversation').hidden) {
        void ctx.attempt(() => load(conversationId), $('conversation-outcome'));
      }
    },
  };
}
