import type { TextLanguage } from './text-emotion.js';

const HAN = /\p{Script=Han}/gu;
const LETTER = /\p{L}/gu;

/** Chinese when at least a fifth of the letters are Han characters, else English. */
export function detectLanguage(text: string): TextLanguage {
  const letters = text.match(LETTER)?.length ?? 0;
  if (letters === 0) return 'en';
  const han = text.match(HAN)?.length ?? 0;
  return han / letters >= 0.2 ? 'zh' : 'en';
}
