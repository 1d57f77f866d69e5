import type { EmotionLabel } from './emotion-labels.js';

/**
 * A small hand-written emotion lexicon for English and Chinese, written for this project (no
 * third-party word list). Each term carries a valence and an arousal (-1..1) and, when it names
 * a feeling, a label. Groups share one (valence, arousal, label); weaker or stronger members sit
 * in their own group. English entries are lower case and may span up to three words; Chinese
 * entries are matched longest-first inside runs of Han characters.
 */
export interface TermEntry {
  valence: number;
  arousal: number;
  label: EmotionLabel | null;
  /** "fine", "ok", "没事": says all is well; alone, it is a hedge (see classifyText). */
  reassurance?: boolean;
  /** "whatever", "算了", "随便": minimising or resigned; always marks the text as hedged. */
  minimiser?: boolean;
}

/** One dictionary slot; a word may play several roles ("好" is a term and an intensifier). */
export interface LexiconSlot {
  term?: TermEntry;
  /** Multiplies the next term (>1 intensifier, <1 diminisher). */
  degree?: number;
  /** Multiplies the previous term (Chinese 累死了, 糟透了; English "af"). */
  postDegree?: number;
  /** Factor applied to a negated term's valence (negative: flips it). */
  negation?: number;
  /** "but", "但是": later clauses outweigh earlier ones. */
  contrast?: boolean;
  /** "just": a hedge only right before a reassurance or tiredness term ("just fine"). */
  softener?: boolean;
}

type Group = readonly [valence: number, arousal: number, label: EmotionLabel | null, terms: string];

const EN_GROUPS: readonly Group[] = [
  // joy
  [
    0.8,
    0.6,
    'joy',
    'happy|excited|thrilled|delighted|ecstatic|overjoyed|joyful|yay|woohoo|hooray|' +
      "awesome|amazing|fantastic|wonderful|can not wait|cannot wait|can't wait|over the moon|" +
      'love it|loved it|love|loving|best day',
  ],
  [
    0.6,
    0.4,
    'joy',
    'glad|cheerful|fun|proud|grateful|thankful|blessed|lucky|haha|hahaha|hehe|lol|lmao|' +
      'enjoyed|enjoying|enjoy|pleased|cheered up|laughing',
  ],
  [0.4, 0.2, 'joy', 'cute|funny'],
  // politeness: friendly, but not a feeling
  [0.2, 0, null, 'thanks|thank you|thanks for asking|please'],
  // generic evaluation
  [0.7, 0.4, null, 'great|excellent|brilliant|perfect|best|beautiful|incredible'],
  [0.5, 0.1, null, 'good|nice|cool|better|lovely|sweet'],
  [-0.5, 0.1, null, 'bad|pain|painful|hurts|sick of it'],
  [-0.3, 0.1, null, 'hard|tough|rough|difficult|struggling|sorry'],
  [-0.7, 0.2, null, 'terrible|awful|horrible|worst|dreadful|disaster|nightmare'],
  // calm
  [
    0.5,
    -0.5,
    'calm',
    'calm|relaxed|relaxing|peaceful|relieved|content|chill|cozy|comfortable|rested|at ease|' +
      'at peace|serene',
  ],
  [0.25, -0.2, 'calm', "fine|ok|okay|alright|all right|all good|i am good|i'm good"],
  // sadness
  [
    -0.7,
    -0.4,
    'sadness',
    'sad|unhappy|depressed|miserable|heartbroken|devastated|hopeless|gloomy|grief|grieving|' +
      'crying|cried|cry|tears|feeling down|feel down|felt down|so down|feeling low|broke up|' +
      'disappointed|disappointing|hurt|upset',
  ],
  [-0.5, -0.3, 'sadness', 'lost|empty|numb|regret|failed|let down'],
  // loneliness
  [
    -0.6,
    -0.3,
    'loneliness',
    'lonely|alone|isolated|left out|nobody cares|no one cares|no friends|abandoned|' +
      'ignored|invisible|homesick',
  ],
  [-0.3, 0, 'loneliness', 'miss you|missing you|i miss|i missed|miss home|wish you were here'],
  // fatigue
  [
    -0.4,
    -0.7,
    'fatigue',
    'tired|exhausted|sleepy|drained|worn out|burned out|burnt out|burnout|fatigued|no energy|' +
      "knackered|wiped out|can't sleep|cannot sleep|couldn't sleep|insomnia",
  ],
  [-0.3, -0.5, 'fatigue', 'bored|boring|sick|ill|unwell|meh'],
  // anxiety
  [
    -0.6,
    0.6,
    'anxiety',
    'anxious|anxiety|worried|worry|worrying|nervous|scared|afraid|frightened|terrified|fear|' +
      'stressed|stressed out|stress|stressful|panic|panicking|overwhelmed|freaking out|uneasy|' +
      'tense|on edge|dread|dreading|insecure',
  ],
  // anger
  [
    -0.8,
    0.8,
    'anger',
    'angry|furious|pissed|pissed off|mad at|livid|outraged|rage|hate|hated|hating|infuriating|' +
      'disgusted|disgusting',
  ],
  // frustration
  [
    -0.5,
    0.3,
    'frustration',
    'annoyed|annoying|frustrated|frustrating|irritated|irritating|fed up|sick of|tired of|' +
      "stuck|ugh|argh|sucks|ridiculous|unfair|useless|stupid|can't stand|pointless",
  ],
  [-0.3, -0.1, 'frustration', 'whatever'],
];

