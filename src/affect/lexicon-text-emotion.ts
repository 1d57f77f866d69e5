import { DIMENSIONAL_LABELS, EMOTION_PROTOTYPES, nearestLabel } from './emotion-labels.js';
import type { EmotionLabel } from './emotion-labels.js';
import { TEXT_CUES } from './text-emotion.js';
import type { TextCue, TextEmotion, TextEmotionClassifier, TextLanguage } from './text-emotion.js';
import { clamp, round3 } from './robust-statistics.js';
import { PARTIAL_NEGATION } from './text-lexicon.js';
import type { LexiconSlot, TermEntry } from './text-lexicon.js';
import { tokenizeText } from './tokenize-text.js';
import type { TextToken } from './tokenize-text.js';

/** How far back (in tokens, within the clause) a negator or degree word reaches. */
const SCOPE = 3;
/** Weight of what comes before / after the last "but" (as in VADER, Hutto & Gilbert 2014). */
const BEFORE_CONTRAST = 0.5;
const AFTER_CONTRAST = 1.5;
/** Each "!" (up to 4) strengthens the message a little and raises its arousal. */
const EXCLAMATION_GAIN = 0.08;
const MAX_EXCLAMATIONS = 4;
const NON_NEUTRAL = DIMENSIONAL_LABELS.filter((l) => l !== 'neutral');
/** Lexicon output never claims more than this: it cannot read irony or context. */
const MAX_CONFIDENCE = 0.85;

/** The lexicon classifier behind the replaceable interface. */
export class LexiconTextEmotionClassifier implements TextEmotionClassifier {
  classify(text: string, _lang?: TextLanguage): Promise<TextEmotion> {
    // The script of each run of characters decides how it is read, so no hint is needed.
    return Promise.resolve(classifyText(text));
  }
}

interface Hit {
  valence: number;
  arousal: number;
  entry: TermEntry;
  negated: boolean;
  /** Index among hits of the last contrast word before it, for clause weighting. */
  afterContrast: number;
}

interface Scan {
  hits: Hit[];
  contrasts: number;
  exclamations: number;
  cues: Set<TextCue>;
  softenedHedge: boolean;
}

/**
 * Valence, arousal, label and confidence of a message from the lexicon: terms scaled by degree
 * words, flipped and damped by negation, weighted by clause around "but", plus emoji,
 * emoticons and punctuation. See docs/affect.md for the rules and their limits.
 */
export function classifyText(text: string): TextEmotion {
  const tokens = tokenizeText(text);
  const scan = scanTokens(tokens, /[a-z]/.test(text));
  const { hits, cues } = scan;
  if (hits.length === 0) return noEvidence(text, cues);

  let sum = 0;
  let evidence = 0;
  let positive = 0;
  let negative = 0;
  let arousalWeighted = 0;
  const credits = new Map<EmotionLabel, number>();
  for (const hit of hits) {
    const weight = contrastWeight(hit, scan.contrasts);
    const score = hit.valence * weight;
    sum += score;
    evidence += Math.abs(score);
    if (score > 0) positive += score;
    else negative -= score;
    arousalWeighted += Math.abs(score) * hit.arousal;
    for (const [label, credit] of labelCredits(hit)) {
      credits.set(label, (credits.get(label) ?? 0) + credit * weight);
    }
  }
  const exclamations = Math.min(scan.exclamations, MAX_EXCLAMATIONS);
  sum *= 1 + EXCLAMATION_GAIN * exclamations;

  const reassuranceOnly =
    hits.some(isReassuring) && hits.every((h) => isReassuring(h) || Math.abs(h.valence) < 0.3);
  const hedged = reassuranceOnly || scan.softenedHedge || hits.some((h) => h.entry.minimiser);
  if (hedged) cues.add('hedge');
  const mixed = Math.min(positive, negative) >= 0.25;
  if (mixed) cues.add('mixed');

  // "I'm fine" alone is weak evidence of feeling fine: its literal positivity is shrunk.
  const valence = Math.tanh(sum) * (reassuranceOnly ? 0.6 : 1);
  const termArousal = evidence > 0 ? arousalWeighted / evidence : 0;
  const arousal = clamp(
    termArousal * (1 - Math.exp(-2 * evidence)) + punctuationArousal(scan, exclamations),
    -1,
    1,
  );
  const confidence =
    (0.25 + 0.6 * (1 - Math.exp(-1.5 * evidence))) *
    (hedged ? 0.6 : 1) *
    (mixed ? 0.75 : 1) *
    (cues.has('negation') ? 0.9 : 1);
  return {
    valence: round3(valence),
    arousal: round3(arousal),
    label: chooseLabel(credits, valence, arousal),
    confidence: round3(clamp(confidence, 0.05, MAX_CONFIDENCE)),
    hedged,
    cues: orderedCues(cues),
  };
}

