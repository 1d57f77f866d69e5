/**
 * "Forget that" said in chat: the last thing the user said (`last`), whatever they said about a
 * topic (`topic`, with the words naming it), or a request whose object or intent is open
 * (`unclear`: the companion asks before deleting anything). Null when the message is no request.
 *
 * A false `last` or `topic` deletes memories, so those need a clear, direct request to the
 * companion, standing as a clause of its own anywhere in the message: "please forget what I just
 * said", "ok whatever. don't bring up my sister again", "刚才那句话忘了吧", "以后别再提我前男友了".
 * Mentions are not requests: "I forgot my keys", "I'll never forget her", "don't forget the
 * party", "my mom told me to forget about him", quotes and titles, hypotheticals ("if I told you
 * to forget…"), questions ("did you forget?", "你忘了吗？"). A request asked as a question
 * ("can you forget that?", "能不能别再提我工作的事了", any "?" in the message), hedged ("maybe
 * you should forget that"), with a vague or pronoun object ("forget some of what I said",
 * "别再提他了"), said alone as "forget it" (often "never mind"), or in a message about a song or
 * a film, is `unclear`. Reported speech ("…, he told me", "他让我…") is never a request.
 *
 * Topics are normalised as test/fixtures/forget/README.md describes: lower case, without a
 * leading possessive or determiner ("my ex" -> "ex", "我前男友" -> "前男友") and without the frame
 * around them ("everything about", "关于…的事").
 *
 * Pure and allocation-light: regular expressions over at most a few clauses, no model.
 */
export type ForgetIntent =
  | { scope: 'last' }
  | { scope: 'topic'; topic: string }
  | { scope: 'unclear'; topic: string | null };

/**
 * What one clause asks. `bare`: the object is "it"/"that" without "please", which reads as
 * "never mind" as often as a request: `alone` counts only when nothing else is said in the
 * message (and then only as `unclear`), `end` is `last` only when nothing follows it in its
 * sentence.
 */
type Hit =
  | { kind: 'last'; bare?: 'end' }
  | { kind: 'topic'; topic: string }
  | { kind: 'unclear'; topic: string | null; bare?: 'alone' };

/** Beyond this, only the first and last sentences (and clauses of a sentence) are read. */
const LONG = 600;
const EDGE_SENTENCES = 2;
const EDGE_CLAUSES = 3;

// ---------------------------------------------------------------------------------------------
// Normalisation and splitting

const QUOTED =
  /"[^"\n]{0,200}"|“[^”\n]{0,200}”|「[^」\n]{0,200}」|『[^』\n]{0,200}』|《[^》\n]{0,200}》|(?<![\p{L}\p{N}])'[^'\n]{1,200}'(?![\p{L}\p{N}])/gu;
const EMOJI = /[\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}\u200d\ufe0f]/gu;
const SPACE_BY_HAN = /(?<=\p{Script=Han})\s+|\s+(?=\p{Script=Han})/gu;
const SENTENCE_END = /[.!。;；\n…~～?]+/;
const CLAUSE_BREAK = /[,，、:：]|\s[-–—]+\s|\s+(?:but|so)\s+(?=(?:please|pls|plz|kindly)\b)/;
/** A quick test: a message with none of these cannot be a request. */
const TRIGGER =
  /forget|erase|delet|wipe|remov|scratch|rememb|stor|sav|keep|memor|bring|mention|ask|remind|talk|clear|purge|rid of|hold on|ignore|disregard|pretend|never said|忘|删|记|提|存|没说|没讲|没问|没听|没看|问|聊|抹|清|去掉/;

