import type { PolicyResult } from './simulate.js';

/**
 * The simulated day as an SVG: traffic, vLLM replicas and queue wait, one panel each, one line
 * per policy; the cron window shaded. Plain string building, no library.
 */
const W = 960;
const PANEL_H = 170;
const GAP = 44;
const LEFT = 64;
const RIGHT = 150;
const TOP = 56;
const COLORS: Record<string, string> = {
  static: '#7f7f7f',
  reactive: '#d62728',
  'cron+reactive': '#1f77b4',
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function dayChart(
  results: PolicyResult[],
  options: { title: string; cronWindow?: { startMin: number; endMin: number } },
): string {
  const minutes = results[0].minutes;
  const n = minutes.length;
  const plotW = W - LEFT - RIGHT;
  const x = (i: number) => LEFT + (i / (n - 1)) * plotW;
  const out: string[] = [];
  const H = TOP + 3 * PANEL_H + 2 * GAP + 40;
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${LEFT}" y="20" font-size="14" font-weight="bold">${esc(options.title)}</text>`,
  );

  const panels: Array<{ label: string; series: Array<{ name: string; values: number[] }> }> = [
    {
      label: 'turns per second',
      series: [{ name: 'traffic', values: minutes.map((m) => m.arrivals / 60) }],
    },
    {
      label: 'vLLM replicas (GPUs)',
      series: results.map((r) => ({ name: r.name, values: r.minutes.map((m) => m.vllmReplicas) })),
    },
    {
      label: 'queue wait, seconds',
      series: results.map((r) => ({ name: r.name, values: r.minutes.map((m) => m.waitSec) })),
    },
  ];

  panels.forEach((panel, p) => {
    const top = TOP + p * (PANEL_H + GAP);
    const bottom = top + PANEL_H;
    const max = niceMax(1.1 * Math.max(1, ...panel.series.flatMap((s) => s.values)));
    const y = (v: number) => bottom - (v / max) * PANEL_H;
    if (options.cronWindow) {
      const w = options.cronWindow;
      const idx = (min: number) => minutes.findIndex((m) => m.minuteOfDay === min);
      const a = idx(w.startMin);
      const b = idx(w.endMin);
      if (a >= 0 && b > a)
        out.push(
          `<rect x="${x(a).toFixed(1)}" y="${top}" width="${(x(b) - x(a)).toFixed(1)}" height="${PANEL_H}" fill="#1f77b4" fill-opacity="0.08"/>`,
        );
    }
    out.push(
      `<rect x="${LEFT}" y="${top}" width="${plotW}" height="${PANEL_H}" fill="none" stroke="#999"/>`,
      `<text x="${LEFT}" y="${top - 6}" font-weight="bold">${esc(panel.label)}</text>`,
    );
    for (let k = 0; k <= 4; k++) {
      const v = (max * k) / 4;
      out.push(
        `<line x1="${LEFT}" x2="${LEFT + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eee"/>`,
        `<text x="${LEFT - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${fmt(v)}</text>`,
      );
    }
    for (let i = 0; i < n; i += 120) {
      const hh = String(Math.floor(minutes[i].minuteOfDay / 60)).padStart(2, '0');
      out.push(
        `<line x1="${x(i).toFixed(1)}" x2="${x(i).toFixed(1)}" y1="${bottom}" y2="${bottom + 4}" stroke="#999"/>`,
        `<text x="${x(i).toFixed(1)}" y="${bottom + 16}" text-anchor="middle">${hh}:00</text>`,
      );
    }
    panel.series.forEach((s, k) => {
      const color = COLORS[s.name] ?? '#2ca02c';
      const d = s.values
        .map((v, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(Math.min(v, max)).toFixed(1)}`)
        .join('');
      out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.5"/>`);
      const ly = top + 14 + k * 16;
      out.push(
        `<line x1="${LEFT + plotW + 10}" x2="${LEFT + plotW + 26}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"/>`,
        `<text x="${LEFT + plotW + 30}" y="${ly}">${esc(s.name)}</text>`,
      );
    });
  });
  out.push(
    `<text x="${LEFT}" y="${H - 10}" fill="#555">local time; shaded: the cron window</text>`,
    '</svg>',
  );
  return out.join('\n') + '\n';
}

function niceMax(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100));