function scanTokens(tokens: readonly TextToken[], hasLowerCase: boolean): Scan {
  const scan: Scan = {
    hits: [],
    contrasts: 0,
    exclamations: 0,
    cues: new Set(),
    softenedHedge: false,
  };
  let clauseStart = 0;
  let previousSymbol = '';
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    if (token.kind !== 'symbol') previousSymbol = '';
    switch (token.kind) {
      case 'break':
        clauseStart = index + 1;
        break;
      case 'ellipsis':
        scan.cues.add('trailing_off');
        clauseStart = index + 1;
        break;
      case 'exclaim':
        scan.exclamations += token.count;
        if (token.count >= 2) scan.cues.add('emphasis');
        clauseStart = index + 1;
        break;
      case 'question':
        scan.cues.add('question');
        clauseStart = index + 1;
        break;
      case 'symbol': {
        // A run of the same emoji counts once, plus a little for the repeats.
        const repeat = token.text === previousSymbol;
        previousSymbol = token.text;
        scan.cues.add('emoji');
        scan.hits.push({
          valence: token.entry.valence * (repeat ? 0.3 : 1),
          arousal: token.entry.arousal,
          entry: token.entry,
          negated: false,
          afterContrast: scan.contrasts,
        });
        break;
      }
      case 'word': {
        const slot = token.slot;
        if (!slot) break;
        if (slot.contrast) {
          scan.contrasts++;
          scan.cues.add('contrast');
          clauseStart = index + 1;
        } else if (slot.softener) {
          if (softensNext(tokens, index)) scan.softenedHedge = true;
        } else if (slot.term && !(slot.degree && isTermAt(tokens, index + 1))) {
          scan.hits.push(scoreTerm(tokens, index, clauseStart, slot.term, scan, hasLowerCase));
        }
        break;
      }
    }
  }
  return scan;
}

/**
 * One term's contribution: degree words before it (and Chinese degree suffixes after it)
 * multiply it; the nearest negator in scope flips and damps it ("not happy": -0.6 x happy);
 * a degree word between the negator and the term makes the negation partial ("not very happy").
 */
function scoreTerm(
  tokens: readonly TextToken[],
  index: number,
  clauseStart: number,
  term: TermEntry,
  scan: Scan,
  hasLowerCase: boolean,
): Hit {
  let between = 1;
  let before = 1;
  let negation: number | null = null;
  for (let k = index - 1; k >= Math.max(clauseStart, index - SCOPE); k--) {
    const slot = wordSlot(tokens[k]);
    if (!slot) continue;
    if (slot.negation !== undefined && negation === null) {
      negation = slot.negation;
    } else if (slot.degree !== undefined) {
      if (negation === null) between *= slot.degree;
      else before *= slot.degree;
    } else if (slot.term || slot.contrast) {
      break; // another term ends this one's scope
    }
  }
  let multiplier = between;
  if (negation !== null) {
    multiplier = (between > 1 ? PARTIAL_NEGATION : negation * Math.min(between, 1)) * before;
    scan.cues.add('negation');
  } else if (between > 1) {
    scan.cues.add('intensifier');
  } else if (between < 1) {
    scan.cues.add('diminisher');
  }
  const next = wordSlot(tokens[index + 1]);
  if (next?.postDegree !== undefined) {
    multiplier *= next.postDegree;
    scan.cues.add('intensifier');
  }
  const token = tokens[index];
  if (token.kind === 'word' && ((token.caps && hasLowerCase) || token.elongated)) {
    multiplier *= 1.25;
    scan.cues.add('emphasis');
  }
  const negated = negation !== null;
  // "not okay" is a clear statement of not being okay, not a damped reassurance.
  const valence = negated && term.reassurance ? -0.5 * before : term.valence * multiplier;
  return {
    valence,
    arousal: negated ? term.arousal * 0.3 : term.arousal,
    entry: term,
    negated,
    afterContrast: scan.contrasts,
  };
}