const ZH_GROUPS: readonly Group[] = [
  // joy
  [
    0.8,
    0.6,
    'joy',
    '开心|高兴|快乐|兴奋|太好了|好开心|幸福|激动|开心死了|好耶|耶|爽|惊喜|期待|迫不及待|超开心|笑死|笑死我了',
  ],
  [
    0.6,
    0.4,
    'joy',
    '喜欢|爱|满意|感激|骄傲|自豪|有趣|好玩|哈哈|哈哈哈|哈哈哈哈|嘻嘻|嘿嘿|可爱|甜|' +
      '成功|顺利|美好|棒|真棒|好棒|厉害',
  ],
  // generic evaluation
  [0.5, 0.1, null, '好|不错|挺好|很好|还不错|好看|舒心'],
  [0.2, 0, null, '谢谢|感谢|谢谢你|麻烦你了'],
  [-0.5, 0.1, null, '不好|糟|糟糕|差|太差|坏|惨|难|痛|疼|麻烦|完蛋'],
  [-0.3, 0.1, null, '困难|困扰|困惑|辛苦|不顺'],
  // calm
  [0.5, -0.5, 'calm', '平静|放松|轻松|安心|踏实|舒服|悠闲|惬意|松了口气|满足|安稳|治愈'],
  [0.25, -0.2, 'calm', '没事|没事儿|还好|还行|没关系|不要紧|都挺好|凑合'],
  // sadness
  [
    -0.7,
    -0.4,
    'sadness',
    '难过|伤心|悲伤|失落|沮丧|不开心|不高兴|委屈|哭|哭了|想哭|痛苦|心痛|心碎|绝望|失望|' +
      '难受|低落|抑郁|丧|呜呜|呜呜呜|泪目|分手|想死',
  ],
  [-0.5, -0.3, 'sadness', '遗憾|可惜|后悔|空虚|心酸|憋屈|郁闷'],
  // loneliness
  [
    -0.6,
    -0.3,
    'loneliness',
    '孤独|寂寞|孤单|没人理|没人陪|没朋友|没有朋友|没人懂|被冷落|被忽视|想家',
  ],
  [-0.3, 0, 'loneliness', '想你|好想你|想念|想死你|一个人'],
  // fatigue
  [
    -0.4,
    -0.7,
    'fatigue',
    '累|好累|很累|疲惫|疲倦|困|好困|没精神|没劲|没力气|心累|睡不着|失眠|熬夜|乏|累了|累坏了',
  ],
  [-0.3, -0.5, 'fatigue', '无聊|没意思|生病|不舒服|感冒|发烧'],
  // anxiety
  [
    -0.6,
    0.6,
    'anxiety',
    '焦虑|担心|紧张|害怕|怕|可怕|恐惧|压力|压力大|慌|心慌|不安|忐忑|着急|发愁|崩溃|担忧|吓死',
  ],
  // anger
  [-0.8, 0.8, 'anger', '生气|愤怒|气死|气死了|恼火|火大|恨|可恶|混蛋|滚|妈的|他妈的|气炸了'],
  [-0.6, 0.5, 'anger', '讨厌'],
  // frustration
  [
    -0.5,
    0.3,
    'frustration',
    '烦|好烦|烦死了|烦人|烦躁|无语|无奈|头疼|头大|受够了|倒霉|糟心|闹心|搞不定|没用|白费|' +
      '服了|醉了',
  ],
  [-0.3, -0.1, 'frustration', '随便|无所谓|算了|就那样|呵呵|好吧'],
];

