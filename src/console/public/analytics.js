// The analytics view of the operator console (docs/analytics.md#the-pictures): the retention
// triangle and the DAU/MAU line, drawn by the server as SVG, for analysts and admins. Kept apart
// from console.js: it adds its own tab and section, and reads the token the console keeps.

import { claimsOf, session } from '/console/api.js';

const ROLES = ['analyst', 'admin'];
const CHARTS = [
  { path: 'charts/retention.svg', alt: 'Retention by cohort: D1, D7 and D30 (the last 30 days)' },
  { path: 'charts/dau-mau.svg', alt: 'Daily and monthly active users and their ratio by day' },
];

const nav = document.querySelector('#workspace nav');
const tab = Object.assign(document.createElement('button'), {
  type: 'button',
  textContent: 'Analytics',
  hidden: true,
});
tab.id = 'analytics-tab';
nav.append(tab);

const section = document.createElement('section');
section.id = 'analytics';
section.className = 'view';
section.hidden = true;
section.setAttribute('aria-labelledby', 'analytics-title');
const title = Object.assign(document.createElement('h2'), { textContent: 'Analytics' });
title.id = 'analytics-title';
const status = Object.assign(document.createElement('p'), { role: 'status' });
status.id = 'analytics-status';
const images = CHARTS.map(({ alt }) => Object.assign(document.createElement('img'), { alt }));
const refresh = Object.assign(document.createElement('button'), {
  type: 'button',
  textContent: 'Refresh',
});
section.append(title, refresh, status, ...images.map((img) => wrap(img)));
nav.parentElement.append(section);

function wrap(img) {
  const figure = document.createElement('figure');
  figure.append(img, Object.assign(document.createElement('figcaption'), { textContent: img.alt }));
  return figure;
}

/** Shows the tab to analysts and admins whenever someone signs in. */
function allow() {
  const claims = claimsOf(session.token ?? '');
  tab.hidden = !claims?.roles.some((r) => ROLES.includes(r));
}
new MutationObserver(allow).observe(document.getElementById('workspace'), {
  attributes: true,
  attributeFilter: ['hidden'],
});
allow();

tab.addEventListener('click', () => {
  for (const view of document.querySelectorAll('.view')) view.hidden = view !== section;
  for (const t of nav.querySelectorAll('button')) t.removeAttribute('aria-current');
  tab.setAttribute('aria-current', 'page');
  void load();
});
refresh.addEventListener('click', () => void load());

async function load() {
  status.textContent = 'Loading…';
  try {
    await Promise.all(
      CHARTS.map(async ({ path }, i) => {
        const res = await fetch(`/v1/operator/analytics/${path}`, {
          headers: { authorization: `Bearer ${session.token}` },
        });
        if (!res.ok) {
          const body = await res.json().catch(() => ({}));
          throw new Error(body.code ?? String(res.status));
        }
        // A data: URL (the page's policy allows images from itself and data: only); as an
        // image, nothing in it could run.
        images[i].src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(await res.text())}`;
      }),
    );
    status.textContent = `Drawn at ${new Date().toLocaleTimeString()}.`;
  } catch (e) {
    status.textContent = `Refused (${e.message})`;
  }
}
