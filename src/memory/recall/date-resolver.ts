import {
  fromYmd,
  monthSpan,
  toYmd,
  weekday,
  weekStart,
  yearSpan,
  type Day,
  type DaySpan,
} from './calendar.js';

/** A date expression found in a text, resolved to calendar days relative to when it was said. */
export interface DateMention {
  /** The words as written. */
  text: string;
  /** Where they start in the text (UTF-16 index). */
  index: number;
  span: DaySpan;
  /** Whether the span depends on when it was said ("yesterday") or not ("8 May 2023"). */
  relative: boolean;
}

interface Context {
  /** The day the text was said on (local calendar). */
  ref: Day;
  /** The sentence talks about the future ("will", "going to", "打算"...). */
  future: boolean;
  /** The sentence talks about a habit ("always", "usually", "总是"): "周日晚上" is no one date. */
  habitual: boolean;
}

interface Rule {
  pattern: RegExp;
  relative: boolean;
  resolve(m: RegExpExecArray, ctx: Context): DaySpan | null;
}

const day = (d: Day): DaySpan => ({ from: d, to: d });

// --- English -----------------------------------------------------------------------------------

const MONTH =
  '(January|February|March|April|May|June|July|August|September|October|November|December|' +
  'Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)';
const WEEKDAY = '(sunday|monday|tuesday|wednesday|thursday|friday|saturday)';
const COUNT =
  '(\\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|' +
  'a couple of|couple of|a few|few|several)';
const UNIT = '(day|week|month|year)s?';
const ORD = '(?:st|nd|rd|th)?';

const COUNT_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
};

/** A count and whether it is vague ("a few"), which widens the span by one unit either side. */
function count(word: string): { n: number; vague: boolean } {
  const w = word.toLowerCase();
  if (/^\d+$/.test(w)) return { n: Number(w), vague: false };
  if (w in COUNT_WORDS) return { n: COUNT_WORDS[w], vague: false };
  if (w.includes('couple')) return { n: 2, vague: true };
  if (w.includes('few')) return { n: 3, vague: true };
  return { n: 4, vague: true }; // several
}

function monthIndex(name: string): number {
  const prefix = name.slice(0, 3).toLowerCase();
  return [
    'jan',
    'feb',
    'mar',
    'apr',
    'may',
    'jun',
    'jul',
    'aug',
    'sep',
    'oct',
    'nov',
    'dec',
  ].indexOf(prefix);
}

/** `n` units before (negative) or after (positive) `ref`, as a span of that unit's size. */
function offsetSpan(ref: Day, n: number, unit: string, vague: boolean): DaySpan | null {
  const u = unit.toLowerCase().replace(/s$/, '');
  const slack = vague ? 1 : 0;
  const { year, month } = toYmd(ref);
  if (u === 'day') {
    return { from: ref + n - slack, to: ref + n + slack };
  }
  if (u === 'week') {
    // "two weeks ago" is about a day two weeks back, give or take half a week.
    const centre = ref + 7 * n;
    return { from: centre - 3 - 7 * slack, to: centre + 3 + 7 * slack };
  }
  if (u === 'month') {
    const from = monthSpan(year, month + n - slack).from;
    return { from, to: monthSpan(year, month + n + slack).to };
  }
  if (u === 'year') {
    return { from: yearSpan(year + n - slack).from, to: yearSpan(year + n + slack).to };
  }
  return null;
}

/** A month and day without a year: the occurrence nearest to `ref` (the next one if future). */
function nearestYear(ctx: Context, month: number, dayOfMonth: number | null): DaySpan {
  const { year } = toYmd(ctx.ref);
  const spans = [year - 1, year, year + 1].map((y) =>
    dayOfMonth === null ? monthSpan(y, month) : day(fromYmd(y, month, dayOfMonth)),
  );
  if (ctx.future) return spans.find((s) => s.to >= ctx.ref) ?? spans[2];
  const distance = (s: DaySpan) =>
    s.to < ctx.ref ? ctx.ref - s.to : s.from > ctx.ref ? s.from - ctx.ref : 0;
  // Ties go to the past: people tell a companion what happened more than what will.
  return spans.reduce((best, s) => (distance(s) < distance(best) ? s : best));
}