/** Hedging terms among the groups above: `reassurance` or `minimiser` (see TermEntry). */
const REASSURANCE = new Set(
  "fine|ok|okay|alright|all right|all good|i am good|i'm good|没事|没事儿|还好|还行|没关系|不要紧|都挺好|凑合".split(
    '|',
  ),
);
const MINIMISERS = new Set('whatever|meh|随便|无所谓|算了|就那样|呵呵|好吧'.split('|'));

/** Hedges that carry no emotion of their own. */
const EN_HEDGES =
  "i guess|i suppose|never mind|nevermind|nvm|doesn't matter|does not matter|no big deal|" +
  "not a big deal|it's nothing|nothing much";
const ZH_HEDGES = '反正|没什么|就这样吧|也就那样|不想说';

const EN_DEGREES: Record<string, number> = {
  very: 1.4,
  really: 1.35,
  so: 1.35,
  extremely: 1.6,
  super: 1.4,
  totally: 1.4,
  too: 1.3,
  incredibly: 1.5,
  absolutely: 1.5,
  completely: 1.4,
  utterly: 1.5,
  deeply: 1.4,
  truly: 1.3,
  such: 1.3,
  damn: 1.3,
  freaking: 1.4,
  fucking: 1.5,
  seriously: 1.3,
  especially: 1.3,
  quite: 1.15,
  pretty: 1.15,
  'a bit': 0.6,
  'a little': 0.6,
  'a little bit': 0.55,
  slightly: 0.55,
  'kind of': 0.65,
  kinda: 0.65,
  'sort of': 0.65,
  sorta: 0.65,
  somewhat: 0.65,
  'a tad': 0.6,
  mildly: 0.6,
  barely: 0.4,
};

const ZH_DEGREES: Record<string, number> = {
  很: 1.1, // "很" is often bleached in Chinese (很好 is plain "good"), hence barely above 1
  非常: 1.45,
  特别: 1.45,
  太: 1.4,
  超: 1.4,
  超级: 1.5,
  好: 1.3,
  真: 1.25,
  真的: 1.25,
  挺: 1.1,
  十分: 1.4,
  极其: 1.5,
  格外: 1.4,
  相当: 1.3,
  越来越: 1.3,
  有点: 0.6,
  有点儿: 0.6,
  有一点: 0.6,
  有些: 0.65,
  稍微: 0.6,
  略微: 0.6,
  比较: 0.85,
};

const POST_DEGREES: Record<string, number> = {
  死了: 1.5,
  极了: 1.5,
  得要命: 1.6,
  坏了: 1.4,
  透了: 1.5,
  得不行: 1.5,
  爆了: 1.5,
  af: 1.5,
  'as hell': 1.4,
};

