import { EMOTION_LABELS } from './emotion-labels.js';
import type { EmotionLabel } from './emotion-labels.js';

/** Surface cues a classifier noticed; they explain a result and feed fusion (e.g. hedges). */
export const TEXT_CUES = [
  'negation',
  'intensifier',
  'diminisher',
  'hedge',
  'emoji',
  'emphasis',
  'question',
  'trailing_off',
  'contrast',
  'mixed',
] as const;

export type TextCue = (typeof TEXT_CUES)[number];

export type TextLanguage = 'zh' | 'en';

/**
 * The emotion expressed by the words of one message (typed or transcribed).
 *
 * - `valence`: -1 (very negative) .. 1 (very positive).
 * - `arousal`: -1 (calm, drained) .. 1 (agitated, excited); 0 = neither.
 * - `confidence`: 0..1, how far the words support the result. Lexicon results never exceed 0.85.
 * - `hedged`: minimising or reassuring language ("I'm fine", "just", "whatever", "没事", "随便")
 *   whose literal meaning may hide the actual state; fusion lets the voice weigh in more.
 */
export interface TextEmotion {
  valence: number;
  arousal: number;
  label: EmotionLabel;
  confidence: number;
  hedged: boolean;
  cues: TextCue[];
}

/** Replaceable: the lexicon classifier here, or a small model behind an OpenAI-compatible API. */
export interface TextEmotionClassifier {
  classify(text: string, lang?: TextLanguage): Promise<TextEmotion>;
}

/**
 * JSON schema of TextEmotion, for `response_format: { type: 'json_schema', json_schema: { name:
 * 'text_emotion', strict: true, schema: TEXT_EMOTION_JSON_SCHEMA } }`. Strict mode wants every
 * property required and no additional properties, which TextEmotion satisfies.
 */
export const TEXT_EMOTION_JSON_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['valence', 'arousal', 'label', 'confidence', 'hedged', 'cues'],
  properties: {
    valence: {
      type: 'number',
      minimum: -1,
      maximum: 1,
      description: 'How negative (-1) or positive (1) the message feels; 0 is neutral.',
    },
    arousal: {
      type: 'number',
      minimum: -1,
      maximum: 1,
      description: 'How calm or drained (-1) versus agitated or excited (1); 0 is neither.',
    },
    label: {
      type: 'string',
      enum: [...EMOTION_LABELS],
      description: 'The single best-fitting emotion; neutral when none is expressed.',
    },
    confidence: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      description: 'How clearly the words express this emotion.',
    },
    hedged: {
      type: 'boolean',
      description:
        'True when the message minimises or reassures ("I\'m fine", "whatever", "没事", "随便") so the words may hide the actual feeling.',
    },
    cues: {
      type: 'array',
      items: { type: 'string', enum: [...TEXT_CUES] },
      description: 'Surface cues present in the message.',
    },
  },
} as const;

/** Accepts a TextEmotion-shaped value (e.g. a model's JSON) and clamps it into range. */
export function normalizeTextEmotion(value: unknown): TextEmotion | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const label = v.label;
  if (
    typeof v.valence !== 'number' ||
    typeof v.arousal !== 'number' ||
    typeof v.confidence !== 'number' ||
    typeof label !== 'string' ||
    !(EMOTION_LABELS as readonly string[]).includes(label)
  ) {
    return null;
  }
  const cues = Array.isArray(v.cues)
    ? v.cues.filter((c): c is TextCue => (TEXT_CUES as readonly unknown[]).includes(c))
    : [];
  return {
    valence: clampUnit(v.valence),
    arousal: clampUnit(v.arousal),
    label: label as EmotionLabel,
    confidence: Math.min(1, Math.max(0, Number.isFinite(v.confidence) ? v.confidence : 0)),
    hedged: v.hedged === true,
    cues: [...new Set(cues)],
  };
}

function clampUnit(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(-1, x)) : 0;
}
