/**
 * A light English stemmer: inflections only (plural / third person -s, -ed, -ing), then a final
 * -e and -y folded so that "hike", "hikes", "hiked", "hiking" all become "hik" and "study",
 * "studies", "studied" all become "studi". Derivations (-ness, -ation, -er...) are left alone:
 * they change meaning more often than inflections do, and a recall query is short, so a wrong
 * conflation costs more than a missed one. The output is an index key, not a word; it only has to
 * be the same for the query and the documents.
 */
export function stem(word: string): string {
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  let w = stripPlural(word);
  w = stripPastOrProgressive(w);
  if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
  if (w.length > 2 && w.endsWith('y') && !isVowel(w[w.length - 2])) w = `${w.slice(0, -1)}i`;
  return w;
}

function stripPlural(w: string): string {
  if (w.endsWith('ies') && w.length > 4) return `${w.slice(0, -3)}y`;
  // "boxes", "wishes", "classes" -> the -es is the suffix; "hikes" keeps its e (dropped later).
  if (/(?:ss|sh|ch|x|z)es$/.test(w)) return w.slice(0, -2);
  // "class", "bus", "this", "famous", "chaos" end in s without being plurals.
  if (w.endsWith('s') && !/(?:ss|us|is|os)$/.test(w)) return w.slice(0, -1);
  return w;
}

function stripPastOrProgressive(w: string): string {
  // "need", "speed", "agreed": -eed is part of the word (or "agree" + d, which stems the same).
  if (w.endsWith('eed')) return w.endsWith('eeded') ? w.slice(0, -2) : w;
  for (const suffix of ['ing', 'ed']) {
    if (!w.endsWith(suffix)) continue;
    const rest = w.slice(0, -suffix.length);
    // "thing", "bring", "red", "bed": the rest must be a plausible stem with a vowel.
    if (rest.length < 3 || !/[aeiouy]/.test(rest)) return w;
    if (rest.endsWith('i') && suffix === 'ed') return `${rest.slice(0, -1)}y`; // studied
    // "running" -> "run", but "falling", "passing", "buzzing" keep their double letter.
    const last = rest[rest.length - 1];
    if (last === rest[rest.length - 2] && !isVowel(last) && !'lsz'.includes(last)) {
      return rest.slice(0, -1);
    }
    return rest;
  }
  return w;
}

function isVowel(c: string): boolean {
  return 'aeiou'.includes(c);
}
