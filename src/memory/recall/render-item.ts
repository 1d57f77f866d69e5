import { dayOf, formatDay, formatSpan, type Day } from './calendar.js';
import { resolveDates } from './date-resolver.js';
import type { Speakers } from './recall-corpus.js';
import type { MemoryRecord, TurnRecord } from './recall.types.js';
import { hasCjk } from './text-terms.js';

const lang = (text: string): 'en' | 'zh' => (hasCjk(text) ? 'zh' : 'en');

/**
 * A run of adjacent turns as the prompt shows it (lines, to be joined with "\n"): the day they
 * were said (again whenever it changes), then one line per turn, `Name: text`, with relative
 * dates resolved in place:
 *
 *   [Saturday, 15 July 2023]
 *   Caroline: I went to a support group yesterday (14 July 2023) and it was so powerful.
 *   Melanie: Wow, that's cool!
 *
 * The model cannot know when "yesterday" was without the day it was said on; with the date
 * written next to it, it can answer "when did I..." questions outright.
 */
export function renderTurns(
  turns: readonly TurnRecord[],
  speakers: Speakers,
  timeZone: string,
  turnText: TurnText = plainTurnText,
): string[] {
  const lines: string[] = [];
  let lastDay: Day | null = null;
  for (const turn of turns) {
    const day = dayOf(turn.createdAt, timeZone);
    if (day !== lastDay) lines.push(`[${formatDay(day, lang(turn.content))}]`);
    lastDay = day;
    lines.push(`${speakers[turn.role]}: ${turnText(turn.content, day)}`);
  }
  return lines;
}

/** A turn's text as an item shows it, for the day it was said: one line, dates resolved. */
export type TurnText = (content: string, day: Day) => string;

export const plainTurnText: TurnText = (content, day) => annotateDates(oneLine(content), day);

/** Line breaks inside a message become spaces: one line per turn, and fewer tokens. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * An extracted memory: `[day noted] text`, plus when it happens for events and plans:
 *
 *   [Monday, 8 May 2023] Exam in organic chemistry (when: 12 May 2023)
 */
export function renderMemory(memory: MemoryRecord, timeZone: string): string {
  const l = lang(memory.text);
  const noted = formatDay(dayOf(memory.createdAt, timeZone), l);
  let when = '';
  if (memory.eventSpan) {
    const from = dayOf(memory.eventSpan.from, timeZone);
    const to = Math.max(from, dayOf(memory.eventSpan.to, timeZone));
    when =
      l === 'zh'
        ? `（时间：${formatSpan({ from, to }, l)}）`
        : ` (when: ${formatSpan({ from, to }, l)})`;
  }
  return `[${noted}] ${oneLine(memory.text)}${when}`;
}

/**
 * Writes the resolved date after each relative date expression: "yesterday" -> "yesterday
 * (14 July 2023)", "上周二" -> "上周二（2023年7月4日）". Absolute dates and expressions meaning the day
 * it was said ("today", "tonight") are left as they are: the day header already says it.
 */
export function annotateDates(text: string, said: Day): string {
  const mentions = resolveDates(text, said).filter(
    (m) => m.relative && !(m.span.from === said && m.span.to === said),
  );
  if (mentions.length === 0) return text;
  let out = '';
  let last = 0;
  for (const m of mentions) {
    const end = m.index + m.text.length;
    const l = lang(m.text);
    const date = formatSpan(m.span, l, false);
    out += text.slice(last, end) + (l === 'zh' ? `（${date}）` : ` (${date})`);
    last = end;
  }
  return out + text.slice(last);
}