/** "fine", "没事", and negated worries ("don't worry", "not bad") all say "all is well". */
function isReassuring(hit: Hit): boolean {
  if (hit.negated) return hit.entry.valence < 0;
  return hit.entry.reassurance === true || hit.entry.minimiser === true;
}

/** "just" hedges when a reassurance or tiredness term follows closely ("just fine", "只是累"). */
function softensNext(tokens: readonly TextToken[], index: number): boolean {
  for (let k = index + 1; k <= index + 2 && k < tokens.length; k++) {
    const term = wordSlot(tokens[k])?.term;
    if (term) return term.reassurance === true || term.label === 'fatigue';
  }
  return false;
}

function isTermAt(tokens: readonly TextToken[], index: number): boolean {
  const slot = wordSlot(tokens[index]);
  return slot?.term !== undefined;
}

function wordSlot(token: TextToken | undefined): LexiconSlot | undefined {
  return token?.kind === 'word' ? token.slot : undefined;
}

function contrastWeight(hit: Hit, contrasts: number): number {
  if (contrasts === 0) return 1;
  return hit.afterContrast === contrasts ? AFTER_CONTRAST : BEFORE_CONTRAST;
}

/**
 * Which labels a hit supports. A negated positive ("not happy", "不开心" is its own term) reads
 * as mildly sad; a negated negative ("not worried") as mildly calm; a negated label otherwise
 * supports nothing.
 */
function labelCredits(hit: Hit): Array<[EmotionLabel, number]> {
  const strength = Math.abs(hit.valence);
  if (hit.negated) {
    if (hit.entry.valence > 0) return [['sadness', 0.5 * strength]];
    if (hit.entry.valence < 0) return [['calm', 0.3 * strength]];
    return [];
  }
  return hit.entry.label ? [[hit.entry.label, strength]] : [];
}

/**
 * The most supported label, unless it contradicts a clear overall valence (then the most
 * supported label of the right sign, or the nearest prototype of the circumplex).
 */
function chooseLabel(
  credits: ReadonlyMap<EmotionLabel, number>,
  valence: number,
  arousal: number,
): EmotionLabel {
  const ranked = [...credits.entries()].filter(([, c]) => c > 0.05).sort((a, b) => b[1] - a[1]);
  const agrees = (label: EmotionLabel): boolean =>
    Math.abs(valence) < 0.3 || Math.sign(EMOTION_PROTOTYPES[label].valence) === Math.sign(valence);
  const supported = ranked.find(([label]) => agrees(label));
  if (supported) return supported[0];
  // Without label words a clear valence still deserves a feeling, not "neutral".
  return Math.abs(valence) >= 0.15 || Math.abs(arousal) >= 0.4
    ? nearestLabel(valence, arousal, NON_NEUTRAL)
    : 'neutral';
}

function punctuationArousal(scan: Scan, exclamations: number): number {
  let arousal = 0.08 * exclamations;
  if (scan.cues.has('emphasis')) arousal += 0.05;
  if (scan.cues.has('trailing_off')) arousal -= 0.1;
  return arousal;
}

/** No emotional words: neutral, with low confidence (the lexicon may simply have missed them). */
function noEvidence(text: string, cues: Set<TextCue>): TextEmotion {
  const arousal = (cues.has('emphasis') ? 0.2 : 0) - (cues.has('trailing_off') ? 0.1 : 0);
  return {
    valence: 0,
    arousal,
    label: 'neutral',
    confidence: text.trim().length >= 12 ? 0.3 : 0.2,
    hedged: false,
    cues: orderedCues(cues),
  };
}

function orderedCues(cues: ReadonlySet<TextCue>): TextCue[] {
  return TEXT_CUES.filter((cue) => cues.has(cue));
}
