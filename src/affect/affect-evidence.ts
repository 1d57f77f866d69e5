import type { EmotionLabel } from './emotion-labels.js';
import type { TextEmotion } from './text-emotion.js';
import type { CueDeviation } from './voice-baseline.js';
import type { VocalTone } from './vocal-tone.js';

/**
 * A short human-readable reason, in English and Chinese, with a stable code for the prompt,
 * the socket event and tests. Wording follows the confidence: "may" / "可能" below 0.6,
 * "likely" / "很可能" above; nothing is ever stated as certain.
 */
export interface Evidence {
  code: string;
  source: 'text' | 'voice' | 'fusion' | 'mood';
  en: string;
  zh: string;
}

/** A deviation this large (in z) is worth mentioning; from 2 it is "much". */
const NOTABLE_Z = 1;
const LARGE_Z = 2;
/** References this unreliable (population norms, one or two clips) are not worth words. */
const MIN_RELIABILITY = 0.5;

const LABEL_WORDS: Readonly<Record<EmotionLabel, { en: string; zh: string }>> = {
  joy: { en: 'joy', zh: '开心' },
  calm: { en: 'calm', zh: '平静' },
  sadness: { en: 'sadness', zh: '难过' },
  loneliness: { en: 'loneliness', zh: '孤独' },
  fatigue: { en: 'tiredness', zh: '疲惫' },
  anxiety: { en: 'anxiety', zh: '焦虑' },
  anger: { en: 'anger', zh: '生气' },
  frustration: { en: 'frustration', zh: '烦躁' },
  neutral: { en: 'no clear emotion', zh: '没有明显情绪' },
};

export function labelWords(label: EmotionLabel): { en: string; zh: string } {
  return LABEL_WORDS[label];
}

export function hedgeWords(confidence: number): { en: string; zh: string } {
  return confidence >= 0.6 ? { en: 'likely', zh: '很可能' } : { en: 'may', zh: '可能' };
}

export function textEvidence(text: TextEmotion): Evidence[] {
  const evidence: Evidence[] = [];
  if (text.label !== 'neutral' && text.confidence >= 0.3) {
    const words = labelWords(text.label);
    evidence.push({
      code: `text_${text.label}`,
      source: 'text',
      en: `words suggest ${words.en}`,
      zh: `文字流露出${words.zh}`,
    });
  }
  if (text.hedged) {
    evidence.push({
      code: 'text_hedged',
      source: 'text',
      en: 'minimising words (like "fine" or "whatever")',
      zh: '用了淡化情绪的说法（如“没事”“随便”）',
    });
  }
  return evidence;
}

interface Phrase {
  en: string;
  zh: string;
}

/**
 * What stands out in the voice against the user's usual: rate and loudness as one phrase
 * ("speaking much slower and quieter than usual" / "说话比平时慢很多、声音更轻"), then pitch,
 * pitch range, spectral tilt, pauses and voice quality, each only when clearly off its usual.
 */
