import { hedgeWords, textEvidence, voiceEvidence } from './affect-evidence.js';
import type { Evidence } from './affect-evidence.js';
import { nearestLabel } from './emotion-labels.js';
import type { EmotionLabel } from './emotion-labels.js';
import { clamp, round3 } from './robust-statistics.js';
import type { TextEmotion } from './text-emotion.js';
import type { VocalTone } from './vocal-tone.js';

export type IncongruenceKind =
  /** "I'm fine" / "great day" said slowly, quietly, flat: the words may hide a low state. */
  | 'positive_words_low_voice'
  /** Reassuring words in a tense, strained voice. */
  | 'positive_words_tense_voice'
  /** Sad or tired words said in a lively voice: joking, or putting on a brave face. */
  | 'low_words_lively_voice';

export interface Incongruence {
  kind: IncongruenceKind;
  /** 0..1: geometric mean of how clearly the words and how clearly the voice point each way. */
  score: number;
}

export interface TurnAffect {
  /** -1..1, from the words; lowered when the voice contradicts positive words. */
  valence: number;
  /** -1..1; voice relative to the user's usual, words absolute, weighted by confidence. */
  arousal: number;
  label: EmotionLabel;
  /** Primary first, then the other readings (the words' label, the voice's). */
  labels: EmotionLabel[];
  /** 0..1, the mean of the two below. */
  confidence: number;
  valenceConfidence: number;
  arousalConfidence: number;
  hedged: boolean;
  incongruence: Incongruence | null;
  vocal: {
    arousal: number | null;
    tension: number | null;
    hesitancy: number | null;
    confidence: number;
  } | null;
  evidence: Evidence[];
}

/**
 * Words count for arousal at half their confidence: prosody carries arousal far better than
 * the lexicon (Schuller et al. 2011), while valence comes from the words.
 */
const TEXT_AROUSAL_WEIGHT = 0.5;
/** Below this an incongruence is not reported. */
const INCONGRUENCE_THRESHOLD = 0.25;
/** How far a detected incongruence pulls positive words' valence down, per unit of score. */
const INCONGRUENCE_VALENCE_PULL = 0.6;
/** A hedge ("I'm fine") counts as this much claimed positivity on top of the words' valence. */
const HEDGE_POSITIVITY = 0.3;
/** A vocal reading must be at least this confident to add a label of its own. */
const VOICE_LABEL_CONFIDENCE = 0.4;

/** One turn's affect from its words and, for a voice message, its tone. */
export function fuseAffect(text: TextEmotion | null, voice: VocalTone | null): TurnAffect {
  const voiceArousal = voice?.arousal.value ?? null;
  const voiceArousalConfidence = voiceArousal === null ? 0 : voice!.arousal.confidence;
  const textArousalWeight = text ? TEXT_AROUSAL_WEIGHT * text.confidence : 0;
  const weightSum = textArousalWeight + voiceArousalConfidence;
  const arousal =
    weightSum > 0
      ? ((text?.arousal ?? 0) * textArousalWeight + (voiceArousal ?? 0) * voiceArousalConfidence) /
        weightSum
      : 0;
  // Independent evidence: doubts multiply.
  const arousalConfidence = Math.min(
    0.95,
    1 - (1 - textArousalWeight) * (1 - voiceArousalConfidence),
  );

  const incongruence = text && voice ? detectIncongruence(text, voice) : null;
  const pulled =
    incongruence && incongruence.kind !== 'low_words_lively_voice'
      ? INCONGRUENCE_VALENCE_PULL * incongruence.score
      : 0;
  const valence = clamp((text?.valence ?? 0) - pulled, -1, 1);
  const valenceConfidence = text ? text.confidence * (1 - 0.5 * (incongruence?.score ?? 0)) : 0;

  const labels = chooseLabels(text, voice, valence, arousal, incongruence);
  const evidence = [
    ...(text ? textEvidence(text) : []),
    ...(voice ? voiceEvidence(voice) : []),
    ...(incongruence ? [incongruenceEvidence(incongruence)] : []),
  ];
  return {
    valence: round3(valence),
    arousal: round3(arousal),
    label: labels[0],
    labels,
    confidence: round3(text ? (valenceConfidence + arousalConfidence) / 2 : arousalConfidence / 2),
    valenceConfidence: round3(valenceConfidence),
    arousalConfidence: round3(arousalConfidence),
    hedged: text?.hedged ?? false,
    incongruence,
    vocal: voice
      ? {
          arousal: voice.arousal.value,
          tension: voice.tension.value,
          hesitancy: voice.hesitancy.value,
          confidence: voice.arousal.confidence,
        }
      : null,
    evidence,
  };
}