function validDate(y: number, m: number, d: number): DaySpan | null {
  if (m < 1 || m > 12 || d < 1 || d > 31) return null;
  const result = fromYmd(y, m, d);
  return toYmd(result).month === m ? day(result) : null;
}

function weekdayIndex(name: string): number {
  return ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'].indexOf(
    name.toLowerCase(),
  );
}

/** The day with weekday `wd` (0 = Sunday) in the Monday-first week `weeksFromNow` from ref's. */
function weekdayInWeek(ref: Day, weeksFromNow: number, wd: number): Day {
  return weekStart(ref) + 7 * weeksFromNow + ((wd + 6) % 7);
}

function weekSpan(ref: Day, weeksFromNow: number, weekendOnly: boolean): DaySpan {
  const monday = weekStart(ref) + 7 * weeksFromNow;
  return weekendOnly ? { from: monday + 5, to: monday + 6 } : { from: monday, to: monday + 6 };
}

const ENGLISH_RULES: Rule[] = [
  {
    pattern: /\b(\d{4})-(\d{1,2})-(\d{1,2})\b/g,
    relative: false,
    resolve: (m) => validDate(+m[1], +m[2], +m[3]),
  },
  {
    pattern: new RegExp(`\\b(\\d{1,2})${ORD}(?: of)? ${MONTH}\\.?,? (\\d{4})\\b`, 'g'),
    relative: false,
    resolve: (m) => validDate(+m[3], monthIndex(m[2]) + 1, +m[1]),
  },
  {
    pattern: new RegExp(`\\b${MONTH}\\.? (\\d{1,2})${ORD},? (\\d{4})\\b`, 'g'),
    relative: false,
    resolve: (m) => validDate(+m[3], monthIndex(m[1]) + 1, +m[2]),
  },
  {
    pattern: new RegExp(`\\b(\\d{1,2})${ORD}(?: of)? ${MONTH}\\b`, 'g'),
    relative: true,
    resolve: (m, ctx) => nearestYear(ctx, monthIndex(m[2]) + 1, +m[1]),
  },
  {
    pattern: new RegExp(`\\b${MONTH}\\.? (\\d{1,2})${ORD}\\b`, 'g'),
    relative: true,
    resolve: (m, ctx) => nearestYear(ctx, monthIndex(m[1]) + 1, +m[2]),
  },
  {
    pattern: new RegExp(`\\b${MONTH},? (\\d{4})\\b`, 'g'),
    relative: false,
    resolve: (m) => monthSpan(+m[2], monthIndex(m[1]) + 1),
  },
  {
    // A bare month needs a preposition ("May" alone is usually the verb) and no day or year
    // after it ("in January 2024" is the rule above).
    pattern: new RegExp(
      `\\b(?:[Ii]n|[Ss]ince|[Dd]uring|[Uu]ntil|[Bb]y|[Ee]arly|[Ll]ate|[Mm]id-?|[Ll]ast|[Tt]his|[Nn]ext) ${MONTH}\\b(?!\\.?,?\\s*\\d)`,
      'g',
    ),
    relative: true,
    resolve: (m, ctx) => {
      const month = monthIndex(m[1]) + 1;
      const word = m[0].toLowerCase();
      const { year } = toYmd(ctx.ref);
      if (word.startsWith('last')) {
        const s = monthSpan(year, month);
        return s.from < ctx.ref && s.to < ctx.ref ? s : monthSpan(year - 1, month);
      }
      if (word.startsWith('next')) {
        const s = monthSpan(year, month);
        return s.from > ctx.ref ? s : monthSpan(year + 1, month);
      }
      if (word.startsWith('this')) return monthSpan(year, month);
      return nearestYear(ctx, month, null);
    },
  },
  {
    pattern: /\b(?:in|since|during|from|by|around|until|of) ((?:19|20)\d{2})\b/gi,
    relative: false,
    resolve: (m) => yearSpan(+m[1]),
  },
  {
    pattern: /\b(?:today|tonight|this (?:morning|afternoon|evening))\b/gi,
    relative: true,
    resolve: (_m, ctx) => day(ctx.ref),
  },
  {
    pattern: /\b(?:the day before yesterday|yesterday|last night)\b/gi,
    relative: true,
    resolve: (m, ctx) => day(ctx.ref - (m[0].toLowerCase().startsWith('the day') ? 2 : 1)),
  },
  {
    pattern: /\b(?:the day after tomorrow|tomorrow)\b/gi,
    relative: true,
    resolve: (m, ctx) => day(ctx.ref + (m[0].toLowerCase().startsWith('the day') ? 2 : 1)),
  },
  {
    pattern: new RegExp(`\\b${COUNT} ${UNIT} (?:ago|back|earlier)\\b`, 'gi'),
    relative: true,
    resolve: (m, ctx) => {
      const { n, vague } = count(m[1]);
      return offsetSpan(ctx.ref, -n, m[2], vague);
    },
  },
  {
    pattern: new RegExp(`\\b(?:in ${COUNT} ${UNIT}|${COUNT} ${UNIT} from now)\\b`, 'gi'),
    relative: true,
    resolve: (m, ctx) => {
      const { n, vague } = count(m[1] ?? m[3]);
      return offsetSpan(ctx.ref, n, m[2] ?? m[4], vague);
    },
  },
  {
    // "the past three weeks", "the last few days": a stretch up to now.
    pattern: new RegExp(`\\b(?:the )?(?:past|last) ${COUNT} ${UNIT}\\b`, 'gi'),
    relative: true,
    resolve: (m, ctx) => {
      const { n } = count(m[1]);
      const back = offsetSpan(ctx.ref, -n, m[2], false);
      return back ? { from: back.from, to: ctx.ref } : null;
    },
  },
  {
    pattern: /\b(last|this|next|past|coming) (week|weekend|month|year)\b/gi,
    relative: true,
    resolve: (m, ctx) => {
      const which = m[1].toLowerCase();
      const unit = m[2].toLowerCase();
      const step = which === 'last' || which === 'past' ? -1 : which === 'this' ? 0 : 1;
      if (which === 'past' && unit === 'week') return { from: ctx.ref - 7, to: ctx.ref - 1 };
      if (unit === 'week' || unit === 'weekend') {
        return weekSpan(ctx.ref, step, unit === 'weekend');
      }
      const { year, month } = toYmd(ctx.ref);
      return unit === 'month' ? monthSpan(year, month + step) : yearSpan(year + step);
    },
  },
  {
    // "last Tuesday" is the latest Tuesday before today (a Thursday's "last Tuesday" is two days
    // back, not nine); "this/next Tuesday" the one in this/next Monday-first week; "on Tuesday"
    // the latest one before today, or the first after it when the sentence is about the future.
    pattern: new RegExp(`\\b(last|this|next|past|coming|on) ${WEEKDAY}\\b`, 'gi'),
    relative: true,
    resolve: (m, ctx) => {
      const which = m[1].toLowerCase();
      const wd = weekdayIndex(m[2]);
      const back = (weekday(ctx.ref) - wd + 7) % 7 || 7;
      const ahead = (wd - weekday(ctx.ref) + 7) % 7 || 7;
      if (which === 'last' || which === 'past') return day(ctx.ref - back);
      if (which === 'this') return day(weekdayInWeek(ctx.ref, 0, wd));
      if (which === 'next') return day(weekdayInWeek(ctx.ref, 1, wd));
      if (which === 'coming') return day(ctx.ref + ahead);
      if (ctx.habitual) return null;
      return day(ctx.future ? ctx.ref + ahead : ctx.ref - back);
    },
  },
];

