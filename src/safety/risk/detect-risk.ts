import {
  levelAt,
  levelRank,
  RISK_CATEGORIES,
  type RiskCategory,
  type RiskEvidence,
  type RiskReading,
} from './risk-reading.js';
import {
  ACCIDENT,
  ANCHOR,
  ASKED,
  CHILD,
  COMPLETED,
  EVERYDAY,
  FEAR_OWN_URGE,
  FICTION,
  IMMINENT_ABUSE,
  JOKE,
  MEANS_HARM,
  MEANS_SUICIDE,
  NEGATOR_EN,
  NEGATOR_ZH,
  PAST,
  PLACE_HARM,
  PLAN,
  RECENT,
  RECOVERED,
  RULES,
  SERIOUS,
  SERIOUS_HARM,
  stripNotNegatorsEn,
  stripNotNegatorsZh,
  SUBJECT_EN,
  SUBJECT_ZH,
  TIME,
  type RiskRule,
} from './risk-rules.js';
import { prepareText, splitSentences } from './risk-text.js';

/**
 * Reads one message for the user's own present risk of suicide, self-harm, harming someone, or
 * abuse they suffer (see risk-reading.ts for what each level asks of the turn).
 *
 * Every rule match (risk-rules.ts) starts at the rule's level and is then read in its place:
 *
 * 1. Who it is about: the reflexive word in the match ("myself" / "herself"), else the nearest
 *    subject before it in the clause (I, someone else, people in general); none means the user.
 *    Someone else's risk is at most `medium` (`low` when it is over), people in general `low`.
 * 2. Negated ("I'd never", "我不会") or asked about by someone ("my therapist asked if I"): `low`.
 * 3. Over ("used to", "years ago", "以前") without a sign it is back ("again", "又"): `low`.
 * 4. Quoted, a song or a title (quoted spans are read apart): `none`. A game or a story: `none`.
 * 5. A joke (lol, 😂, 哈哈) with a small everyday cause (homework, Monday, 加班) and no despair
 *    beside it: hyperbole, `none`; a joke alone lowers a present crisis to `medium`.
 * 6. A present crisis of the user is raised to `critical` by a plan, means, a time, an attempt
 *    under way or danger at the door; a threat to someone is raised by seriousness, a place,
 *    means, a plan or a time; two different signs of despair make `high`.
 *
 * Linear in the message: each sentence is tested once against a cheap anchor before the rules
 * run, look-behind windows are bounded, and at most MAX_MATCHES matches are read.
 */
export function detectRisk(text: string): RiskReading {
  const prepared = prepareText(typeof text === 'string' ? text : '');
  const lang = prepared.lang;
  if (prepared.text.length === 0 && prepared.quoted.length === 0) {
    return { level: 'none', categories: [], evidence: [], lang };
  }
  const message = prepared.text;
  const context: MessageContext = {
    joke: JOKE.test(message),
    everyday: EVERYDAY.test(message),
    serious: SERIOUS.test(message) || SERIOUS_HARM.test(message),
    plan: PLAN.test(message),
    meansSuicide: MEANS_SUICIDE.test(message),
    meansHarm: MEANS_HARM.test(message),
    time: TIME.test(message),
    place: PLACE_HARM.test(message),
    seriousHarm: SERIOUS_HARM.test(message),
    fearOwnUrge: FEAR_OWN_URGE.test(message),
    child: CHILD.test(message),
    imminentAbuse: IMMINENT_ABUSE.test(message),
    recovered: RECOVERED.test(message),
  };

  const found: Finding[] = [];
  let budget = MAX_MATCHES;
  for (const sentence of splitSentences(message)) {
    if (budget <= 0) break;
    if (!ANCHOR.test(sentence)) continue;
    budget -= readSentence(sentence, context, found, budget);
  }
  for (const quote of prepared.quoted) {
    if (budget <= 0) break;
    if (!ANCHOR.test(quote)) continue;
    budget -= readQuote(quote, found, budget);
  }
  return summarise(found, context, lang);
}

/** Enough to decide any message; a message repeating a phrase thousands of times stops here. */
const MAX_MATCHES = 64;
/** How far before a match its subject, negation and clause are looked for (characters). */
const LOOK_BACK = 120;
const NEGATION_WINDOW_EN = 40;
const NEGATION_WINDOW_ZH = 8;

