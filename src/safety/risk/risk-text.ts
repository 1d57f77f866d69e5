import type { RiskLanguage } from './risk-reading.js';

/**
 * The text as the risk rules read it: NFKC (full-width letters and punctuation become ASCII),
 * lower case, zero-width characters dropped, symbols inside words read as the letters they hide
 * ("k!ll" -> "kill", "su1c1de" -> "suicide", "s*icide" -> "suicide"), quoted spans taken out
 * (read apart, as lyrics and quotes), spaces beside Chinese characters removed so that "想 kms"
 * and "想kms" read the same.
 *
 * Very long messages: the first and last MAX_READ / 2 characters are read. The chat accepts at
 * most MESSAGE_MAX_CHARS (default 4,000, at most 100,000), so in practice everything is read.
 */
export const MAX_READ = 100_000;

export interface PreparedText {
  /** The message without its quoted spans (each replaced by `⟪q⟫`). */
  text: string;
  /** The quoted spans, normalised the same way. */
  quoted: string[];
  lang: RiskLanguage;
}

const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff\u00ad]/g;
const APOSTROPHE = /[’‘`´]/g;
const QUOTED =
  /"([^"\n]{1,300})"|“([^”\n]{1,300})”|「([^」\n]{1,300})」|『([^』\n]{1,300})』|《([^》\n]{1,300})》|(?<![\p{L}\p{N}])'([^'\n]{2,300})'(?![\p{L}\p{N}])/gu;
const SPACE_BY_HAN = /(?<=\p{Script=Han})[ \t]+|[ \t]+(?=\p{Script=Han})/gu;
const SPACES = /[ \t\u00a0\u3000]+/g;
const HIDDEN_I = /(?<=[a-z])[!1|](?=[a-z])/g;
const HIDDEN_A = /(?<=[a-z])@(?=[a-z])/g;
const HIDDEN_S = /(?<=[a-z])\$(?=[a-z])/g;
const HIDDEN_O = /(?<=[a-z])0(?=[a-z])/g;
const HIDDEN_E = /(?<=[a-z])3(?=[a-z])/g;
const STARRED = /[a-z]{0,12}\*[a-z*]{0,12}/g;
/** Words people hide with a star; a starred word of the same length is read as the first it fits. */
const STARRED_WORDS = [
  'suicide',
  'suicidal',
  'kill',
  'die',
  'dead',
  'myself',
  'harm',
  'rape',
  'cut',
];

function unstar(word: string): string {
  if (word.length < 3) return word;
  for (const candidate of STARRED_WORDS) {
    if (candidate.length !== word.length) continue;
    let fits = true;
    for (let i = 0; i < word.length && fits; i++) {
      fits = word[i] === '*' || word[i] === candidate[i];
    }
    if (fits) return candidate;
  }
  return word;
}

/** Letters spelt out one by one ("d i e", "k i l l"): read as the word. */
const SPELT_OUT = /\b(?:[a-z] ){2,}[a-z]\b/g;

function clean(text: string): string {
  return text
    .replace(SPELT_OUT, (letters) => letters.replace(/ /g, ''))
    .replace(HIDDEN_I, 'i')
    .replace(HIDDEN_A, 'a')
    .replace(HIDDEN_S, 's')
    .replace(HIDDEN_O, 'o')
    .replace(HIDDEN_E, 'e')
    .replace(STARRED, unstar)
    .replace(SPACE_BY_HAN, '')
    .replace(SPACES, ' ')
    .trim();
}

const HAN = /\p{Script=Han}/gu;
const LATIN_WORD = /[a-z]{2,}/g;

/**
 * `mixed` when both scripts carry words: at least a fifth of the words are in the other one
 * (a Chinese character counted as two thirds of a word, the usual length of a Chinese word).
 */
export function detectRiskLanguage(text: string): RiskLanguage {
  const han = text.match(HAN)?.length ?? 0;
  const latin = text.match(LATIN_WORD)?.length ?? 0;
  if (han === 0) return 'en';
  if (latin === 0) return 'zh';
  const hanWords = han / 1.5;
  const minority = Math.min(hanWords, latin) / (hanWords + latin);
  if (minority >= 0.2) return 'mixed';
  return hanWords > latin ? 'zh' : 'en';
}

export function prepareText(raw: string): PreparedText {
  const read =
    raw.length > MAX_READ ? `${raw.slice(0, MAX_READ / 2)}\n${raw.slice(-MAX_READ / 2)}` : raw;
  const base = read
    .normalize('NFKC')
    .toLowerCase()
    .replace(ZERO_WIDTH, '')
    .replace(APOSTROPHE, "'");
  const quoted: string[] = [];
  const text = base.replace(QUOTED, (...groups: unknown[]) => {
    for (let i = 1; i <= 6; i++) {
      const inner = groups[i];
      if (typeof inner === 'string') {
        quoted.push(clean(inner));
        break;
      }
    }
    return ' ⟪q⟫ ';
  });
  const cleaned = clean(text);
  return { text: cleaned, quoted, lang: detectRiskLanguage(base) };
}

const SENTENCE_END = /[.!?。！？;；\n…]+/;

export function splitSentences(text: string): string[] {
  return text
    .split(SENTENCE_END)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