function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/🙏/gu, ' please ')
    .replace(/[’‘`´]/g, "'")
    .replace(QUOTED, ' ⟪q⟫ ')
    .replace(EMOJI, ' ')
    .replace(SPACE_BY_HAN, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

function splitSentences(text: string): string[] {
  return text
    .split(SENTENCE_END)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function splitClauses(sentence: string): string[] {
  return sentence
    .split(CLAUSE_BREAK)
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
}

/** Clauses that carry nothing on their own: "ok", "ugh", "算了", "please", "lol". */
const FILLER =
  /^(?:ok(?:ay)?|k|so|oh+|ah+|ugh+|hmm+|um+|uh+|well|yeah|yes|fine|alright|right|whatever|lol|lmao|haha+|please|pls|plz|thanks|thank you|thx|sorry|now|seriously|honestly|actually|算了|唉+|哎+|嗯+|好吧|好的|好|好了|哈哈+|额|呃|那|那就|谢谢|谢啦|拜托|求你了|⟪q⟫)$/;

const POLITE = /\b(?:please|pls|plz|plse|kindly)\b|请|麻烦|拜托|求你|求求你/;
const HYPOTHETICAL_EN = /\b(?:if|what if|imagine|suppose|supposing|in case|unless|whether)\b/;
const HYPOTHETICAL_ZH = /如果|假如|要是|万一|假设|假若|倘若/;
/** "…, he told me", "my mom says…": someone else's words. */
const REPORTED =
  /\b(?:he|she|they|someone|everyone|people|(?:my|his|her|their) [\p{L}-]+)\s+(?:told|tells|said|says|asked|asks|yelled|wrote|texted|keeps saying|always says|would say)\b|(?:他|她|他们|她们|别人|朋友|我妈|我爸|妈妈|爸爸)(?:跟我|对我)?(?:说|讲|告诉我|让我|叫我)/u;
/** "I'd prefer if you…", "it would be nice if you…": a request, not a hypothetical. */
const POLITE_IF =
  /\b(?:prefer|rather|nice|better|great|good|appreciate|love|like|mind)(?: it)? if\b/g;
/** Talk about songs, films and sayings: words in them are quoted even without quote marks. */
const QUOTING =
  /\b(?:lyrics?|song|songs|movie|film|quote|quotes|line from|title|tattoo|motto|saying)\b|歌词|这首歌|那首歌|歌名|台词|名言|书名|电影|一句话叫/;
const PERMANENT_EN = /\b(?:again|anymore|any more|ever|never|from now on|in the future|no more)\b/;
const PERMANENT_ZH = /再|以后|永远|从此|从今以后|从现在(?:开始|起)|都别|都不要/;
const QUESTION_ZH = /能不能|可不可以|可以|能否|^能|你能|吗|好不好|行不行|行吗|好吗/;

// ---------------------------------------------------------------------------------------------
// English

const YOU = String.raw`(?:you|u|ya)`;
const EN_LEAD = new RegExp(
  String.raw`^(?:(?:ok(?:ay)?|k|so|and|but|also|anyway[s]?|actually|hmm+|ugh+|oh+|ah+|well|hey|yeah|yes|no|honestly|seriously|sorry|oops|wait|then|now|just|please|pls|plz|plse|kindly|lol|haha+|you know what|on second thought|in that case|from now on|for now|oh and|right|alright|fine|whatever|nah|⟪q⟫)\s+)+`,
);
const EN_FRAME_DIRECT = new RegExp(
  String.raw`^(?:i (?:want|need) ${YOU} to|i'?d like ${YOU} to|i would like ${YOU} to|i'?m asking ${YOU} to|i'?d (?:love|like|appreciate) it if ${YOU}(?: could| would)?|go ahead and)\s+`,
);
const EN_FRAME_QUESTION = new RegExp(
  String.raw`^(?:can|could|would|can't|cant|couldn't) ${YOU}(?: please| pls| plz| just| maybe)?\s+`,
);
const EN_FRAME_HEDGE = new RegExp(
  String.raw`^(?:(?:maybe|perhaps|i guess|i think|probably) )?(?:${YOU} should|${YOU} could|${YOU} might want to|i wish ${YOU} (?:could|would)|it(?:'?d| would) be (?:nice|better|great|good) if ${YOU}(?: could| would)?)\s+|^(?:maybe|perhaps)\s+`,
);
/** "I don't want you to remember…", "I'd rather you didn't keep…": the same as "don't remember". */
const EN_FRAME_NOT_KEEP = new RegExp(
  String.raw`^(?:i (?:don'?t|do not|dont) want ${YOU} to|i'?d rather ${YOU} (?:didn'?t|did not|not)|i would rather ${YOU} (?:didn'?t|did not|not)|i'?d prefer (?:it )?(?:if )?${YOU} (?:didn'?t|did not|not|wouldn'?t)(?: to)?)\s+(?=remember|keep|store|save|memori|hold on|bring|mention|ask|remind)`,
);

/** "Pretend I never said that": the last thing said. */
const EN_PRETEND =
  /^(?:pretend|act like|act as if)\s+i\s+(?:never|didn'?t|did not)\s+(?:said|say|told you|tell you|wrote|write|sent|send)\s+(?:that|this|it|anything|any of that)$/;
/** "Ignore what I just said": only the last thing said, never a topic. */
const EN_IGNORE = /^(?:ignore|disregard)\s+(?<o>.+)$/;
const EN_FORGET =
  /^(?<v>forget|erase|delete|wipe|remove|scratch|clear|get rid of|purge)(?:\s+(?<o>.*))?$/;
const EN_STOP_KEEP = /^stop (?:remembering|keeping|storing|saving)(?:\s+(?<o>.*))?$/;
const EN_NOT_KEEP =
  /^(?:don'?t|do not|dont|never)\s+(?:ever\s+)?(?:remember|keep|store|save|memori[sz]e|record|write down|note down|hold on to)(?:\s+(?<o>.*))?$/;
const EN_STOP_MENTION =
  /^stop\s+(?<v>bringing up|mentioning|asking (?:me )?about|reminding me (?:about|of)|talking about)\s*(?<o>.+)$/;
const EN_STOP_MENTION_SPLIT = /^stop\s+bringing\s+(?<o>.+?)\s+up(?<rest>.*)$/;
const EN_NOT_MENTION =
  /^(?:don'?t|do not|dont|never)\s+(?:ever\s+)?(?<v>bring up|mention|ask (?:me )?about|remind me (?:about|of)|talk about)\s*(?<o>.+)$/;
const EN_NOT_MENTION_SPLIT =
  /^(?:don'?t|do not|dont|never)\s+(?:ever\s+)?bring\s+(?<o>.+?)\s+up(?<rest>.*)$/;
const EN_COMPLAINT = new RegExp(
  String.raw`^(?:why (?:do|did|would|are) ${YOU} (?:keep |always |still )?|${YOU} (?:always|keep|kept|constantly|still) )(?:bring(?:ing)? up|mention(?:ing)?|ask(?:ing)? about)\s*(?<o>.+)$`,
);
const EN_NOT_TALK =
  /^i (?:don'?t|do not|dont) (?:want|wanna) to (?:talk|hear) about (?<o>.+?)\s+(?:anymore|any more|again|ever again)$/;

const EN_TAIL =
  /(?:(?:\s+|^|(?<=\p{Script=Han}))(?:please|pls|plz|plse|ok(?:ay)?|thanks|thank you|thx|lol|lmao|haha+|for me|for good|forever|completely|entirely|too|again|anymore|any more|ever again|from now on|in the future|at all|either|already|(?:from|in|out of) (?:(?:your|ur|yr) )?(?:memory|memories|mind|head|brain|records?|database|notes))|[吧了哈啊哦呀]+|好吗|吗|好不好|可以吗)$/u;
const EN_MEMORY_TAIL =
  /\s+(?:from|in|out of) (?:(?:your|ur|yr) )?(?:memory|memories|mind|head|brain|records?|database|notes)\b/;

const EN_LAST = new RegExp(
  String.raw`^(?:` +
    String.raw`(?:all of |any of |all )?(?:that|this)|that one|that stuff` +
    String.raw`|that (?:last|previous) (?:message|bit|part|one|thing)|(?:my|the|that) (?:last|previous) (?:message|text|bit|part|msg)` +
    String.raw`|the last thing i (?:said|wrote|sent|told ${YOU})` +
    String.raw`|(?:what|wat|the stuff|the things?|everything|all that) i (?:just |just now )?(?:said|wrote|typed|sent|told ${YOU}|shared|mentioned)(?: to ${YOU})?(?: (?:just now|a (?:minute|second|moment|sec) ago|above|there|right now|earlier just now))?` +
    String.raw`|(?:that )?i (?:ever |just )?(?:said|mentioned|told ${YOU}|brought up) (?:that|anything|it|any of that|this)` +
    String.raw`|i (?:ever |just )?(?:mentioned it|brought (?:it|that|this) up)` +
    String.raw`)$`,
);
const EN_LAST_IT = /^(?:it|about it|about that|all of it)$/;
const EN_JUST_SAID =
  /^(?:everything|all that) i (?:said|wrote|typed|sent|told (?:you|u)|shared|mentioned)$/;
const EN_TIME =
  /^(?:what|wat|the stuff|the things?|everything|anything|all the stuff|stuff) i (?:said|wrote|told (?:you|u)|shared|mentioned)(?: to (?:you|u))? (?:yesterday|last night|earlier|before|the other day|last week|this morning|today|that time|back then|a while ago|in the past|last time|before that)$/;
const EN_VAGUE =
  /^(?:(?:some|a few|a couple|part|parts|certain|a lot|most|one|bits|a bit|stuff|things|whatever)\b.*\b(?:i|i'?ve|i'?d|we|me|my)\b|(?:everything|all of it|all of this|all that stuff|our (?:whole )?(?:conversation|chat|history)s?|the whole (?:conversation|chat)|this (?:conversation|chat))\b)/;
const EN_TOPIC_FRAME = new RegExp(
  String.raw`^(?:(?<head>everything|anything|all|all the (?:stuff|things)|the (?:stuff|things)|stuff|things|what|wat|whatever|the memor(?:y|ies)|any memor(?:y|ies)|memories|(?:all |all the |the |any |any of the )?(?:memories|info|information|details|data))\s+)?` +
    String.raw`(?:(?<rel>(?:that\s+)?(?:${YOU}\s+(?:know|remember|have|learned|stored|saved|kept|heard)|i(?:'ve| have)?\s+(?:just\s+|ever\s+)?(?:said|told ${YOU}|mentioned|shared|written|wrote|typed)(?:\s+to ${YOU})?))\s+)?` +
    String.raw`(?<prep>about|regarding|related to|concerning|to do with|on the subject of|on)\s*(?<topic>.+)$`,
);
const EN_POSSESSIVE = /^my\s+(?<topic>.+)$/;
/** Things of the account, not of what was said: the companion asks. */
const EN_ACCOUNT =
  /^(?:account|data|profile|history|messages?|chats?|conversations?|memory|memories|info|information|details|everything)$/;
const EN_PRONOUN =
  /^(?:him|her|them|he|she|it|that|this|those|these|me|you|us|that guy|that girl|that person|stuff|things|everything|anything|all that|that stuff|this stuff|that thing|this thing|the whole thing|⟪q⟫)$/;
const EN_NOT_TOPIC =
  /\b(?:i|i'm|i'd|i'll|you|he|she|we|they|because|but|if|when|so|which|and then|to|at|with|in front of|for)\b|⟪q⟫/;
const EN_TOPIC_LEAD =
  /^(?:all of |all about |any of |all |any |about )?(?:my|the|our|this|that|these|those)\s+/;

function stripEnTail(o: string): string {
  let out = o.trim();
  for (let i = 0; i < 6; i++) {
    const next = out.replace(EN_TAIL, '').trim();
    if (next === out) break;
    out = next;
  }
  return out;
}

/** The words naming a topic, normalised; null when they name nothing usable. */
function cleanTopic(raw: string): string | null {
  let t = stripEnTail(raw).replace(EN_MEMORY_TAIL, '').trim();
  if (/\p{Script=Han}/u.test(t)) return cleanZhTopic(t.replace(/\s+/g, ''));
  t = t.replace(EN_TOPIC_LEAD, '').trim();
  if (!t || EN_PRONOUN.test(t) || EN_NOT_TOPIC.test(t)) return null;
  if (t.split(/\s+/).length > 5) return null;
  if (!/^[\p{L}\p{N}][\p{L}\p{N}' -]*$/u.test(t)) return null;
  return t;
}

interface EnContext {
  verb: string;
  polite: boolean;
  explicit: boolean;
  strong: boolean;
  memoryTail: boolean;
}

/** The object of "forget/erase/delete…" or "don't remember/stop remembering…". */
function classifyEnObject(raw: string, ctx: EnContext): Hit | null {
  const o = stripEnTail(raw.replace(EN_MEMORY_TAIL, ''));
  if (!o) return null;
  const eager = ctx.polite || ctx.explicit;
  if (EN_LAST_IT.test(o)) {
    if (!ctx.strong && !ctx.memoryTail && !ctx.explicit) return null;
    return eager ? { kind: 'last' } : { kind: 'unclear', topic: null, bare: 'alone' };
  }
  if (EN_TIME.test(o)) return { kind: 'unclear', topic: null };
  const aboutSaid = /^about\s+(?<rest>.+)$/.exec(o);
  if (
    aboutSaid &&
    EN_LAST.test(aboutSaid.groups!.rest) &&
    !EN_JUST_SAID.test(aboutSaid.groups!.rest)
  ) {
    return classifyEnObject(aboutSaid.groups!.rest, ctx);
  }
  if (EN_LAST.test(o) && !EN_JUST_SAID.test(o)) {
    if (!ctx.strong && !ctx.memoryTail && !ctx.explicit) return null;
    if (/^(?:that|this)$/.test(o) && !eager) return { kind: 'last', bare: 'end' };
    return { kind: 'last' };
  }
  const frame = EN_TOPIC_FRAME.exec(o);
  if (frame?.groups && (frame.groups.prep !== 'on' || frame.groups.head || frame.groups.rel)) {
    const topic = cleanTopic(frame.groups.topic);
    if (topic === null) {
      if (
        /\bjust\b/.test(frame.groups.rel ?? '') &&
        EN_LAST_IT.test(`about ${frame.groups.topic}`)
      ) {
        return { kind: 'last' };
      }
      return EN_LAST_IT.test(`about ${stripEnTail(frame.groups.topic)}`)
        ? eager
          ? { kind: 'last' }
          : { kind: 'unclear', topic: null, bare: 'alone' }
        : { kind: 'unclear', topic: null };
    }
    if (frame.groups.head || frame.groups.rel || eager) return { kind: 'topic', topic };
    return { kind: 'unclear', topic, bare: 'alone' };
  }
  if (EN_VAGUE.test(o) || EN_JUST_SAID.test(o)) {
    return ctx.strong || ctx.explicit ? { kind: 'unclear', topic: null } : null;
  }
  const mine = EN_POSSESSIVE.exec(o);
  if (mine?.groups && eager && (ctx.explicit || ctx.memoryTail || ctx.verb === 'forget')) {
    const topic = cleanTopic(mine.groups.topic);
    if (topic && EN_ACCOUNT.test(topic)) return { kind: 'unclear', topic: null };
    return topic ? { kind: 'topic', topic } : null;
  }
  return null;
}

/**
 * The object of "stop bringing up / never mention…". Reminders ("stop reminding me about my
 * deadline") are mostly about tasks the user still wants kept: the companion asks.
 */
function classifyEnMention(raw: string, verb = ''): Hit {
  const topic = cleanTopic(raw);
  if (!topic) return { kind: 'unclear', topic: null };
  return verb.startsWith('remind') ? { kind: 'unclear', topic } : { kind: 'topic', topic };
}

function englishClause(clause: string, sentence: string): Hit | null {
  let c = clause.replace(EN_LEAD, '').trim();
  let polite = POLITE.test(sentence);
  let question = /(?:吗|么|好不好|行不行)$/.test(c);
  let hedge = false;
  let m: RegExpExecArray | null;
  if ((m = EN_FRAME_DIRECT.exec(c))) {
    polite = true;
    c = c.slice(m[0].length).replace(EN_LEAD, '');
  } else if ((m = EN_FRAME_QUESTION.exec(c))) {
    question = true;
    c = c.slice(m[0].length).replace(EN_LEAD, '');
  } else if ((m = EN_FRAME_HEDGE.exec(c))) {
    hedge = true;
    c = c.slice(m[0].length).replace(EN_LEAD, '');
  }
  let notKeep = false;
  if ((m = EN_FRAME_NOT_KEEP.exec(c))) {
    notKeep = true;
    c = `don't ${c.slice(m[0].length)}`;
  }
  const hit = englishBody(c, sentence, polite || notKeep);
  if (!hit) return null;
  if (question || hedge) return asUnclear(hit);
  return hit;
}

function englishBody(c: string, sentence: string, polite: boolean): Hit | null {
  let m: RegExpExecArray | null;
  if ((m = EN_COMPLAINT.exec(c))) {
    return { kind: 'unclear', topic: cleanTopic(m.groups!.o) };
  }
  if ((m = EN_NOT_TALK.exec(c))) {
    return { kind: 'unclear', topic: cleanTopic(m.groups!.o) };
  }
  if ((m = EN_STOP_MENTION_SPLIT.exec(c)) && !stripEnTail(m.groups!.rest)) {
    return classifyEnMention(m.groups!.o);
  }
  if ((m = EN_STOP_MENTION.exec(c))) return classifyEnMention(m.groups!.o, m.groups!.v);
  if ((m = EN_NOT_MENTION_SPLIT.exec(c)) && !stripEnTail(m.groups!.rest)) {
    return PERMANENT_EN.test(sentence) ? classifyEnMention(m.groups!.o) : null;
  }
  if ((m = EN_NOT_MENTION.exec(c))) {
    return PERMANENT_EN.test(sentence) ? classifyEnMention(m.groups!.o, m.groups!.v) : null;
  }
  if ((m = EN_STOP_KEEP.exec(c)) || (m = EN_NOT_KEEP.exec(c))) {
    const o = m.groups?.o ?? '';
    return classifyEnObject(o, {
      verb: 'remember',
      polite,
      explicit: true,
      strong: true,
      memoryTail: false,
    });
  }
  if (EN_PRETEND.test(stripEnTail(c))) return { kind: 'last' };
  if ((m = EN_IGNORE.exec(c))) {
    const o = stripEnTail(m.groups!.o.replace(EN_MEMORY_TAIL, ''));
    return EN_LAST.test(o) &&
      !/^(?:all of |any of |all )?(?:that|this)$|^that one$|^that stuff$/.test(o)
      ? { kind: 'last' }
      : null;
  }
  if ((m = EN_FORGET.exec(c))) {
    const v = m.groups!.v;
    const o = m.groups?.o ?? '';
    return classifyEnObject(o, {
      verb: v,
      polite,
      explicit: false,
      strong: v === 'forget' || v === 'erase' || v === 'delete',
      memoryTail: EN_MEMORY_TAIL.test(` ${o}`),
    });
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Chinese (and Chinese with English words in it)

const ZH_LEAD = String.raw`(?:(?:你能不能|能不能|你可不可以|可不可以|你可以|可以|你能|能否|好吧|好的|好|嗯+|唉+|哎+|诶|额|呃|那就|所以|但是|不过|可是|还有|另外|总之|对了|反正|其实|拜托你|拜托|求求你|求你|麻烦你|麻烦|请你|请|就|算了|也|ok|okay|please|pls|plz|sorry|还是|顺便|然后|以后|从今以后|从此|从现在开始|从现在起|现在|赶紧|快)\s*)*`;
const ZH_TAIL = String.raw`(?:[吧啊哈呀哦喔噢嘛了啦呗嗷哟]|please|pls|plz|谢谢|谢啦|thanks|thx|ok|okay|好吗|好不好|行吗|行不行|可以吗|吗|\s)*`;
const ZH_MID = String.raw`(?:please|pls|plz|\s|你|请你|请|麻烦你|就|都|全部|全都|全|统统|通通|也|以后|从此|永远|再|给我|赶紧|快|帮我|能不能|可不可以|可以|能否|能|从(?:你的)?(?:记忆|脑子|脑海)(?:里|中)?)*`;
const ZH_FORGET_VERB = String.raw`(?:忘掉|忘记掉|忘了(?=吧)|忘记(?=吧)|删掉|删了(?=吧)|删除|删去|抹掉|抹去|清除|清掉|去掉|forget(?: it| that| about it)?|delete(?: it| that)?掉?|erase(?: it| that)?)`;
const ZH_NOT_KEEP_VERB = String.raw`(?:(?:don'?t|do not|dont)\s*(?:remember|keep|save|store)(?:\s*(?:it|that|this))?|(?:别|不要|不用|请不要|请别|千万别|不许|不准)(?:再)?(?:记着|记住|记得|记下来|记下|记|存着|存下来|存起来|存|保存|留着))`;
const ZH_MENTION_VERB = String.raw`(?:别|不要|请不要|请别|千万别|不许|不准)(?:再)?(?:跟我|和我|对我|在我面前)?(?:mention|bring up|提起|提到|提(?![醒前出高交供议案示])|问起|问|说起)`;
const ZH_PRETEND_VERB = String.raw`(?:就)?当(?:作|做|成)?没(?:听见|听到|看见|看到|听过|看过)(?:过)?`;

/** Object first: "把刚才说的忘掉", "关于我姐姐的事，请你忘掉吧", "我的体重你别再提了". */
const ZH_OBJECT_FIRST = new RegExp(
  String.raw`^${ZH_LEAD}(?:把|将)?(?<o>[^,，]{1,40}?)[,，]?\s*(?<mid>${ZH_MID})\s*(?<v>${ZH_FORGET_VERB}|${ZH_NOT_KEEP_VERB}|${ZH_MENTION_VERB}|${ZH_PRETEND_VERB})(?<t>${ZH_TAIL})$`,
);
/** Verb first: "请忘掉我刚才说的话", "别记这个", "以后别再提我前男友了". */
const ZH_VERB_FIRST = new RegExp(
  String.raw`^${ZH_LEAD}(?:你)?(?<mid>(?:以后|从此|永远|再|都|就|也|能不能|可不可以|可以|能否|能|帮我)*)(?<v>忘掉|忘记|忘了|删掉|删除|删了|抹掉|抹去|清除|forget|delete|erase|${ZH_NOT_KEEP_VERB}|${ZH_MENTION_VERB})\s*(?<o>[^,，]{1,40}?)(?<t>${ZH_TAIL})$`,
);
/** "别把这个记下来". */
const ZH_NOT_NOTE = new RegExp(
  String.raw`^${ZH_LEAD}(?:你)?(?:别|不要|请不要|请别|千万别)(?:再)?把(?<o>[^,，]{1,40}?)(?:记下来|记下|记住|记着|存起来|存下来|存着|记在心里|记到心里|放在心上)(?<t>${ZH_TAIL})$`,
);
/** Nothing named: "忘了吧", "赶紧忘掉". */
const ZH_BARE = new RegExp(
  String.raw`^${ZH_LEAD}(?:都|就)?(?<v>忘了吧|忘掉|忘记吧|忘记掉|${ZH_NOT_KEEP_VERB}|${ZH_MENTION_VERB})(?<t>${ZH_TAIL})$`,
);
const ZH_NOT_SAID = new RegExp(
  String.raw`^${ZH_LEAD}(?:(?:刚才|刚刚)(?:的|那句|那段|那些)?(?:话)?)?(?:你)?(?:就)?当(?:作|做|成)?我(?:什么都)?没(?<v>说|讲|问)(?:过)?(?:这句话|这话|这个)?(?<t>${ZH_TAIL})$`,
);
const ZH_COMPLAINT = new RegExp(
  String.raw`^${ZH_LEAD}(?:你)?(?:为什么|干嘛|怎么|为啥)(?:你)?(?:总是|老是|老|总|一直|又)(?:提起|提到|提(?![醒前出高交供议案示])|说起|问)(?<o>[^,，]{1,30}?)(?<t>${ZH_TAIL})$`,
);
const ZH_NOT_TALK = new RegExp(
  String.raw`^${ZH_LEAD}我(?:真的)?(?:不想|不愿意|不要)再(?:聊|提(?![醒前出高交供议案示])|说|谈|讲)(?:起|到)?(?<o>[^,，]{1,30}?)(?<t>${ZH_TAIL})$`,
);

const ZH_RECENT_LEAD =
  /^(?:我)?(?:刚才|刚刚|刚(?=说|讲|发|写))(?:我)?(?:说|讲|发|写)?(?:的)?(?:那|这)?(?:个|句|段|些|条)?(?:话)?[^,，]{0,8}[,，]/;
const ZH_SAID_FRAME =
  /^(?:我|你)?(?<when>之前|刚才|刚刚|刚|以前|上次|昨天|前天|前几天|那天|今天|早上|昨晚|这几天|最近)?(?:跟你|和你|对你|给你)?(?:说|讲|提|聊|告诉你|写|发)(?:过)?的/;
const ZH_KNOWN_FRAME = /^你(?:记得|记住|知道|存|保存|记下)(?:的)/;
const ZH_SAID_REST = /^(?:话|那些|那些话|这些|这些话|东西|内容|事|事情|那些事|一切|所有|全部|都)?$/;
const ZH_LAST =
  /^(?:(?:我)?(?:刚才|刚刚|方才|刚(?=说|讲|发|写))(?:我)?(?:说|讲|发|写)?(?:的)?(?:那|这)?(?:个|句|段|些|条)?(?:话|消息|信息|message|msg)?|(?:这|那)(?:个|件事|事儿?|句话?|段话?|条(?:消息|信息|message|msg)?)?|它|上(?:一)?(?:条|句|段)(?:话)?|上面(?:的|那段|那句)?(?:话)?)$/;
const ZH_VAGUE =
  /^(?:有些事?|有的事|一些事?|某些事?|那些事?|这些事?|这些话|那些话|所有的?事?情?|一切|全部|过去的事|以前的事|之前的事|我的事)$/;
const ZH_PRONOUN = /^(?:他|她|他们|她们|那个人|这个人|那人|这人|我|你)$/;
const ZH_TOPIC_SUFFIX = /的(?:事情?|事儿|那些事|一切|经历|话题|记忆)$/;
/** Too general to name a topic without "关于" or "我说的…" before them ("删掉多余的话"). */
const ZH_WEAK_SUFFIX = /的(?:那些话?|话|内容|东西|部分|信息)$/;
const ZH_NOT_TOPIC =
  /[说让劝叫告诉想要会能把被忘删吗呢吧不么怎哪谁几]|总是|老是|一直|多少|为何|⟪q⟫/;

/** The words of a Chinese topic, normalised; null when they name nothing usable. */
function cleanZhTopic(raw: string): string | null {
  let t = raw
    .replace(/^(?:那些|这些|所有|全部)?(?:关于|有关)/, '')
    .replace(ZH_TOPIC_SUFFIX, '')
    .replace(ZH_WEAK_SUFFIX, '')
    .replace(/[了吧啊哦呀]+$/, '')
    .trim();
  t = t.replace(/^(?:那个|这个|那位|这位)/, '');
  t = t.replace(/^我的/, '').replace(/^我(?![们和跟])/, '');
  if (!t || ZH_PRONOUN.test(t) || ZH_VAGUE.test(t) || t.length > 12) return null;
  if (!t.replace(/[我你他她它们跟和与的]/g, '')) return null;
  if (!/\p{Script=Han}/u.test(t)) return cleanTopic(t);
  if (ZH_NOT_TOPIC.test(t)) return null;
  return t;
}

type ZhVerb = 'forget' | 'keep' | 'mention';

function zhVerbKind(v: string): ZhVerb {
  if (/remember|keep|save|store/.test(v)) return 'keep';
  if (/忘|删|抹|清|去掉|forget|delete|erase/.test(v)) return 'forget';
  if (/提|问|说起|mention|bring up/.test(v)) return 'mention';
  if (/记|存|留/.test(v)) return 'keep';
  return 'forget';
}

/**
 * `subjectSlot`: the words stand before the verb, where a lone pronoun is its subject ("你忘了吧"
 * is "you forgot, didn't you"), not what to forget.
 */
function classifyZhObject(
  raw: string,
  verb: ZhVerb,
  polite: boolean,
  subjectSlot = false,
): Hit | null {
  let o = raw.trim().replace(/[了吧啊哦呀]+$/, '');
  if (!o) return null;
  const said = ZH_SAID_FRAME.exec(o);
  let saidFrame = false;
  if (said) {
    const rest = o.slice(said[0].length);
    const when = said.groups?.when;
    if (ZH_SAID_REST.test(rest)) {
      if (when === '刚才' || when === '刚刚' || when === '刚') {
        return verb === 'mention' ? { kind: 'unclear', topic: null } : { kind: 'last' };
      }
      return { kind: 'unclear', topic: null };
    }
    o = rest;
    saidFrame = true;
  }
  const known = ZH_KNOWN_FRAME.exec(o);
  if (known) o = o.slice(known[0].length);
  if (ZH_LAST.test(o)) {
    return verb === 'mention' ? { kind: 'unclear', topic: null } : { kind: 'last' };
  }
  if (ZH_PRONOUN.test(o)) return subjectSlot ? null : { kind: 'unclear', topic: null };
  if (ZH_VAGUE.test(o)) return { kind: 'unclear', topic: null };
  if (!/\p{Script=Han}/u.test(o)) {
    const en = stripEnTail(o);
    if (EN_LAST_IT.test(en) && !polite) return { kind: 'unclear', topic: null, bare: 'alone' };
    if (EN_LAST.test(en) || EN_LAST_IT.test(en)) return { kind: 'last' };
  }
  // "我说的关于X的话" names X; "我刚才说的太丢人了" names nothing.
  const about = /^(?:那些|这些|所有|全部)?(?:关于|有关)/.test(o);
  const weak = ZH_WEAK_SUFFIX.test(o);
  if (weak && !about && !saidFrame) return null;
  const framed = about || weak || ZH_TOPIC_SUFFIX.test(o);
  if (!framed && (saidFrame || verb === 'forget')) return null;
  if (!framed && verb === 'keep' && !/^(?:我|my )/.test(o)) return null;
  if (!framed && o.length > 10) return null;
  const topic = cleanZhTopic(o);
  return topic ? { kind: 'topic', topic } : null;
}

function chineseClause(text: string, sentence: string): Hit | null {
  let m: RegExpExecArray | null;
  const polite = POLITE.test(sentence);
  const ask = (hit: Hit | null): Hit | null =>
    hit && QUESTION_ZH.test(text) ? asUnclear(hit) : hit;
  if ((m = ZH_NOT_SAID.exec(text))) {
    return m.groups!.v === '问' ? { kind: 'unclear', topic: null } : ask({ kind: 'last' });
  }
  if ((m = ZH_COMPLAINT.exec(text))) {
    return { kind: 'unclear', topic: cleanZhTopic(m.groups!.o.trim()) };
  }
  if ((m = ZH_NOT_TALK.exec(text))) {
    return { kind: 'unclear', topic: cleanZhTopic(m.groups!.o.trim()) };
  }
  if ((m = ZH_BARE.exec(text))) {
    const kind = zhVerbKind(m.groups!.v);
    if (kind === 'mention') {
      return /再/.test(m.groups!.v) ? { kind: 'unclear', topic: null } : null;
    }
    // "刚才那句别当真，也别记": what not to keep was named in the sentence's first clause.
    if (kind === 'keep') {
      return ZH_RECENT_LEAD.test(sentence)
        ? ask({ kind: 'last' })
        : { kind: 'unclear', topic: null };
    }
    return /算了/.test(sentence) ? { kind: 'unclear', topic: null } : ask({ kind: 'last' });
  }
  if ((m = ZH_NOT_NOTE.exec(text))) {
    return ask(classifyZhObject(m.groups!.o, 'keep', polite));
  }
  for (const re of [ZH_OBJECT_FIRST, ZH_VERB_FIRST]) {
    m = re.exec(text);
    if (!m) continue;
    const v = m.groups!.v;
    const kind = /当/.test(v) ? 'forget' : zhVerbKind(v);
    if (kind === 'mention' && !PERMANENT_ZH.test(text)) continue;
    const hit = classifyZhObject(m.groups!.o, kind, polite, re === ZH_OBJECT_FIRST);
    if (!hit) continue;
    if (/当/.test(v) && hit.kind !== 'last') continue;
    return ask(hit);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------

function asUnclear(hit: Hit): Hit {
  if (hit.kind === 'unclear') return hit;
  return { kind: 'unclear', topic: hit.kind === 'topic' ? hit.topic : null };
}

function toIntent(hit: Hit): ForgetIntent {
  if (hit.kind === 'last') return { scope: 'last' };
  if (hit.kind === 'topic') return { scope: 'topic', topic: hit.topic };
  return { scope: 'unclear', topic: hit.topic };
}

/** The request in one sentence, if any. */
function inSentence(sentence: string, otherContent: boolean): Hit | null {
  const hypotheticalEn = HYPOTHETICAL_EN.test(sentence.replace(POLITE_IF, ''));
  if (HYPOTHETICAL_ZH.test(sentence) || REPORTED.test(sentence)) return null;
  let clauses = splitClauses(sentence);
  if (sentence.length > LONG && clauses.length > 2 * EDGE_CLAUSES) {
    clauses = [...clauses.slice(0, EDGE_CLAUSES), ...clauses.slice(-EDGE_CLAUSES)];
  }
  const hasHan = /\p{Script=Han}/u.test(sentence);
  for (let i = 0; i < clauses.length; i++) {
    const clause = clauses[i];
    let hit: Hit | null = null;
    if (!hypotheticalEn) hit = englishClause(clause, sentence);
    if (!hit && hasHan) {
      // A Chinese object may sit in the clause before the verb ("关于我哥的事，请你忘掉吧").
      hit = chineseClause(clauses.slice(i).join('，'), sentence);
      if (!hit && i + 1 < clauses.length) hit = chineseClause(clause, sentence);
    }
    if (!hit) continue;
    const others = clauses.filter((c, j) => j !== i && !FILLER.test(c));
    if (hit.kind === 'unclear' && hit.bare === 'alone') {
      if (others.length > 0 || otherContent) return null;
      return { kind: 'unclear', topic: hit.topic };
    }
    if (hit.kind === 'last' && hit.bare === 'end') {
      const after = clauses.slice(i + 1).filter((c) => !FILLER.test(c));
      return after.length > 0 ? { kind: 'unclear', topic: null } : { kind: 'last' };
    }
    return hit;
  }
  return null;
}

export function detectForget(text: string): ForgetIntent | null {
  const normal = normalise(text);
  if (!normal || !TRIGGER.test(normal)) return null;
  let sentences = splitSentences(normal);
  if (normal.length > LONG && sentences.length > 2 * EDGE_SENTENCES) {
    sentences = [...sentences.slice(0, EDGE_SENTENCES), ...sentences.slice(-EDGE_SENTENCES)];
  }
  const content = sentences.filter((s) => !FILLER.test(s));
  let found: Hit | null = null;
  for (const sentence of sentences) {
    const hit = inSentence(
      sentence,
      content.some((s) => s !== sentence),
    );
    if (!hit) continue;
    if (hit.kind !== 'unclear') {
      found = hit;
      break;
    }
    if (!found || (found.kind === 'unclear' && found.topic === null)) found = hit;
  }
  if (!found) return null;
  // A question, or a song or a film, anywhere in the message: ask rather than delete.
  if (normal.includes('?') || QUOTING.test(normal)) found = asUnclear(found);
  return toIntent(found);
}