// Negation keeps a fraction of the magnitude with the opposite sign ("not happy" is less
// negative than "sad"; "not bad" is mildly positive); "not at all" nearly keeps all of it.
const NEGATORS: Record<string, number> = {
  not: -0.6,
  no: -0.6,
  never: -0.7,
  "n't": -0.6,
  without: -0.5,
  hardly: -0.5,
  cannot: -0.6,
  'not at all': -0.9,
  不: -0.6,
  没: -0.6,
  没有: -0.6,
  并不: -0.7,
  并没有: -0.7,
  不是: -0.6,
  未: -0.6,
  别: -0.6,
  一点也不: -0.9,
  一点都不: -0.9,
  根本不: -0.9,
  完全不: -0.9,
  从不: -0.8,
  绝不: -0.8,
};

/** "not very happy", "不太开心": negation softened by the degree word between. */
export const PARTIAL_NEGATION = -0.4;

const CONTRASTS = 'but|however|though|although|yet|但是|可是|不过|然而|但|只是';

/**
 * Chinese compounds that contain a lexicon character but mean something else (天气 is weather,
 * not 气 anger; 好像 is "seems", not 好 good); matching them first keeps them neutral.
 */
const ZH_BLOCKERS =
  '天气|空气|客气|运气|脾气|气候|你好|好像|好多|好久|好几|好的|只好|正好|刚好|好在|好处|恐怕|' +
  '怕是|哪怕|不错过|不少|不用|不要|不管|难道|难怪|爱好|靠谱|累计|急诊|可惜了|差不多|不得不|' +
  '好好|难得|坏处|痛快|不断|积累|丧失|滚动|出差|差点|差别|不好意思|好不好|别人|区别|别的|分别|' +
  '未来|但愿';

function addSlot(map: Map<string, LexiconSlot>, key: string, slot: LexiconSlot): void {
  map.set(key, { ...map.get(key), ...slot });
}

function buildLexicon(): Map<string, LexiconSlot> {
  const map = new Map<string, LexiconSlot>();
  for (const [valence, arousal, label, terms] of [...EN_GROUPS, ...ZH_GROUPS]) {
    for (const term of terms.split('|')) {
      const entry: TermEntry = { valence, arousal, label };
      if (REASSURANCE.has(term)) entry.reassurance = true;
      if (MINIMISERS.has(term)) entry.minimiser = true;
      addSlot(map, term, { term: entry });
    }
  }
  for (const term of `${EN_HEDGES}|${ZH_HEDGES}`.split('|')) {
    addSlot(map, term, {
      term: { valence: -0.05, arousal: -0.1, label: null, minimiser: true },
    });
  }
  for (const [word, degree] of Object.entries({ ...EN_DEGREES, ...ZH_DEGREES })) {
    addSlot(map, word, { degree });
  }
  for (const [word, postDegree] of Object.entries(POST_DEGREES)) addSlot(map, word, { postDegree });
  for (const [word, negation] of Object.entries(NEGATORS)) addSlot(map, word, { negation });
  for (const word of CONTRASTS.split('|')) addSlot(map, word, { contrast: true });
  for (const word of ZH_BLOCKERS.split('|')) if (!map.has(word)) map.set(word, {});
  addSlot(map, 'just', { softener: true });
  return map;
}

export const LEXICON: ReadonlyMap<string, LexiconSlot> = buildLexicon();

/** Longest Chinese key, bounding the longest-match search. */
export const LONGEST_HAN_KEY = Math.max(
  ...[...LEXICON.keys()].filter((k) => /\p{Script=Han}/u.test(k)).map((k) => k.length),
);