/**
 * Words and voice pointing different ways. Each side's strength is its reading times its
 * confidence (the voice's) or its valence (the words'; a hedge counts as claimed positivity),
 * and the score is their geometric mean, so both must be clear.
 */
export function detectIncongruence(text: TextEmotion, voice: VocalTone): Incongruence | null {
  const claimedOk = clamp(
    Math.max(0, text.valence) + (text.hedged && text.valence > -0.2 ? HEDGE_POSITIVITY : 0),
    0,
    1,
  );
  const textLow =
    text.label === 'sadness' || text.label === 'fatigue' || text.label === 'loneliness'
      ? Math.abs(text.valence)
      : 0;
  const a = voice.arousal.value ?? 0;
  const low = Math.max(0, -a) * voice.arousal.confidence;
  const lively = Math.max(0, a) * voice.arousal.confidence;
  const tense = Math.max(0, voice.tension.value ?? 0) * voice.tension.confidence;

  const candidates: Array<[IncongruenceKind, number]> = [
    ['positive_words_low_voice', Math.sqrt(claimedOk * low)],
    ['positive_words_tense_voice', Math.sqrt(claimedOk * tense)],
    ['low_words_lively_voice', Math.sqrt(textLow * lively)],
  ];
  const [kind, score] = candidates.reduce((best, c) => (c[1] > best[1] ? c : best));
  return score >= INCONGRUENCE_THRESHOLD ? { kind, score: round3(score) } : null;
}

/**
 * Labels the voice can suggest without words: tension (anxiety) and low energy (fatigue). When
 * the voice contradicts positive words, or the words say nothing, the voice's reading leads.
 */
function chooseLabels(
  text: TextEmotion | null,
  voice: VocalTone | null,
  valence: number,
  arousal: number,
  incongruence: Incongruence | null,
): EmotionLabel[] {
  let voiceLabel: EmotionLabel | null = null;
  if (
    voice &&
    (voice.tension.value ?? 0) >= 0.4 &&
    voice.tension.confidence >= VOICE_LABEL_CONFIDENCE
  ) {
    voiceLabel = 'anxiety';
  } else if (
    voice &&
    (voice.arousal.value ?? 0) <= -0.35 &&
    voice.arousal.confidence >= VOICE_LABEL_CONFIDENCE
  ) {
    voiceLabel = 'fatigue';
  }
  const textLabel = text?.label ?? 'neutral';
  let primary: EmotionLabel;
  if (incongruence && incongruence.kind !== 'low_words_lively_voice') {
    primary = voiceLabel ?? nearestLabel(valence, arousal);
  } else if (textLabel === 'neutral' && voiceLabel) {
    primary = voiceLabel;
  } else {
    primary = textLabel;
  }
  const labels = [primary, textLabel, ...(voiceLabel ? [voiceLabel] : [])];
  const unique = [...new Set(labels)];
  // "neutral" next to a real reading adds nothing.
  return unique.length > 1 ? unique.filter((l) => l !== 'neutral') : unique;
}

function incongruenceEvidence(incongruence: Incongruence): Evidence {
  const hedge = hedgeWords(incongruence.score);
  const source = 'fusion' as const;
  const code = `incongruent_${incongruence.kind}`;
  switch (incongruence.kind) {
    case 'positive_words_low_voice':
      return {
        code,
        source,
        en: `the words sound fine but the voice sounds low and flat: ${hedge.en === 'may' ? 'may not be' : 'likely not'} as fine as the words say`,
        zh: `话说得没问题，但声音听起来低沉，${hedge.zh}并不像字面上那么好`,
      };
    case 'positive_words_tense_voice':
      return {
        code,
        source,
        en: `the words sound fine but the voice sounds tense: ${hedge.en === 'may' ? 'may be' : 'likely'} more stressed than the words say`,
        zh: `话说得轻松，但声音听起来紧绷，${hedge.zh}比说的更有压力`,
      };
    case 'low_words_lively_voice':
      return {
        code,
        source,
        en: `the words are low but the voice sounds lively: ${hedge.en === 'may' ? 'may be' : 'likely'} joking or putting on a brave face`,
        zh: `话说得低落，但声音听起来挺有精神，${hedge.zh}是在开玩笑或者硬撑`,
      };
  }
}