interface MessageContext {
  joke: boolean;
  everyday: boolean;
  serious: boolean;
  plan: boolean;
  meansSuicide: boolean;
  meansHarm: boolean;
  time: boolean;
  place: boolean;
  seriousHarm: boolean;
  fearOwnUrge: boolean;
  child: boolean;
  imminentAbuse: boolean;
  /** Recovery is told somewhere in the message ("therapy really helped", 现在已经走出来了). */
  recovered: boolean;
}

type Subject = 'first' | 'third' | 'general';

interface Finding {
  rule: RiskRule;
  /** Level after reading the match in its place. */
  level: number;
  subject: Subject;
  /** The match is the user's own, present, not negated, not hyperbole. */
  own: boolean;
  /** The user's own despair at `medium`, counted towards two signs of despair. */
  despair: boolean;
  /** Start of the match in its sentence and the sentence itself (for telling matches apart). */
  key: string;
  modifiers: Array<{ code: string; weight: number }>;
}

function readSentence(
  sentence: string,
  context: MessageContext,
  found: Finding[],
  budget: number,
): number {
  let used = 0;
  for (const rule of RULES) {
    if (used >= budget) break;
    rule.re.lastIndex = 0;
    let match: RegExpExecArray | null;
    while ((match = rule.re.exec(sentence)) !== null) {
      if (match[0].length === 0) {
        rule.re.lastIndex++;
        continue;
      }
      found.push(readMatch(rule, match, sentence, context));
      if (++used >= budget) break;
    }
  }
  return used;
}

function readQuote(quote: string, found: Finding[], budget: number): number {
  let used = 0;
  for (const rule of RULES) {
    if (used >= budget) break;
    rule.re.lastIndex = 0;
    if (rule.re.test(quote)) {
      found.push({
        rule,
        level: 0,
        subject: 'general',
        own: false,
        despair: false,
        key: `q${used}`,
        modifiers: [{ code: 'lyric_or_quote', weight: -rule.level }],
      });
      used++;
    }
    rule.re.lastIndex = 0;
  }
  return used;
}