// --- Chinese -----------------------------------------------------------------------------------

const CN_DIGITS: Record<string, number> = {
  〇: 0,
  零: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const CN_NUM = '[〇零一二两三四五六七八九十]{1,3}';

/** 12, "十二", "二十一", "两", and years written digit by digit ("二〇二三"). */
export function chineseNumber(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  if ([...text].every((c) => c in CN_DIGITS) && text.length >= 2) {
    return Number([...text].map((c) => CN_DIGITS[c]).join(''));
  }
  const ten = text.indexOf('十');
  if (ten < 0) return text.length === 1 && text in CN_DIGITS ? CN_DIGITS[text] : null;
  const tens = ten === 0 ? 1 : CN_DIGITS[text.slice(0, ten)];
  const ones = ten === text.length - 1 ? 0 : CN_DIGITS[text.slice(ten + 1)];
  return tens === undefined || ones === undefined ? null : tens * 10 + ones;
}

const ZH_WEEKDAYS: Record<string, number> = {
  日: 0,
  天: 0,
  '7': 0,
  一: 1,
  '1': 1,
  二: 2,
  '2': 2,
  三: 3,
  '3': 3,
  四: 4,
  '4': 4,
  五: 5,
  '5': 5,
  六: 6,
  '6': 6,
};

function zhWeekOffset(prefix: string | undefined): number {
  switch (prefix) {
    case '上上':
      return -2;
    case '上':
      return -1;
    case '下':
      return 1;
    case '下下':
      return 2;
    default:
      return 0; // 这, 本, or nothing: this week
  }
}

/**
 * 上 and 下 also end everyday words (晚上, 马上, 一下, 楼下): "晚上月光" is not "last month". The
 * relative-week and -month rules start only where 上/下 does not close such a word.
 */
const NOT_AFTER = '(?<![晚早马路身网线楼手天地一乡底私])';

const ZH_UNITS: Record<string, string> = {
  天: 'day',
  日: 'day',
  周: 'week',
  星期: 'week',
  礼拜: 'week',
  月: 'month',
  年: 'year',
};

const CHINESE_RULES: Rule[] = [
  {
    pattern: new RegExp(
      `(\\d{4}|[〇零一二三四五六七八九]{4})年(\\d{1,2}|${CN_NUM})月(\\d{1,2}|${CN_NUM})[日号]`,
      'g',
    ),
    relative: false,
    resolve: (m) => {
      const [y, mo, d] = [m[1], m[2], m[3]].map(chineseNumber);
      return y === null || mo === null || d === null ? null : validDate(y, mo, d);
    },
  },
  {
    pattern: new RegExp(`(\\d{1,2}|${CN_NUM})月(\\d{1,2}|${CN_NUM})[日号]`, 'g'),
    relative: true,
    resolve: (m, ctx) => {
      const [mo, d] = [m[1], m[2]].map(chineseNumber);
      if (mo === null || d === null || !validDate(2000, mo, d)) return null;
      return nearestYear(ctx, mo, d);
    },
  },
  {
    pattern: new RegExp(`(\\d{4}|[〇零一二三四五六七八九]{4})年(\\d{1,2}|${CN_NUM})月`, 'g'),
    relative: false,
    resolve: (m) => {
      const [y, mo] = [m[1], m[2]].map(chineseNumber);
      return y === null || mo === null || mo < 1 || mo > 12 ? null : monthSpan(y, mo);
    },
  },
  {
    pattern: /((?:1[89]|20)\d{2}|[一二][〇零一二三四五六七八九]{3})年/g,
    relative: false,
    resolve: (m) => {
      const y = chineseNumber(m[1]);
      return y === null ? null : yearSpan(y);
    },
  },
  {
    pattern:
      /大前天|前天|前晚|昨天|昨日|昨晚|昨儿|今天|今日|今晚|今早|今儿|明天|明日|明晚|明早|大后天|后天/g,
    relative: true,
    resolve: (m, ctx) => {
      const offsets: Record<string, number> = { 大前: -3, 前天: -2, 前晚: -2, 昨: -1, 今: 0 };
      const w = m[0];
      const offset =
        w === '大后天'
          ? 3
          : w === '后天'
            ? 2
            : w.startsWith('明')
              ? 1
              : (offsets[w.slice(0, 2)] ?? offsets[w.slice(0, 1)] ?? 0);
      return day(ctx.ref + offset);
    },
  },
  {
    pattern: new RegExp(
      `(\\d{1,3}|${CN_NUM}|几)个?(天|日|周|星期|礼拜|月|年)(?:以|之)?(前|后)`,
      'g',
    ),
    relative: true,
    resolve: (m, ctx) => {
      const vague = m[1] === '几';
      const n = vague ? 3 : chineseNumber(m[1]);
      if (n === null) return null;
      return offsetSpan(ctx.ref, m[3] === '前' ? -n : n, ZH_UNITS[m[2]], vague);
    },
  },
  {
    // 每周一 is every Monday, not a date.
    pattern: new RegExp(
      `(?<!每)${NOT_AFTER}(上上|上|这|本|下下|下)?个?(?:周|星期|礼拜)([一二三四五六日天1-7])`,
      'g',
    ),
    relative: true,
    resolve: (m, ctx) =>
      m[1] === undefined && ctx.habitual
        ? null
        : day(weekdayInWeek(ctx.ref, zhWeekOffset(m[1]), ZH_WEEKDAYS[m[2]])),
  },
  {
    pattern: new RegExp(`${NOT_AFTER}(上上|上|这|本|下下|下)个?(?:周|星期|礼拜)(末)?`, 'g'),
    relative: true,
    resolve: (m, ctx) => weekSpan(ctx.ref, zhWeekOffset(m[1]), m[2] === '末'),
  },
  {
    pattern: new RegExp(`${NOT_AFTER}(上上|上|这|本|下下|下)个?月`, 'g'),
    relative: true,
    resolve: (m, ctx) => {
      const { year, month } = toYmd(ctx.ref);
      return monthSpan(year, month + zhWeekOffset(m[1]));
    },
  },
  {
    pattern: /前年|去年|今年|明年|后年/g,
    relative: true,
    resolve: (m, ctx) => {
      const offset = { 前年: -2, 去年: -1, 今年: 0, 明年: 1, 后年: 2 }[m[0]] ?? 0;
      return yearSpan(toYmd(ctx.ref).year + offset);
    },
  },
];

const RULES = [...ENGLISH_RULES, ...CHINESE_RULES];

const FUTURE_CUE =
  /\b(?:will|shall|going to|gonna|plan(?:s|ning)? to|next|tomorrow|upcoming|soon|looking forward|can't wait)\b|'ll\b|打算|准备|计划|将要|就要|快要|明天|下周|下个/i;
const HABIT_CUE =
  /\b(?:always|usually|often|every|each|generally|normally)\b|总是|经常|常常|通常|一般|每/i;
const SENTENCE = /[^.!?。！？\n]+[.!?。！？\n]*/g;

/**
 * Every rule needs one of these words or characters; most turns have none, and one test of this
 * pattern is much cheaper than running every rule.
 */
const MAY_HAVE_DATE =
  /\d|yesterday|today|tonight|tomorrow|morning|afternoon|evening|night|\bago\b|week|month|year|days?\b|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|[年月日号天周星礼晚早昨今]/i;
/** Every Chinese rule's pattern holds a CJK character: a text without one cannot match them. */
const HAS_CJK = /[\u3000-\u9fff]/;
/** Every English rule's pattern needs a Latin letter or a digit. */
const HAS_LATIN_OR_DIGIT = /[a-z0-9]/i;

/**
 * Finds date expressions in `text` (English and Chinese) and resolves them to calendar days,
 * relative to `said`, the day the text was said on. Where two expressions overlap, the one that
 * starts first wins, then the longer ("the day before yesterday" over "yesterday").
 */
export function resolveDates(text: string, said: Day): DateMention[] {
  if (!MAY_HAVE_DATE.test(text)) return [];
  // What each sentence says about time, for the rules that need to know.
  const sentences = [...text.matchAll(SENTENCE)].map((m) => ({
    end: m.index + m[0].length,
    future: FUTURE_CUE.test(m[0]),
    habitual: HABIT_CUE.test(m[0]),
  }));
  const contextAt = (index: number): Context => {
    const s = sentences.find((x) => index < x.end);
    return { ref: said, future: s?.future ?? false, habitual: s?.habitual ?? false };
  };
  // Only the rules that can match this text's script: a turn is re-read on every recall that
  // renders it, and most are in one language.
  const rules = !HAS_CJK.test(text)
    ? ENGLISH_RULES
    : HAS_LATIN_OR_DIGIT.test(text)
      ? RULES
      : CHINESE_RULES;
  const found: DateMention[] = [];
  for (const rule of rules) {
    for (const m of text.matchAll(rule.pattern)) {
      const span = rule.resolve(m, contextAt(m.index));
      if (span) found.push({ text: m[0], index: m.index, span, relative: rule.relative });
    }
  }
  found.sort((a, b) => a.index - b.index || b.text.length - a.text.length);
  const kept: DateMention[] = [];
  let end = -1;
  for (const mention of found) {
    if (mention.index < end) continue;
    kept.push(mention);
    end = mention.index + mention.text.length;
  }
  return kept;
}
