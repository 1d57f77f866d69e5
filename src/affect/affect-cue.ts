import { hedgeWords, labelWords } from './affect-evidence.js';
import type { TurnAffect } from './fuse-affect.js';
import type { MoodSummary } from './mood-trajectory.js';
import type { TextLanguage } from './text-emotion.js';

/** What the prompt's context block says about how the user seems: phrased as cues, never diagnoses. */
export interface AffectCue {
  /** "tired", "anxious"... in the user's language; null when no emotion is clear. */
  feeling: string | null;
  /** "may" / "likely" (或 可能 / 很可能), from the confidence. */
  hedge: string;
  /** Short reasons, already hedged. */
  evidence: string[];
  /** How words and voice disagree, when they do. */
  incongruence: string | null;
  /** How the mood has moved over recent turns, when it has. */
  trend: string | null;
}

/** Below this confidence the block says nothing about the feeling itself. */
export const MIN_CUE_CONFIDENCE = 0.35;
const MAX_EVIDENCE = 3;

const INCONGRUENCE_WORDS: Record<string, { en: string; zh: string }> = {
  positive_words_low_voice: {
    en: 'the words sound fine but the voice sounds low',
    zh: '话说得没事，但声音听起来低落',
  },
  positive_words_tense_voice: {
    en: 'the words sound fine but the voice sounds tense',
    zh: '话说得没事，但声音听起来紧绷',
  },
  negative_words_lively_voice: {
    en: 'the words are sad but the voice sounds lively',
    zh: '话语难过，声音却挺有精神',
  },
};

/**
 * The cue for the prompt, or null when there is nothing worth saying: low confidence, no
 * incongruence and no mood shift leave the model to the words alone.
 */
export function affectCue(
  affect: TurnAffect,
  mood: MoodSummary | null,
  lang: TextLanguage,
): AffectCue | null {
  const confident = affect.confidence >= MIN_CUE_CONFIDENCE && affect.label !== 'neutral';
  const incongruence = affect.incongruence
    ? (INCONGRUENCE_WORDS[affect.incongruence.kind]?.[lang] ?? null)
    : null;
  const shift = mood?.shifts.find((s) => s.confidence >= 0.5) ?? null;
  const trend = shift ? shift.evidence[lang] : null;
  if (!confident && !incongruence && !trend) return null;
  return {
    feeling: confident ? labelWords(affect.label)[lang] : null,
    hedge: hedgeWords(affect.confidence)[lang],
    evidence:
      confident || incongruence
        ? affect.evidence
            .filter((e) => e.source !== 'mood')
            .slice(0, MAX_EVIDENCE)
            .map((e) => e[lang])
        : [],
    incongruence,
    trend,
  };
}