function readMatch(
  rule: RiskRule,
  match: RegExpExecArray,
  sentence: string,
  context: MessageContext,
): Finding {
  const start = match.index;
  const end = start + match[0].length;
  const from = Math.max(0, start - LOOK_BACK);
  const before = sentence.slice(from, start);
  const clauseFrom = clauseStart(before);
  const clause = before.slice(clauseFrom);
  const modifiers: Array<{ code: string; weight: number }> = [];
  let level: number = rule.level;
  const lower = (code: string, to: number) => {
    if (to < level) {
      modifiers.push({ code, weight: to - level });
      level = to;
    }
  };

  // Who it is about.
  const subjectFound = findSubject(before);
  const reflexive = match.groups?.r;
  let subject: Subject = 'first';
  if (reflexive !== undefined && reflexive !== '自己') subject = reflexiveSubject(reflexive);
  else if (SPAN_FIRST.test(match[0])) subject = 'first';
  else if (rule.subject || reflexive === '自己') subject = subjectFound?.subject ?? 'first';
  // Negation: between the subject (or the clause start) and the match.
  const negationFrom =
    subjectFound && subjectFound.index >= clauseFrom ? subjectFound.index : clauseFrom;
  const negated = isNegated(before.slice(negationFrom));

  // The rest of the sentence, with this match taken out, for fiction and accidents.
  const around = `${sentence.slice(0, start)} ${sentence.slice(end)}`;
  const span = sentence.slice(start, end);
  const clauseAfter = sentence.slice(end, end + 60).split(CLAUSE_END)[0] ?? '';
  const wholeClause = `${clause}${span}${clauseAfter}`;

  if (rule.kind === 'topic') {
    // A word naming the subject: never more than low.
  } else if (GENERAL_QUESTION.test(sentence) && rule.kind !== 'method') {
    lower('general', 1);
  } else if (subject === 'general' && rule.subject) {
    lower('general', 1);
  } else if (subject === 'third') {
    const over = COMPLETED.test(wholeClause) || isPast(wholeClause, sentence);
    lower('third_person', over ? 1 : 2);
  }
  if (negated) lower('negated', 1);
  else if (ASKED.test(before) && !/\byes\b|说有|说是/.test(sentence)) lower('asked', 1);
  if (isPast(wholeClause, sentence)) lower('past_tense', 1);
  else if (context.recovered && rule.kind !== 'attempt' && !RECENT.test(sentence)) {
    lower('past_tense', 1);
  }
  if (
    rule.category === 'self_harm' &&
    ACCIDENT.test(wholeClause) &&
    !/on purpose|故意/.test(sentence)
  ) {
    lower('accident', 0);
  }
  if (isFiction(around)) lower('fiction', 0);
  if (otherSense(rule, span, sentence.slice(end), before)) lower('other_sense', Math.min(level, 2));
  if (rule.category === 'abuse' && SPORT.test(sentence)) lower('accident', 1);
  if (rule.code === 'suicide.intent.means' && ORDINARY_USE.test(sentence)) lower('other_sense', 1);
  if (rule.code === 'harm_others.armed' && TOOL_USE.test(sentence)) lower('other_sense', 1);
  if ((rule.category === 'abuse' || rule.category === 'harm_others') && EMOTIONAL.test(sentence)) {
    lower('other_sense', Math.min(level, 2));
  }
  if (rule.category === 'harm_others' && GAME.test(sentence)) lower('fiction', 0);
  if (
    rule.kind === 'hopeless' &&
    level === 2 &&
    subject === 'first' &&
    !negated &&
    DEATH_THOUGHT.test(span) &&
    (FREQUENT.test(sentence) || WISHFUL.test(span))
  ) {
    modifiers.push({ code: 'suicide.ideation.frequent', weight: 1 });
    level = 3;
  }

  const personal = rule.kind !== 'topic' && subject === 'first' && !negated && level >= 2;
  // Hyperbole: a joke about an everyday cause, no despair beside it.
  if (personal && context.joke && !context.serious && rule.kind !== 'attempt') {
    if (context.everyday || rule.category === 'harm_others') lower('hyperbole', 0);
    else lower('joke', 2);
  }

  const own = rule.kind !== 'topic' && subject === 'first' && level >= rule.level && level >= 2;
  const despair =
    rule.category === 'suicide' &&
    (rule.kind === 'hopeless' || rule.kind === 'wish') &&
    subject === 'first' &&
    !negated &&
    level === 2 &&
    modifiers.every((m) => m.code === 'other_sense');
  if (own) level = escalate(rule, level, context, span, modifiers);
  return { rule, level, subject, own, despair, key: `${start}:${sentence}`, modifiers };
}

function escalate(
  rule: RiskRule,
  level: number,
  context: MessageContext,
  span: string,
  modifiers: Array<{ code: string; weight: number }>,
): number {
  const raise = (code: string, to: number) => {
    if (to > level) {
      modifiers.push({ code, weight: to - level });
      level = to;
    }
  };
  switch (rule.kind) {
    case 'intent':
    case 'act':
    case 'method':
      if (context.plan) raise('escalation.plan', 4);
      else if (context.meansSuicide) raise('escalation.means', 4);
      else if (context.time) raise('escalation.time', 4);
      break;
    case 'wish':
    case 'farewell':
      if (context.plan) raise('escalation.plan', 4);
      else if (context.meansSuicide && !MEANS_SUICIDE.test(span)) raise('escalation.means', 4);
      break;
    case 'threat': {
      const signs =
        Number(context.seriousHarm) +
        Number(context.place) +
        Number(context.plan) +
        Number(context.meansHarm) +
        Number(context.time);
      if (context.plan || context.meansHarm || signs >= 2) raise('escalation.plan', 4);
      else if (context.seriousHarm) raise('escalation.serious', 3);
      else if (context.place) raise('escalation.place', 3);
      else if (context.time) raise('escalation.time', 3);
      break;
    }
    case 'intrusive':
      if (context.fearOwnUrge && context.child) raise('escalation.fear_own_urge', 3);
      break;
    case 'hopeless':
      // Means at hand (a rope) with a plan beside it; about to jump where one can.
      if (rule.code === 'suicide.means' && context.plan) raise('escalation.plan', 4);
      if (/jump/.test(span) && context.meansSuicide) raise('escalation.means', 4);
      break;
    case 'abuse':
      if (context.imminentAbuse) raise('escalation.imminent', 4);
      break;
    default:
      break;
  }
  return level;
}