export function voiceEvidence(tone: VocalTone): Evidence[] {
  const d = tone.deviations;
  const evidence: Evidence[] = [];
  if (tone.quality.score < 0.3) {
    evidence.push({
      code: 'voice_clip_unreliable',
      source: 'voice',
      en: 'the recording is too short or noisy to judge the tone',
      zh: '这段语音太短或太嘈杂，难以判断语气',
    });
    return evidence;
  }
  const speaking = speakingPhrase(d.rateWords ?? d.rateSyllables, d.loudness);
  if (speaking) evidence.push({ code: 'voice_speaking', source: 'voice', ...speaking });

  const pitch = d.pitch;
  if (pitch && Math.abs(pitch.z) >= NOTABLE_Z) {
    const up = pitch.z > 0;
    const much = Math.abs(pitch.z) >= LARGE_Z;
    if (pitch.source === 'population') {
      if (Math.abs(pitch.z) >= 1.5) {
        evidence.push({
          code: up ? 'voice_pitch_high_for_range' : 'voice_pitch_low_for_range',
          source: 'voice',
          en: `pitch ${up ? 'higher' : 'lower'} than typical for this voice range`,
          zh: `音调比同音域的一般人${up ? '高' : '低'}`,
        });
      }
    } else if (pitch.reliability >= MIN_RELIABILITY) {
      evidence.push({
        code: up ? 'voice_pitch_higher' : 'voice_pitch_lower',
        source: 'voice',
        en: `pitch ${much ? 'much ' : ''}${up ? 'higher' : 'lower'} than usual`,
        zh: `音调比平时${up ? '高' : '低'}${much ? '很多' : ''}`,
      });
    }
  }
  const simple: Array<[CueDeviation | undefined, string, Phrase | null, Phrase | null]> = [
    [
      d.pitchRange,
      'voice_pitch_range',
      { en: 'pitch range wider than usual', zh: '语调起伏比平时大' },
      { en: 'pitch range narrower than usual (flatter)', zh: '语调比平时平' },
    ],
    [
      d.tilt,
      'voice_tilt',
      { en: 'voice softer and duller than usual', zh: '声音比平时更软、更闷' },
      { en: 'voice brighter and more pressed than usual', zh: '声音比平时更紧、更亮' },
    ],
    [
      d.pauseShare,
      'voice_pauses',
      { en: 'more pauses than usual', zh: '停顿比平时多' },
      { en: 'fewer pauses than usual', zh: '停顿比平时少' },
    ],
    [d.jitter, 'voice_jitter', { en: 'voice less steady than usual', zh: '声音比平时更抖' }, null],
    [d.hnr, 'voice_hnr', null, { en: 'voice rougher than usual', zh: '声音比平时更沙哑' }],
  ];
  for (const [deviation, code, above, below] of simple) {
    if (!deviation || deviation.reliability < MIN_RELIABILITY) continue;
    if (Math.abs(deviation.z) < NOTABLE_Z) continue;
    const phrase = deviation.z > 0 ? above : below;
    if (phrase) {
      evidence.push({
        code: `${code}_${deviation.z > 0 ? 'up' : 'down'}`,
        source: 'voice',
        ...phrase,
      });
    }
  }
  if (tone.baseline.clips < 3) {
    evidence.push({
      code: 'voice_baseline_new',
      source: 'voice',
      en: "still learning this user's usual voice",
      zh: '还在熟悉用户平时的声音',
    });
  }
  return evidence;
}

function speakingPhrase(
  rate: CueDeviation | undefined,
  loudness: CueDeviation | undefined,
): Phrase | null {
  const notable = (d: CueDeviation | undefined): d is CueDeviation =>
    d !== undefined && d.reliability >= MIN_RELIABILITY && Math.abs(d.z) >= NOTABLE_Z;
  const hasRate = notable(rate);
  const hasLoudness = notable(loudness);
  if (!hasRate && !hasLoudness) return null;
  const much = Math.max(hasRate ? Math.abs(rate.z) : 0, hasLoudness ? Math.abs(loudness.z) : 0);
  const muchEn = much >= LARGE_Z ? 'much ' : '';
  const muchZh = much >= LARGE_Z ? '很多' : '';
  const rateEn = hasRate ? (rate.z > 0 ? 'faster' : 'slower') : null;
  const loudEn = hasLoudness ? (loudness.z > 0 ? 'louder' : 'quieter') : null;
  const en = `speaking ${muchEn}${[rateEn, loudEn].filter(Boolean).join(' and ')} than usual`;
  const loudZh = hasLoudness ? (loudness.z > 0 ? '声音更大' : '声音更轻') : '';
  const zh = hasRate
    ? `说话比平时${rate.z > 0 ? '快' : '慢'}${muchZh}${loudZh ? `、${loudZh}` : ''}`
    : `声音比平时${loudness!.z > 0 ? '大' : '轻'}${muchZh}`;
  return { en, zh };
}
