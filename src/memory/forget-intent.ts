/**
 * "Forget that" said in chat. Either the last thing the user said (`last`), or whatever they
 * said about a topic (`topic`, with the words naming it). Deliberately narrow: a false positive
 * deletes memories, so only clear, direct requests count.
 */
export type ForgetIntent = { scope: 'last' } | { scope: 'topic'; topic: string };

const EN_LAST =
  /^\s*(please\s+)?(just\s+)?(forget|don'?t remember|do not remember|erase|delete)\s+(that|this|it|what i (just )?(said|told you))\s*(please)?[.!]*\s*$/i;
const EN_TOPIC =
  /\b(?:please\s+)?(?:forget|erase|delete|don'?t remember|do not remember|stop remembering)\s+(?:everything\s+|anything\s+|what\s+i\s+(?:said|told\s+you)\s+)?(?:about|regarding|on)\s+(.{2,80}?)\s*[.!]*\s*$/i;
const ZH_LAST =
  /^\s*(请|麻烦)?(你)?(把)?(这个|那个|这件事|那件事|刚才(说)?的|我刚才说的)?(忘了吧|忘掉吧|忘了|忘掉|别记着|不要记住|别记住|删掉)[吧吗。！!]*\s*$/;
const ZH_LAST_AFTER =
  /^\s*(请|麻烦)?(你)?(别记住|不要记住|别记着|忘掉|删掉)(这个|那个|这件事|那件事|它|刚才(说)?的|我刚才说的)[吧吗。！!]*\s*$/;
const ZH_TOPIC =
  /(?:请|麻烦)?(?:你)?(?:把)?(?:关于|有关)(.{1,30}?)的(?:事|事情|东西|内容|那些)?(?:都)?(?:忘了吧|忘掉|忘了|别记着|不要记住|别记住|删掉)/;

export function detectForget(text: string): ForgetIntent | null {
  const trimmed = text.trim();
  if (trimmed.length > 200) return null;
  if (EN_LAST.test(trimmed) || ZH_LAST.test(trimmed) || ZH_LAST_AFTER.test(trimmed))
    return { scope: 'last' };
  const en = EN_TOPIC.exec(trimmed);
  if (en?.[1]) return { scope: 'topic', topic: stripPossessive(en[1]) };
  const zh = ZH_TOPIC.exec(trimmed);
  if (zh?.[1]) return { scope: 'topic', topic: zh[1].replace(/^我的?/, '').trim() };
  return null;
}

function stripPossessive(topic: string): string {
  return topic.replace(/^(my|the|our)\s+/i, '').trim();
}