function summarise(
  found: Finding[],
  context: MessageContext,
  lang: RiskReading['lang'],
): RiskReading {
  const byCategory = new Map<RiskCategory, number>();
  const evidence = new Map<string, RiskEvidence>();
  const note = (code: string, category: RiskCategory, weight: number) => {
    const key = `${code}|${category}`;
    const had = evidence.get(key);
    if (!had || Math.abs(weight) > Math.abs(had.weight))
      evidence.set(key, { code, category, weight });
  };

  // Two different signs of despair, both the user's own and present, make a crisis.
  const despair = found.filter((f) => f.despair && f.level === 2);
  const distinct = new Set(despair.map((f) => f.key));
  const deeper = found.some((f) => f.own && f.level >= 3 && f.rule.category === 'suicide');
  if (distinct.size >= 2 && !deeper) {
    for (const f of despair) {
      f.level = 3;
      f.modifiers.push({ code: 'hopeless.combined', weight: 1 });
    }
    if (context.plan || context.meansSuicide) {
      for (const f of despair) {
        f.level = 4;
        f.modifiers.push({ code: 'escalation.plan', weight: 1 });
      }
    }
  }

  for (const f of found) {
    const category = f.rule.category;
    if (f.level >= 1) {
      byCategory.set(category, Math.max(byCategory.get(category) ?? 0, f.level));
      note(f.rule.code, category, f.rule.level);
    }
    for (const m of f.modifiers) note(m.code, category, m.weight);
  }
  let top = 0;
  for (const value of byCategory.values()) top = Math.max(top, value);
  const categories = [...byCategory.entries()]
    .filter(([, value]) => value >= 1)
    .sort(([a, x], [b, y]) => y - x || RISK_CATEGORIES.indexOf(a) - RISK_CATEGORIES.indexOf(b))
    .map(([category]) => category);
  const level = levelAt(top);
  const list = [...evidence.values()]
    .filter((e) => levelRank(level) > 0 || e.weight <= 0)
    .sort((a, b) => b.weight - a.weight)
    .slice(0, MAX_EVIDENCE);
  return { level, categories, evidence: list, lang };
}

const MAX_EVIDENCE = 12;

// ---------------------------------------------------------------------------------------------
// Reading a match in its place

const CLAUSE_MARK = /[,，、:：]|\bbut\b|\bthough\b|\bso\b|但是|但|可是|不过|所以/g;
const CLAUSE_END = /[,，、:：]|\bbut\b|但是|可是|不过/;

/** Index in `before` where the match's clause starts. */
function clauseStart(before: string): number {
  let at = 0;
  CLAUSE_MARK.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = CLAUSE_MARK.exec(before)) !== null) at = m.index + m[0].length;
  return at;
}

/** Words the subject list would take for someone, which here name no one. */
const NOT_A_SUBJECT = new Set([
  "it's",
  "that's",
  "what's",
  "there's",
  "here's",
  "who's",
  "where's",
  "how's",
  "let's",
  "everything's",
  "nothing's",
  "life's",
  "today's",
  "tonight's",
  "one's",
  'his',
  'her',
  'their',
  'them',
  'him',
  'you',
  'u',
  'ur',
  'your',
  'one',
]);

interface SubjectAt {
  subject: Subject;
  index: number;
}

/**
 * The nearest subject before the match in its sentence. Object and possessive pronouns and
 * "you" decide nothing; a Chinese pronoun is a subject at the start of a clause or after a verb
 * of saying or thinking ("她说", "说她"), not as an object ("找到他") or possessive ("他家").
 */
function findSubject(before: string): SubjectAt | null {
  let best: SubjectAt | null = null;
  SUBJECT_EN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = SUBJECT_EN.exec(before)) !== null) {
    const word = m[0];
    const groups = m.groups ?? {};
    if (groups.third !== undefined && NOT_A_SUBJECT.has(word)) continue;
    if (
      groups.general === 'one' ||
      (groups.general === 'people' &&
        /\bno (?:one|people)$/.test(before.slice(0, m.index + word.length)))
    )
      continue;
    const subject: Subject = groups.first ? 'first' : groups.general ? 'general' : 'third';
    best = { subject, index: m.index };
  }
  SUBJECT_ZH.lastIndex = 0;
  while ((m = SUBJECT_ZH.exec(before)) !== null) {
    const groups = m.groups ?? {};
    if (m[0] === '你') continue;
    if (groups.third !== undefined && ZH_PRONOUN.test(m[0])) {
      const prev = before.charAt(m.index - 1);
      const next = before.charAt(m.index + m[0].length);
      if (next === '家' || next === '的') continue;
      if (prev !== '' && HAN_CHAR.test(prev) && !SUBJECT_BEFORE_ZH.includes(prev)) continue;
    }
    const subject: Subject = groups.first ? 'first' : groups.general ? 'general' : 'third';
    if (!best || m.index >= best.index) best = { subject, index: m.index };
  }
  return best;
}

