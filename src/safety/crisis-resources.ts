/**
 * Where a person in crisis can get help now: by the user's locale, from configuration, with
 * defaults for the places the service is known to serve. Pure: no Nest.
 */
export interface CrisisResource {
  /** Stable id, stored with the crisis event (the referral the yearly report counts). */
  id: string;
  name: string;
  /** What to dial or text, as people write it. */
  phone?: string;
  text?: string;
  url?: string;
}

/** Locale (BCP 47, or a language or region alone) -> resources, most specific first. */
export type CrisisResourceTable = Record<string, CrisisResource[]>;

const US_988: CrisisResource = {
  id: 'us-988',
  name: '988 Suicide & Crisis Lifeline',
  phone: '988',
  text: '988',
  url: 'https://988lifeline.org',
};
const CN_12356: CrisisResource = {
  id: 'cn-12356',
  name: '全国心理援助热线',
  phone: '12356',
};

/** Used where configuration names none for a locale. */
export const DEFAULT_CRISIS_RESOURCES: CrisisResourceTable = {
  'en-US': [US_988],
  'en-CA': [{ id: 'ca-988', name: '9-8-8 Suicide Crisis Helpline', phone: '988', text: '988' }],
  'en-GB': [{ id: 'uk-samaritans', name: 'Samaritans', phone: '116 123' }],
  'en-IE': [{ id: 'ie-samaritans', name: 'Samaritans', phone: '116 123' }],
  'en-AU': [{ id: 'au-lifeline', name: 'Lifeline', phone: '13 11 14' }],
  'zh-CN': [CN_12356],
  'zh-TW': [{ id: 'tw-1925', name: '安心專線', phone: '1925' }],
  zh: [CN_12356],
  en: [US_988],
};

/** Emergency numbers by region, for "if you are in danger right now". */
const EMERGENCY: Record<string, string> = {
  US: '911',
  CA: '911',
  GB: '999',
  IE: '112',
  AU: '000',
  NZ: '111',
  CN: '120',
  TW: '119',
  HK: '999',
  SG: '995',
};

/**
 * The resources for a locale: the exact tag, then language-region (a script subtag such as
 * zh-Hant-TW is skipped), then the language, then the reply language's, then English's; and the
 * region's emergency number when it is known.
 */
export function crisisResourcesFor(
  table: CrisisResourceTable,
  locale: string | null,
  lang: 'en' | 'zh',
): { locale: string; resources: CrisisResource[]; emergency: string | null } {
  const candidates: string[] = [];
  let region: string | undefined;
  if (locale) {
    const parts = locale.split('-');
    const language = parts[0].toLowerCase();
    region = parts
      .slice(1)
      .find((p) => /^[A-Za-z]{2}$/.test(p))
      ?.toUpperCase();
    candidates.push(locale);
    if (region) candidates.push(`${language}-${region}`);
    candidates.push(language);
  }
  candidates.push(lang, 'en');
  const emergency = region ? (EMERGENCY[region] ?? null) : null;
  for (const key of candidates) {
    const found = table[key] ?? DEFAULT_CRISIS_RESOURCES[key];
    if (found?.length) return { locale: key, resources: found, emergency };
  }
  return { locale: 'en', resources: [US_988], emergency };
}
