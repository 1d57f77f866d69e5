// Appeals (moderators and admins), the admin rules, and the yearly crisis referral counts
// (California SB 243's report) for admins.
import { api } from '/console/api.js';
import { el, report, table, time } from '/console/dom.js';

const $ = (id) => document.getElementById(id);

export function appealsView(ctx) {
  async function load() {
    const { appeals } = await api('/appeals?limit=100');
    const rows = appeals.map((a) =>
      el(
        'tr',
        { 'data-appeal-id': a.id },
        el('td', {}, time(a.createdAt)),
        el('td', {}, a.userId),
        el('td', {}, a.text),
        el(
          'td',
          {},
          ['upheld', 'overturned'].map((outcome) =>
            el(
              'button',
              {
                type: 'button',
                onclick: () => void ctx.attempt(() => resolve(a.id, outcome), $('appeals-status')),
              },
              outcome === 'upheld' ? 'Uphold' : 'Overturn',
            ),
          ),
        ),
      ),
    );
    $('appeals-table').replaceChildren(
      table(
        'Open appeals, oldest first',
        ['Sent', 'User', 'Appeal', 'Answer'],
        rows,
        'No open appeals.',
      ),
    );
  }
  async function resolve(id, outcome) {
    const comment = $('appeal-comment').value.trim();
    if (!comment)
      return report($('appeals-status'), 'Write the comment the user will read first.', true);
    await api(`/appeals/${id}/resolve`, { method: 'POST', body: { outcome, comment } });
    $('appeal-comment').value = '';
    report($('appeals-status'), `Done: ${outcome}.`);
    await load();
  }
  return { load: () => ctx.attempt(load, $('appeals-status')) };
}

export function rulesView(ctx) {
  async function load() {
    const { rules } = await api('/rules');
    const rows = rules.map((r) =>
      el(
        'tr',
        {},
        el('td', {}, r.name),
        el('td', {}, r.kind),
        el('td', {}, el('code', {}, r.pattern)),
        el('td', {}, r.action),
        el('td', {}, r.category),
        el('td', {}, r.priority),
        el(
          'td',
          {},
          el(
            'button',
            {
              type: 'button',
              onclick: () =>
                void ctx.attempt(() => change(r.id, { enabled: !r.enabled }), $('rules-status')),
            },
            r.enabled ? 'Disable' : 'Enable',
          ),
          el(
            'button',
            {
              type: 'button',
              onclick: () => void ctx.attempt(() => remove(r.id), $('rules-status')),
            },
            'Delete',
          ),
        ),
      ),
    );
    $('rules-table').replaceChildren(
      table(
        'Rules, most urgent first',
        ['Name', 'Kind', 'Pattern', 'Action', 'Category', 'Priority', ''],
        rows,
        'No rules.',
      ),
    );
  }
  async function change(id, body) {
    await api(`/rules/${id}`, { method: 'PATCH', body });
    report($('rules-status'), 'Done.');
    await load();
  }
  async function remove(id) {
    await api(`/rules/${id}`, { method: 'DELETE' });
    report($('rules-status'), 'Deleted.');
    await load();
  }
  $('rule-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const body = {
      name: String(form.get('name')).trim(),
      kind: form.get('kind'),
      pattern: String(form.get('pattern')),
      action: form.get('action'),
      category: String(form.get('category')).trim(),
    };
    const reason = String(form.get('userReason')).trim();
    if (reason) body.userReason = reason;
    void ctx.attempt(async () => {
      await api('/rules', { method: 'POST', body });
      event.target.reset();
      report($('rules-status'), 'Rule added: in force on every server within seconds.');
      await load();
    }, $('rules-status'));
  });
  return { load: () => ctx.attempt(load, $('rules-status')) };
}

export function reportView(ctx) {
  async function load() {
    const year = Number($('report-year').value);
    const r = await api(`/reports/crisis-referrals?year=${year}`);
    const rows = r.breakdown.map((b) =>
      el(
        'tr',
        {},
        el('td', {}, b.month),
        el('td', {}, b.level),
        el('td', {}, b.category),
        el('td', {}, b.locale),
        el('td', {}, b.events),
        el('td', {}, b.referrals),
      ),
    );
    $('report-table').replaceChildren(
      el(
        'p',
        { 'data-testid': 'report-totals' },
        `${r.year}: ${r.events} crisis protocol replies, ${r.referrals} referrals to crisis services (UTC).`,
      ),
      table(
        'By month, level, category and locale',
        ['Month', 'Level', 'Category', 'Locale', 'Replies', 'Referrals'],
        rows,
      ),
    );
    report($('report-status'), `Counted at ${new Date().toLocaleTimeString()}.`);
  }
  $('report-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void ctx.attempt(load, $('report-status'));
  });
  return { load: () => ctx.attempt(load, $('report-status')) };
}
