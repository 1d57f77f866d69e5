/**
 * The emotion vocabulary shared by text emotion, vocal tone, fusion and the prompt. Deliberately
 * small: each label should change how a companion replies. Every label has a prototype point in
 * Russell's (1980) circumplex (valence, arousal, both -1..1, 0 = neutral / neither calm nor
 * activated), used to pick a label when only the two dimensions are known.
 */
export const EMOTION_LABELS = [
  'joy',
  'calm',
  'sadness',
  'loneliness',
  'fatigue',
  'anxiety',
  'anger',
  'frustration',
  'neutral',
] as const;

export type EmotionLabel = (typeof EMOTION_LABELS)[number];

export interface EmotionPrototype {
  valence: number;
  arousal: number;
  /** What the label covers, for the prompt and docs. */
  en: string;
  zh: string;
}

export const EMOTION_PROTOTYPES: Readonly<Record<EmotionLabel, EmotionPrototype>> = {
  joy: {
    valence: 0.8,
    arousal: 0.5,
    en: 'happy, excited, grateful, amused',
    zh: '开心、兴奋、感激',
  },
  calm: {
    valence: 0.4,
    arousal: -0.4,
    en: 'content, relaxed, relieved, okay',
    zh: '平静、放松、安心',
  },
  sadness: {
    valence: -0.7,
    arousal: -0.4,
    en: 'sad, down, hurt, disappointed',
    zh: '难过、失落、委屈',
  },
  loneliness: {
    valence: -0.6,
    arousal: -0.3,
    en: 'lonely, left out, missing someone',
    zh: '孤独、想念',
  },
  fatigue: {
    valence: -0.3,
    arousal: -0.7,
    en: 'tired, drained, bored, low energy',
    zh: '累、没劲、无聊',
  },
  anxiety: {
    valence: -0.6,
    arousal: 0.6,
    en: 'worried, nervous, stressed, scared',
    zh: '焦虑、紧张、害怕',
  },
  anger: { valence: -0.8, arousal: 0.8, en: 'angry, furious, outraged', zh: '生气、愤怒' },
  frustration: { valence: -0.5, arousal: 0.3, en: 'annoyed, fed up, stuck', zh: '烦、受挫、无奈' },
  neutral: { valence: 0, arousal: 0, en: 'no clear emotion', zh: '没有明显情绪' },
};

export function isEmotionLabel(value: unknown): value is EmotionLabel {
  return typeof value === 'string' && (EMOTION_LABELS as readonly string[]).includes(value);
}

/** The labels the two dimensions alone can name: all but loneliness. */
export const DIMENSIONAL_LABELS: readonly EmotionLabel[] = EMOTION_LABELS.filter(
  (l) => l !== 'loneliness',
);

/**
 * The label whose prototype is nearest (Euclidean) to a point of the circumplex, among
 * `candidates`. Loneliness needs words about other people, so it is never inferred from the two
 * dimensions alone unless a caller lists it.
 */
export function nearestLabel(
  valence: number,
  arousal: number,
  candidates: readonly EmotionLabel[] = DIMENSIONAL_LABELS,
): EmotionLabel {
  let best: EmotionLabel = 'neutral';
  let bestDistance = Infinity;
  for (const label of candidates) {
    const p = EMOTION_PROTOTYPES[label];
    const distance = (p.valence - valence) ** 2 + (p.arousal - arousal) ** 2;
    if (distance < bestDistance) {
      best = label;
      bestDistance = distance;
    }
  }
  return best;
}