/** Longest English key in words. */
export const LONGEST_LATIN_KEY_WORDS = Math.max(
  ...[...LEXICON.keys()].filter((k) => /^[a-z' ]+$/.test(k)).map((k) => k.split(' ').length),
);

interface SymbolEntry extends TermEntry {
  /** Emoji ignore grammar (negation); both emoji and emoticons count as the 'emoji' cue. */
  kind: 'emoji' | 'emoticon';
}

const emoji = (valence: number, arousal: number, label: EmotionLabel | null): SymbolEntry => ({
  valence,
  arousal,
  label,
  kind: 'emoji',
});

/** Emoji by code point sequence without variation selectors or skin tones. */
export const EMOJI: ReadonlyMap<string, SymbolEntry> = new Map<string, SymbolEntry>([
  ...[...'😀😃😄😁😆😂🤣🥳🎉'].map((e) => [e, emoji(0.7, 0.6, 'joy')] as const),
  ...[...'😊☺😍🥰😘🤗😋❤♥💕💖💗💓💞😻'].map((e) => [e, emoji(0.7, 0.3, 'joy')] as const),
  ...[...'🙂👍✨🌞💪'].map((e) => [e, emoji(0.3, 0.1, null)] as const),
  ...[...'😌🙏🍵'].map((e) => [e, emoji(0.4, -0.4, 'calm')] as const),
  ...[...'😢😭😞😔☹🙁😿💔🥺😥'].map((e) => [e, emoji(-0.6, -0.3, 'sadness')] as const),
  ...[...'😰😨😱😟😬😧'].map((e) => [e, emoji(-0.6, 0.6, 'anxiety')] as const),
  ...[...'😠😡🤬👿💢'].map((e) => [e, emoji(-0.8, 0.8, 'anger')] as const),
  ...[...'😤😒🙄😩😣😖'].map((e) => [e, emoji(-0.5, 0.3, 'frustration')] as const),
  ...[...'😴😪🥱😫'].map((e) => [e, emoji(-0.3, -0.7, 'fatigue')] as const),
  ...[...'🙃😐😑😶'].map((e) => [e, { ...emoji(-0.1, -0.2, null), minimiser: true }] as const),
]);

const emoticon = (valence: number, arousal: number, label: EmotionLabel | null): SymbolEntry => ({
  valence,
  arousal,
  label,
  kind: 'emoticon',
});

/**
 * Emoticons. The letter-and-digit ones (xD, QAQ, orz, 555 = 呜呜呜 crying, 233 and hhh =
 * laughter in Chinese chat) only count as whole tokens, so "orzo" or "5553" do not match.
 */
export const EMOTICONS: ReadonlyArray<readonly [RegExp, SymbolEntry]> = [
  [/>:-?\(/y, emoticon(-0.7, 0.7, 'anger')],
  [/:'-?\(|T_T|T\.T|;_;/y, emoticon(-0.6, -0.2, 'sadness')],
  [/<\/3/y, emoticon(-0.6, -0.2, 'sadness')],
  [/<3/y, emoticon(0.6, 0.3, 'joy')],
  [/[:=]-?D\b/y, emoticon(0.7, 0.6, 'joy')],
  [/[:=]-?[)\]]|\(-?[:=]|\^_*\^|\^o\^/y, emoticon(0.5, 0.3, 'joy')],
  [/;-?\)/y, emoticon(0.4, 0.3, 'joy')],
  [/[:=]-?[([]/y, emoticon(-0.5, -0.2, 'sadness')],
  [/>_<|-_-|-\.-/y, emoticon(-0.3, 0.2, 'frustration')],
  [/:-?[/\\](?!\/)|:-?\|/y, { ...emoticon(-0.15, -0.1, null), minimiser: true }],
  [/(?<![\p{L}\p{N}])(?:xD+|XD+)(?![\p{L}\p{N}])/uy, emoticon(0.7, 0.6, 'joy')],
  [/(?<![\p{L}\p{N}])(?:QAQ|QwQ|qaq|TT)(?![\p{L}\p{N}])/uy, emoticon(-0.6, -0.2, 'sadness')],
  [/(?<![\p{L}\p{N}])(?:orz|OTL|Orz)(?![\p{L}\p{N}])/uy, emoticon(-0.4, -0.2, 'frustration')],
  [/(?<![\p{L}\p{N}])5{3,}(?![\p{L}\p{N}])/uy, emoticon(-0.5, -0.2, 'sadness')],
  [/(?<![\p{L}\p{N}])(?:23{2,}|h{3,})(?![\p{L}\p{N}])/uy, emoticon(0.5, 0.4, 'joy')],
];
