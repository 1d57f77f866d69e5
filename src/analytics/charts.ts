import type { ActivityDay } from './activity-metrics.js';
import type { RetentionRow } from './retention.js';

/**
 * The two pictures analysts see, drawn here as SVG (no script, no external reference): the
 * retention triangle (cohort x period heat map) and DAU with MAU and stickiness over time. Pure.
 */

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const FONT = 'font-family="system-ui, sans-serif" font-size="11"';
/** The title's: an attribute given twice would make the SVG unreadable. */
const TITLE_FONT = 'font-family="system-ui, sans-serif" font-size="13" font-weight="600"';

/** Rows of one dimension (normally `all`): a row per cohort, a column per offset. */
export function retentionHeatmapSvg(rows: readonly RetentionRow[], title: string): string {
  const cohorts = [...new Set(rows.map((r) => r.cohort))].sort();
  const offsets = [...new Set(rows.map((r) => r.offset))].sort((a, b) => a - b);
  const cell = new Map(rows.map((r) => [`${r.cohort}|${r.offset}`, r]));
  const sizes = new Map(rows.map((r) => [r.cohort, r.size]));
  const left = 150;
  const top = 48;
  const w = 52;
  const h = 20;
  const width = left + offsets.length * w + 20;
  const height = top + Math.max(1, cohorts.length) * h + 30;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}">`,
    `<title>${esc(title)}</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="8" y="18" ${TITLE_FONT}>${esc(title)}</text>`,
    `<text x="8" y="${top - 8}" ${FONT} fill="#555">cohort (users)</text>`,
  ];
  offsets.forEach((o, j) => {
    parts.push(
      `<text x="${left + j * w + w / 2}" y="${top - 8}" ${FONT} text-anchor="middle" fill="#555">+${o}</text>`,
    );
  });
  cohorts.forEach((c, i) => {
    const y = top + i * h;
    parts.push(`<text x="8" y="${y + 14}" ${FONT}>${esc(c)} (${sizes.get(c) ?? 0})</text>`);
    offsets.forEach((o, j) => {
      const r = cell.get(`${c}|${o}`);
      const x = left + j * w;
      if (!r || r.rate === null) {
        parts.push(`<rect x="${x}" y="${y}" width="${w - 2}" height="${h - 2}" fill="#f3f3f3"/>`);
        return;
      }
      const pct = Math.round(r.rate * 1000) / 10;
      parts.push(
        `<rect x="${x}" y="${y}" width="${w - 2}" height="${h - 2}" fill="${heat(r.rate)}"><title>${esc(c)} +${o}: ${r.returned}/${r.size} (${pct}%)</title></rect>`,
        `<text x="${x + w / 2 - 1}" y="${y + 14}" ${FONT} text-anchor="middle" fill="${r.rate > 0.5 ? '#fff' : '#222'}">${pct}%</text>`,
      );
    });
  });
  if (cohorts.length === 0) {
    parts.push(`<text x="8" y="${top + 14}" ${FONT} fill="#777">no cohorts in this range</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

/** Blue, darker for a higher share (0..1). */
function heat(rate: number): string {
  const t = Math.max(0, Math.min(1, rate));
  const l = Math.round(95 - t * 60);
  return `hsl(212, 70%, ${l}%)`;
}

/** DAU and MAU (left axis, users) and stickiness DAU/MAU (right axis, 0-100 %), by day. */
export function dauMauSvg(days: readonly ActivityDay[], title: string): string {
  const width = 720;
  const height = 280;
  const pad = { l: 56, r: 48, t: 32, b: 36 };
  const iw = width - pad.l - pad.r;
  const ih = height - pad.t - pad.b;
  const max = Math.max(1, ...days.map((d) => Math.max(d.dau, d.mau)));
  const x = (i: number) => pad.l + (days.length > 1 ? (i / (days.length - 1)) * iw : iw / 2);
  const y = (v: number) => pad.t + ih - (v / max) * ih;
  const ys = (v: number) => pad.t + ih - v * ih;
  const line = (vals: Array<number | null>, scale: (v: number) => number) =>
    vals
      .map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${scale(v).toFixed(1)}`))
      .filter(Boolean)
      .join(' ');
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}">`,
    `<title>${esc(title)}</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="8" y="18" ${TITLE_FONT}>${esc(title)}</text>`,
    `<line x1="${pad.l}" y1="${pad.t + ih}" x2="${pad.l + iw}" y2="${pad.t + ih}" stroke="#999"/>`,
    `<text x="${pad.l - 6}" y="${pad.t + 4}" ${FONT} text-anchor="end">${max}</text>`,
    `<text x="${pad.l - 6}" y="${pad.t + ih}" ${FONT} text-anchor="end">0</text>`,
    `<text x="${pad.l + iw + 6}" y="${pad.t + 4}" ${FONT}>100%</text>`,
  ];
  if (days.length) {
    parts.push(
      `<text x="${pad.l}" y="${height - 12}" ${FONT}>${esc(days[0].day)}</text>`,
      `<text x="${pad.l + iw}" y="${height - 12}" ${FONT} text-anchor="end">${esc(days[days.length - 1].day)}</text>`,
      `<polyline fill="none" stroke="#9cc3ec" stroke-width="2" points="${line(
        days.map((d) => d.mau),
        y,
      )}"><title>MAU</title></polyline>`,
      `<polyline fill="none" stroke="#1f5fa8" stroke-width="2" points="${line(
        days.map((d) => d.dau),
        y,
      )}"><title>DAU</title></polyline>`,
      `<polyline fill="none" stroke="#d2691e" stroke-width="1.5" stroke-dasharray="4 3" points="${line(
        days.map((d) => d.stickiness),
        ys,
      )}"><title>DAU/MAU</title></polyline>`,
    );
  }
  parts.push(
    `<text x="${pad.l + 8}" y="${pad.t + 12}" ${FONT} fill="#1f5fa8">DAU</text>`,
    `<text x="${pad.l + 48}" y="${pad.t + 12}" ${FONT} fill="#6e9fd0">MAU</text>`,
    `<text x="${pad.l + 88}" y="${pad.t + 12}" ${FONT} fill="#d2691e">DAU/MAU</text>`,
    '</svg>',
  );
  return parts.join('');
}