/** A match that starts with the user as its subject ("i'll stab her", "i've got a bat"). */
const SPAN_FIRST = /^(?:i|i'?ll|ill|i'?m|im|i'?ve|ive|i'?d)\b|^我(?!们)/;

const ZH_PRONOUN = /^(?:他|她|它|他们|她们)$/;
const HAN_CHAR = /\p{Script=Han}/u;
/** Characters after which a Chinese pronoun starts a clause of its own (说她, 觉得他, 要是他). */
const SUBJECT_BEFORE_ZH = '说讲得现为果是后且道然看怕觉心听问就也都又还';

/** General questions and study: what people do, warning signs, differences, rates. */
const GENERAL_QUESTION =
  /\b(?:what(?:'s| is| are) the (?:difference|warning signs?|signs?|symptoms|definition|meaning|statistics)|why do (?:people|some people|so many)|how (?:common|often) (?:is|are|do)|(?:for|in) (?:a|my) (?:paper|essay|thesis|class|course|psychology class)|i'?m (?:studying|researching|writing (?:a|an) (?:paper|essay|article)))\b|为什么有人|为什么会有人|怎么判断|是什么意思|有什么区别|论文/;

function reflexiveSubject(word: string): Subject {
  const w = word.replace(/\s/g, '');
  if (w.startsWith('my') || w.startsWith('me')) return 'first';
  if (w.startsWith('your') || w.startsWith('ur')) return 'general';
  return 'third';
}

function isNegated(window: string): boolean {
  if (window.length === 0) return false;
  const en = stripNotNegatorsEn(window.slice(-NEGATION_WINDOW_EN))
    .replace(NO_ONE, ' ')
    .replace(ENDS_IN_NT, (word) => (BARE_NEGATIONS.has(word) ? word : ' '));
  if (NEGATOR_EN.test(en)) return true;
  const zh = stripNotNegatorsZh(window.slice(-NEGATION_WINDOW_ZH)).replace(NOT_NEGATING_ZH, '');
  return NEGATOR_ZH.test(zh);
}

/** Words ending in "nt" that are no negation ("want", "went"); "dont", "cant" are kept. */
const ENDS_IN_NT = /\b[a-z]+nt\b/g;
const BARE_NEGATIONS = new Set([
  'dont',
  'cant',
  'wont',
  'isnt',
  'arent',
  'wasnt',
  'werent',
  'didnt',
  'doesnt',
  'havent',
  'hasnt',
  'hadnt',
  'shouldnt',
  'wouldnt',
  'couldnt',
  'aint',
  'mustnt',
]);
const NO_ONE = /\bno (?:one|body)\b|\bnobody\b|\bno-one\b|\bno matter\b|\bno idea\b/g;
const NOT_NEGATING_ZH =
  /有没有|会不会|是不是|要不要|想不想|别人|没人|没有人|没什么|没意思|没意义|不知道|差不多/g;

/**
 * The words of a rule in another sense: living somewhere or somehow ("don't want to live in
 * this city", "tired of living paycheck to paycheck", "不想活在别人的期待里"), a word naming a
 * field or a service ("suicide prevention", "自杀干预"), or "about suicide" after a book, a talk
 * or a class.
 */
function otherSense(rule: RiskRule, span: string, after: string, before: string): boolean {
  if (rule.kind === 'wish' && /(?:live|living)$/.test(span) && LIVING_HOW.test(after)) return true;
  if (
    rule.kind === 'wish' &&
    /不想(?:再)?活$|活不下去$/.test(span) &&
    /^(?:在|成|得)/.test(after) &&
    !/^在(?:这个|这|世|人间)/.test(after)
  ) {
    return true;
  }
  if (rule.kind !== 'topic' && FIELD_AFTER.test(after)) return true;
  if (/^about\b/.test(span) && CONTENT_BEFORE.test(before)) return true;
  return false;
}

const LIVING_HOW =
  /^ (?:in|with|at|near|there|here|on|under|like|alone|by|without|abroad|together|somewhere|close|off|paycheck|from|through|for (?:others|them|him|her|my (?:parents|family)))\b/;
const FIELD_AFTER =
  /^ ?(?:prevention|awareness|hotlines?|helplines?|rates?|statistics|research|survivors?|squad|bombers?|bombing|vests?|attacks?|mission|watch|risk assessment|prevention month|pact (?:in|movie))\b|^(?:式|预防|干预|热线|率|新闻)/;
const CONTENT_BEFORE =
  /\b(?:book|books|article|video|videos|podcast|talk|lecture|paper|post|documentary|reading|read|learning|learned|talking|talked|news|essay|class|course|film|movie|song|research|seminar|training|workshop|reel|thread)\b[^.!?]{0,20}$/;
const EMOTIONAL =
  /\bemotionally\b|\bhurt (?:his|her|their|my) feelings\b|\bmy feelings\b|心里|感情上|伤了我的心/;
const GAME =
  /\b(?:mario ?kart|smash bros|smash|chess|cod|warzone|overwatch|apex|roblox|ranked|tournament|scrim|lobby|raid|pvp|fifa|2k|tekken|street fighter|paintball|laser tag|nerf)\b|游戏里|比赛里/;
const WISHFUL = /fantasi|dream|obsess/;
const DEATH_THOUGHT = /dying|death|being dead|not being here|not existing/;
const FREQUENT =
  /\bevery (?:day|night|single day|morning)\b|\ball the time\b|\bconstantly\b|\bnon ?stop\b|\bcan'?t stop\b|每天|一直|总是|天天/;
const SPORT =
  /\b(?:pillows?|pillow fight|tickl\w*|playfully|jokingly|just kidding|jk|boxing|sparring|spar|karate|judo|mma|jiu ?jitsu|taekwondo|martial arts|wrestling|rugby|football|soccer|hockey|dodgeball|paintball|practice|training|pillow fight|tickle|playfight|play fight)\b|训练|比赛|打球|拳击|打闹|开玩笑|枕头|闹着玩|玩游戏/;

/** Means bought for what they are usually for: a barbecue, a trip, a move, a craft. */
const ORDINARY_USE =
  /\b(?:bbq|barbecue|grill|grilling|camping|camp|hiking|picnic|banner|crafts?|diy|moving|boxes|balloons?|party|garden|aquarium|fish tank)\b|烧烤|露营|野餐|搬家|装修|打包|气球/;

/** A knife, a bat or a gun in its everyday use: a cake, a kitchen, a game, a hunt. */
const TOOL_USE =
  /\b(?:cake|cook|cooking|kitchen|carve|carving|chef|camping|hunting|fishing|game|games|practice|softball|baseball game|range|bbq|barbecue|picnic|fruit|bread|steak|gift|present|birthday|collection)\b|切蛋糕|切水果|做饭|厨房|野餐|比赛|礼物/;

/** Over and done, unless something says it is back or still going on. */
function isPast(clause: string, sentence: string): boolean {
  if (PAST.test(clause)) return !RECENT_AGAIN.test(clause);
  if (RECENT.test(clause)) return false;
  return PAST.test(sentence) && !RECENT.test(sentence);
}

/** What says an old behaviour is back, beside "years ago". */
const RECENT_AGAIN =
  /\bagain\b|\brelaps|\bstill\b|\bright now\b|\btonight\b|又|还是|今晚|现在又|最近又/;

/** Words that name a game or a story only when another such word or a joke is beside them. */
const WEAK_FICTION = new Set([
  'boss',
  'level',
  'play',
  'show',
  'doc',
  'series',
  'league',
  'story',
  'book',
  'character',
  'characters',
]);
const FICTION_ALL = new RegExp(FICTION.source, 'gu');

function isFiction(text: string): boolean {
  FICTION_ALL.lastIndex = 0;
  let weak = 0;
  let m: RegExpExecArray | null;
  while ((m = FICTION_ALL.exec(text)) !== null) {
    if (!WEAK_FICTION.has(m[0])) return true;
    weak++;
  }
  return weak >= 2;
}
