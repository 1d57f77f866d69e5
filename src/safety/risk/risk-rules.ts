import type { RiskCategory } from './risk-reading.js';

/**
 * The patterns the crisis risk detector reads, as data. Every pattern is linear: literal
 * alternations, bounded gaps (`{0,n}` over a class that cannot overlap what follows it in a way
 * that multiplies), no nested unbounded quantifiers. The detector (detect-risk.ts) decides, for
 * each match, who it is about, whether it is negated, past, quoted, fiction or a joke.
 *
 * `level` is what the match means for the user on its own: 1 the topic only, 2 worth care,
 * 3 a present crisis, 4 a crisis with an attempt or danger under way.
 *
 * `kind` says how the match may be changed:
 * - `topic`: a word naming the subject (suicide, 自杀, self-harm); never more than `low`.
 * - `wish`, `intent`, `act`, `method`, `farewell`: the user's own death wish, intent, an act of
 *   suicide, asking for a method, a farewell. `intent`, `act` and `method` are raised to
 *   critical by a plan, means or a time; `wish` only by a plan or means.
 * - `hopeless`: despair without a death wish (`medium`); two different ones make `high`.
 * - `self`: self-harm now, recently or as an urge.
 * - `threat`: intent to hurt someone (`medium` alone; raised by seriousness, means, a plan, a
 *   time or a place); `intrusive`: urges to hurt one's child the user is afraid of.
 * - `abuse`: the user is hurt, threatened, controlled or abused by someone.
 * - `attempt`: an attempt under way or just made.
 *
 * `subject`: who is speaking is checked (the nearest subject before the match decides: I, or
 * someone else, or people in general). Patterns that carry their subject ("kill myself" with
 * `r`, "hits me", "没有我会更好") leave it off.
 */
export type RuleKind =
  | 'topic'
  | 'wish'
  | 'intent'
  | 'act'
  | 'method'
  | 'farewell'
  | 'hopeless'
  | 'self'
  | 'threat'
  | 'intrusive'
  | 'abuse'
  | 'attempt';

export interface RiskRule {
  /** Stable evidence code (no user text). */
  code: string;
  category: RiskCategory;
  kind: RuleKind;
  level: 1 | 2 | 3 | 4;
  re: RegExp;
  subject?: boolean;
  /** Who the act is about is in the match: a reflexive `r` group (myself / herself...). */
  reflexive?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Shared pieces (English)

const MYSELF = String.raw`(?:my ?self|myslef|mysef|me ?self)`;
const REFLEXIVE = String.raw`(?<r>my ?self|myslef|mysef|me ?self|him ?self|her ?self|them ?sel(?:f|ves)|your ?self|urself|ur ?self|自己)`;
const KIN_EN = String.raw`(?:dad|daddy|father|stepfather|stepdad|step-dad|mom|mum|mommy|mother|stepmom|stepmother|brother|sister|husband|wife|boyfriend|bf|girlfriend|gf|ex|partner|uncle|aunt|cousin|grandpa|grandfather|grandma|teacher|coach|boss|roommate|flatmate|neighbou?r|fianc[eé]e?|parents?|family|stepbrother|stepsister|brothers|sisters|baby|kid|kids|son|daughter|child|children|classmates?|coworkers?|colleagues?)`;
const ZH_OBJ = String.raw`(?:他们|她们|他|她|那个人|那些人|那家伙|那个[^，,。！？!?\s]{1,8}?的人|那些[^，,。！？!?\s]{1,8}?的人|我爸|我妈|我老公|我老婆|我哥|我姐|我弟|我妹|我继父|我后妈|同学|同事|老师|领导|全家|孩子|宝宝|him|her|them)`;
const ABUSER_ZH = String.raw`(?:他们|她们|他|她|我爸|我妈|爸爸|妈妈|父亲|母亲|老公|老婆|丈夫|男朋友|女朋友|男友|女友|继父|继母|后妈|后爸|哥哥|姐姐|我哥|我姐|同学|室友|前夫|前男友|前任|舅舅|叔叔|bf|gf|husband|boyfriend|girlfriend|dad|mom|father|mother)`;

/**
 * Medicines and poisons people name when they speak of an overdose: pills in general, the usual
 * classes (sleeping pills, painkillers, antidepressants, benzodiazepines, opioids) and common
 * brand and generic names, in English and Chinese.
 */
const DRUG_EN = String.raw`(?:pills?|meds|medications?|medicines?|tablets?|capsules?|caps|antidepressants?|anti-?depressants?|sleeping (?:pills|tablets)|sleep(?:ing)? meds|painkillers?|pain ?killers?|pain meds|benzos?|opioids?|opiates?|antipsychotics?|(?:blood pressure|heart|thyroid|seizure|diabetes) (?:pills|meds|tablets)|paracetamol|acetaminophen|tylenol|panadol|ibuprofen|advil|motrin|aspirin|naproxen|xanax|alprazolam|valium|diazepam|klonopin|clonazepam|ativan|lorazepam|ambien|zolpidem|zopiclone|trazodone|seroquel|quetiapine|olanzapine|lithium|lamotrigine|gabapentin|pregabalin|lyrica|oxy|oxys|oxycodone|oxycontin|percocet|vicodin|hydrocodone|codeine|tramadol|morphine|fentanyl|methadone|heroin|insulin|zoloft|sertraline|prozac|fluoxetine|lexapro|escitalopram|citalopram|paxil|paroxetine|effexor|venlafaxine|wellbutrin|bupropion|amitriptyline|nortriptyline|mirtazapine|melatonin|benadryl|diphenhydramine|nyquil|unisom|adderall|antifreeze|bleach|rat poison)`;
const DRUG_ZH = String.raw`(?:安眠药|安眠片|助眠药|药片|药丸|止痛药|止疼药|抗抑郁药|抗焦虑药|镇静药|镇定剂|镇静剂|精神药|处方药|降压药|降糖药|感冒药|退烧药|心脏药|安定|地西泮|艾司唑仑|阿普唑仑|氯硝西泮|劳拉西泮|佐匹克隆|右佐匹克隆|唑吡坦|曲唑酮|褪黑素|布洛芬|对乙酰氨基酚|扑热息痛|泰诺|阿司匹林|百忧解|氟西汀|舍曲林|左洛复|帕罗西汀|艾司西酞普兰|文拉法辛|米氮平|喹硫平|奥氮平|碳酸锂|曲马多|吗啡|芬太尼|可待因|胰岛素|农药|百草枯|敌敌畏|敌百虫|老鼠药|鼠药|杀虫剂|除草剂|草甘膦|消毒水|漂白水|药)`;

const r = (source: string, flags = 'g') => new RegExp(source, flags);

// ---------------------------------------------------------------------------------------------
// Suicide (English)

const EN_SUICIDE: RiskRule[] = [
  {
    code: 'suicide.wish',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:want|wnat|wamt|wanna|wana|wanted|wants|wish|need|needs|ready)(?: to| 2)?(?: just| fucking| honestly| really| so| kinda| lowkey)? (?:die|dye and never|be dead|not be alive|not be here anymore|not exist anymore|stop existing|cease to exist|disappear forever|sleep forever|never wake up|not wake up)\b`,
    ),
  },
  {
    code: 'suicide.wish',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:don'?t|dont|do not|no longer|doesn'?t|does not|dnt)(?: really| even)? (?:want|wanna|wish|wnat)(?: to)? (?:live(?! forever)|be alive|exist|be here anymore|be here any more|wake up(?! early| at| for| so)|go on anymore|keep living|keep going anymore|be around anymore|continue living|stay alive)\b`,
    ),
  },
  {
    code: 'suicide.wish',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    subject: true,
    re: r(
      String.raw`\bwish(?:ed)? i (?:was|were|had|could|would|'d|wasn'?t|weren'?t)? ?(?:be |just )?(?:dead|died|die|never existed|not exist|stop existing|disappear forever|go to sleep and never wake up|never wake up|not wake up|alive no more)\b`,
    ),
  },
  {
    code: 'suicide.wish',
    category: 'suicide',
    kind: 'hopeless',
    level: 2,
    subject: true,
    re: r(String.raw`\bwish(?:ed)? i(?:'d| had)? never been born\b`),
  },
  {
    code: 'suicide.wish',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:tired|sick|exhausted|weary) of (?:living|being alive|life|existing|this life|being here|breathing)\b`,
    ),
  },
  {
    code: 'suicide.wish',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:no|not (?:a|any)|zero|don'?t (?:have|see) (?:a|any)|can'?t (?:find|see) (?:a|any)) (?:reason|point|will) (?:to|in|for me to|for me in|of) (?:live|living|keep living|go on|going on|be alive|being alive|stay alive|staying alive|wake up|waking up|exist|existing)\b`,
    ),
  },
  {
    code: 'suicide.wish',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    subject: true,
    re: r(
      String.raw`\bwhat'?s the (?:point|use|reason) (?:of|in|for) (?:living|life|being alive|going on|existing|me being here|waking up|staying alive)\b(?! (?:a|an|the|my|this|that|with|about|dates?|trips?|vacation|holiday)\b)`,
    ),
  },
  {
    code: 'suicide.hopeless',
    category: 'suicide',
    kind: 'hopeless',
    level: 2,
    subject: true,
    re: r(
      String.raw`\bwhat'?s the (?:point|use) (?:of|in) (?:anything|it all|trying|even trying|any of (?:this|it))\b`,
    ),
  },
  {
    code: 'suicide.wish',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    subject: true,
    re: r(
      String.raw`\blife (?:is(?:n'?t| not)|isnt|ain'?t|is no longer|'s not|not) (?:even |really )?worth (?:living|it anymore)\b|\bnot worth living\b`,
    ),
  },
  {
    code: 'suicide.wish',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:rather|sooner) (?:be dead|die)\b(?! than (?!live|living|go on|going on|go through|going through|keep|feel|be like|face|wake|another|spend|exist))`,
    ),
  },
  {
    code: 'suicide.wish',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    subject: true,
    re: r(
      String.raw`\bhope (?:i )?(?:don'?t|never|do not|won'?t) wake up\b|\b(?:go to sleep|fall asleep|sleep) and (?:never|not) wake up\b`,
    ),
  },
  {
    code: 'suicide.wish',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:want|wish|need|wanna)(?: for)? (?:it all|everything|all of (?:this|it)|my life|this life|the world) (?:all )?to (?:end|stop|be over)\b`,
    ),
  },
  {
    code: 'suicide.hopeless',
    category: 'suicide',
    kind: 'hopeless',
    level: 2,
    subject: true,
    re: r(
      String.raw`\b(?:want|wish|need|wanna)(?: for)? (?:it|this|the pain|everything) (?:all )?to (?:end|stop|be over)\b`,
    ),
  },
  {
    code: 'suicide.wish',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:disappear|vanish) (?:forever|for good|permanently|from (?:this|the) world|and never come back)\b|\b(?:stop|cease) (?:existing|being alive|to exist)\b|\b(?:should(?: have|'ve|a)|shoulda) died\b`,
    ),
  },
  {
    code: 'suicide.hopeless',
    category: 'suicide',
    kind: 'hopeless',
    level: 2,
    subject: true,
    re: r(String.raw`\b(?:want|wanna|wish i could|need) (?:to )?(?:just )?(?:disappear|vanish)\b`),
  },
  {
    code: 'suicide.wish',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:dying|death|being dead) (?:sounds|seems|feels|would be|is) (?:so )?(?:nice|peaceful|better|easier|like a relief|good|tempting|like the only way)\b`,
    ),
  },
  {
    code: 'suicide.hopeless',
    category: 'suicide',
    kind: 'hopeless',
    level: 2,
    subject: true,
    re: r(String.raw`\bnot (?:scared|afraid) (?:of |to )?(?:dying|death|die)\b`),
  },
  {
    code: 'suicide.hopeless',
    category: 'suicide',
    kind: 'hopeless',
    level: 2,
    subject: true,
    re: r(
      String.raw`\b(?:can'?t|cannot|can not|cant) (?:go on|keep going|do this|take (?:it|this|any ?more)|handle (?:it|this|life))(?: anymore| any more| any longer| like this)\b|\b(?:can'?t|cannot|cant) go on\b|\b(?:give|giving|gave|given) up on (?:everything|it all|myself)\b|\bno (?:way out|hope left|future for me)\b|\b(?:i feel|feeling|i'?m|it'?s|everything is|everything feels) (?:so |completely |totally )?hopeless\b`,
    ),
  },
  {
    code: 'suicide.wish',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:done with|give up on|giving up on|gave up on|given up on|over) (?:this )?(?:life|living|being alive)\b`,
    ),
  },
  {
    code: 'suicide.hopeless',
    category: 'suicide',
    kind: 'hopeless',
    level: 2,
    subject: true,
    re: r(String.raw`\bdo (?:something|anything) (?:stupid|drastic|i'?ll regret)\b`),
  },
  // Intent and acts
  {
    code: 'suicide.intent',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    reflexive: true,
    re: r(
      String.raw`\b(?:kill|kil|kll|killing|killin|killed|kills|off|offing|hang|hanging|hanged|shoot|shooting|drown|drowning|poison|poisoning|unalive|unaliving|end|ending|gas|gassing)\s?${REFLEXIVE}(?![a-z])`,
    ),
  },
  {
    code: 'suicide.intent',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    re: r(String.raw`\bkms\b|\bkmsfr\b`),
  },
  {
    code: 'suicide.topic',
    category: 'suicide',
    kind: 'topic',
    level: 1,
    subject: true,
    re: r(
      String.raw`\bsuicid(?:e|al|es)|\bsucid(?:e|al)|\bsuicde|\bsuiside|\bsuicidle|\bsewer ?slide|\bself[- ]?delet(?:e|ing)\b|\bunaliv(?:e|ed|ing)\b|\bun-alive|\btook (?:his|her|their) (?:own )?life\b|\bdied by suicide\b`,
    ),
  },
  {
    code: 'suicide.intent',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:i'?m|im|i am|i feel|i'?ve been|been|feeling|feel|getting|get|i get|i got|became|become|am|i was|was)(?: so| really| very| kind of| kinda| a bit| a little| pretty| extremely| super| quite| actually| seriously| legit| lowkey| highkey)? (?:suicidal|sucidal|suicidle)\b`,
    ),
  },
  {
    code: 'suicide.intent',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:suicidal|suicide) (?:thoughts?|ideation|feelings?|urges?|plans?|thinking|mood)\b`,
    ),
  },
  {
    code: 'suicide.intent',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:think|thinking|thought|thoughts|fantasi[sz]e|fantasi[sz]ing|dream(?:ing)?|obsess(?:ed|ing)?) (?:a lot |so much |constantly |all the time |every day |seriously |again )?(?:about|of) (?:suicide|sucide|killing my ?self|kms|ending (?:it|it all|my life|things)|taking my (?:own )?life|unaliving|sewer ?slide|jumping(?: off)?|overdosing|hanging my ?self)\b`,
    ),
  },
  {
    code: 'suicide.hopeless',
    category: 'suicide',
    kind: 'hopeless',
    level: 2,
    subject: true,
    re: r(
      String.raw`\b(?:think|thinking|thought|fantasi[sz]e|fantasi[sz]ing|obsess(?:ed|ing)?) (?:a lot |so much |constantly |all the time |every day )?(?:about|of) (?:dying|death|being dead|not being here|not existing)\b`,
    ),
  },
  {
    code: 'suicide.intent',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:want|wnat|wanna|wana|wanted|need|going|gonna|gunna|about|ready|plan(?:ning)?|planned|decided|decide|try(?:ing)?|thinking|think|considering|consider|might|will|i'?ll|gotta|have)(?: to| on| of| about)?(?: just| finally| really| seriously)? (?:commit(?:ting)? |comit(?:ting)? |commiting )?(?:suicide|sucide|suicde|suiside|sewer ?slide|unalive(?! (?:my|the|this|that|his|her|your|our) (?!self))|unaliving(?! (?:my|the|this|that|his|her|your|our) (?!self))|self[- ]?delete|end(?:ing)? (?:it all|my life|my own life|everything|things (?:for good|permanently)|it (?:tonight|today|for good|now))|tak(?:e|ing) my (?:own )?life|overdose|od)\b`,
    ),
  },
  {
    code: 'suicide.intent',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    subject: true,
    re: r(String.raw`\bend(?:ing)? (?:it all|my (?:own )?life)\b|\btake my (?:own )?life\b`),
  },
  {
    code: 'suicide.intent',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:life|living|alive)\b[^.!?]{0,40}?\b(?:want|wanna|going|gonna|ready|need|have) (?:to )?end it\b(?! with| between)`,
    ),
  },
  {
    code: 'suicide.topic',
    category: 'suicide',
    kind: 'topic',
    level: 1,
    subject: true,
    re: r(
      String.raw`\b(?:commit|commits|commiting|committing|committed|comit) (?:suicide|sucide|suicde|suiside)\b`,
    ),
  },
  {
    code: 'suicide.intent',
    category: 'suicide',
    kind: 'act',
    level: 3,
    subject: true,
    re: r(
      String.raw`\bjump(?:ing|ed|s)? (?:off|from|out of|out|in front of|into|under) (?:of )?(?:a |the |my |that |this |our |some )?(?:[a-z]+ )?(?:bridge|building|roof|rooftop|train|cliff|balcony|window|tower|ledge|overpass|car park|parking garage|subway|bus|truck|car)s?\b`,
    ),
  },
  {
    code: 'suicide.intent',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:going to|gonna|want to|wanna|will|i'?ll|thinking (?:about|of)|about to) (?:just )?(?:drive|crash|steer|swerve|walk)\b[^.!?]{0,30}?\b(?:into|in front of) (?:a |the |an )?(?:tree|wall|truck|river|lake|sea|ocean|oncoming|traffic|pole|barrier|cliff|train|bus)\b`,
    ),
  },
  {
    code: 'suicide.imminent',
    category: 'suicide',
    kind: 'attempt',
    level: 4,
    subject: true,
    re: r(
      String.raw`\b(?:on|at|standing on|up on|on top of|sitting on) (?:the |a |my |this )?(?:roof|rooftop|ledge|edge|bridge|balcony|railing|top floor|tracks)\b[^.!?]{0,40}?\b(?:jump|let go|end it|fall|going to go)\b`,
    ),
  },
  {
    code: 'suicide.hopeless',
    category: 'suicide',
    kind: 'hopeless',
    level: 2,
    subject: true,
    re: r(String.raw`\b(?:going to|gonna|about to|ready to|want to|wanna) jump(?: now)?$`),
  },
  // Means, methods, attempts
  {
    code: 'suicide.intent.means',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:saving|saved|stockpiling|stockpiled|hoarding|hoarded|collecting|collected|stashing|stashed|keeping)(?: up)? (?:up )?(?:my |all my |the |these |some |enough |up my |up enough )?(?:(?:[a-z]+ )?(?:pills|meds|tablets)|${DRUG_EN})\b`,
    ),
  },
  {
    code: 'suicide.method',
    category: 'suicide',
    kind: 'method',
    level: 3,
    re: r(
      String.raw`\b(?:painless|painlessly|easiest|easy|quickest|quick|fastest|best|surest|most painless|least painful|peaceful|quiet)\s(?:way|ways|method|methods)\s(?:to|of)\s(?:die|dying|kill (?:my ?self|yourself|oneself|a person)|end (?:it|my life|your life|one'?s life)|commit suicide|suicide|go)\b`,
    ),
  },
  {
    code: 'suicide.method',
    category: 'suicide',
    kind: 'method',
    level: 3,
    re: r(
      String.raw`\bhow (?:many|much)\b[^.!?]{0,40}?\b(?:to (?:die|not wake up|kill (?:my ?self|me|a person|someone|you|somebody)|never wake up|overdose|od)|(?:is|would be|be|are) (?:lethal|fatal|deadly|enough to die)|lethal|fatal|deadly)\b|\b(?:lethal|fatal|deadly|overdose) (?:dose|amount|dosage|quantity)\b`,
    ),
  },
  {
    code: 'suicide.method',
    category: 'suicide',
    kind: 'method',
    level: 3,
    re: r(
      String.raw`\bhow (?:to|do i|do you|can i|would i|could i|should i|does one|would you|can you)\s(?:kill (?:my ?self|yourself|oneself)|commit suicide|end (?:my|your|one'?s) (?:own )?life|hang (?:my ?self|yourself)|overdose|od|die (?:painlessly|quickly|in (?:my|your) sleep|without pain))\b`,
    ),
  },
  {
    code: 'suicide.method',
    category: 'suicide',
    kind: 'method',
    level: 3,
    re: r(
      String.raw`\bhow (?:high|tall|far)\b[^.!?]{0,30}?\b(?:bridge|building|fall|drop|floor|storey|story|roof)\b[^.!?]{0,30}?\b(?:die|survive|enough|has to be|needs to be|to be)\b`,
    ),
  },
  {
    code: 'suicide.attempt',
    category: 'suicide',
    kind: 'attempt',
    level: 4,
    subject: true,
    re: r(
      String.raw`\b(?:took|swallowed|downed|ate|taken|chugged|popped|drank|overdosed on|od'?d on)\s(?:like |about |around |almost |over |nearly |maybe |at least |more than )?(?:[1-9]\d|\d{3}|a (?:whole |full |entire )?(?:bottle|handful|box|pack|packet|strip|sheet|blister pack|jar)|(?:the|an?) (?:whole|entire|full) (?:bottle|box|pack|packet|strip|sheet|jar)|way too many|a (?:bunch|ton|load|lot) of|dozens of|every (?:single )?(?:one of )?(?:my|the))(?!\s?(?:mg|mcg|ml|g|milligrams?|micrograms?|units?|iu|%|minutes|mins|hours|days|years|seconds)\b)\s?(?:of )?(?:my |the |these |those |her |his |mom'?s |dad'?s |[a-z]+ )?${DRUG_EN}\b`,
    ),
  },
  {
    code: 'suicide.attempt',
    category: 'suicide',
    kind: 'attempt',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:tried|attempted|try|trying) to (?:overdose|od|kill my ?self|end (?:it|my life)|hang my ?self|jump|drown my ?self)\b|\b(?:my|a|the) (?:suicide )?attempt\b|\battempted suicide\b|\boverdosed\b(?! on (?:caffeine|coffee|sugar|candy|chocolate|energy drinks?|netflix|tv|memes|[a-z]+ (?:drinks|videos|content)))`,
    ),
  },
  // Farewells and being a burden
  {
    code: 'suicide.farewell',
    category: 'suicide',
    kind: 'farewell',
    level: 3,
    re: r(
      String.raw`\b(?:this is|this'?ll be|this will be|these are) (?:my|the) (?:very )?last (?:message|messages|text|texts|words|time (?:i (?:talk|speak|write) to you|we talk|talking))\b|\bgoodbye (?:forever|everyone|world|for good|cruel world)\b|\bi won'?t be (?:around|here|alive) (?:tomorrow|much longer|anymore|any more|by (?:tomorrow|morning|monday|tonight))\b(?![^.!?]{0,40}\b(?:because|cause|cuz|coz|since|appointment|trip|holiday|vacation|visiting|leave|off|work|shift|travel\w*|flight|away|busy|out of town|company|job|office|school|class|conference|camp)\b)`,
    ),
  },
  {
    code: 'suicide.farewell',
    category: 'suicide',
    kind: 'farewell',
    level: 3,
    re: r(
      String.raw`\b(?:wrote|written|writing|left|leaving|finished|write) (?:my |a |the )?(?:suicide note|goodbye (?:notes?|letters?)|(?:final |last )?(?:letters?|notes?) (?:to|for) (?:my|everyone|everybody|all))\b|\bsuicide note\b`,
    ),
  },
  {
    code: 'suicide.hopeless',
    category: 'suicide',
    kind: 'hopeless',
    level: 2,
    subject: true,
    re: r(
      String.raw`\b(?:gave|giving|give) away (?:all )?(?:my|of my) (?:stuff|things|belongings|cat|dog|pets?|clothes)\b`,
    ),
  },
  {
    code: 'suicide.burden',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    re: r(
      String.raw`\bbetter (?:off )?(?:without me(?! (?:at|in|on|for|this|while|during)\b)|if i (?:was|were|'m|am) (?:dead|gone|not here|not around)|if i (?:died|disappeared|wasn'?t here|weren'?t here|wasn'?t alive|wasn'?t around))\b|\bbetter (?:off )?without me (?:in it|around|here)\b`,
    ),
  },
  {
    code: 'suicide.burden',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    re: r(
      String.raw`\b(?:nobody|no one|noone|no-one|anyone|anybody|who|would anyone|will anyone|would anybody|does anyone)(?: (?:would|will|'d|even|really|actually|ever)){0,3} (?:notice|care|miss me|be sad|cry|come to my funeral|even notice)\b[^.!?]{0,20}?\bif i (?:was|were|'m|am|died|die|disappeared|disappear|killed my ?self|left|was gone|were gone|wasn'?t|weren'?t|gone|just (?:died|disappeared|left))\b`,
    ),
  },
  {
    code: 'suicide.burden',
    category: 'suicide',
    kind: 'hopeless',
    level: 2,
    re: r(
      String.raw`\bi'?m (?:just |only |literally |really |honestly |always |nothing |still )?(?:a|such a|nothing but a|the|a huge|a massive|a big) (?:burden|waste of (?:space|air|oxygen|life))\b|\b(?:nobody|no one) would (?:even )?(?:miss|notice) me\b`,
    ),
  },
];

// ---------------------------------------------------------------------------------------------
// Suicide (Chinese, and Chinese frames around English words)

const ZH_SUICIDE: RiskRule[] = [
  {
    code: 'suicide.wish',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    subject: true,
    re: r(
      String.raw`不想活|活不下去|不想再活|活够了|不想(?:再)?醒来|不想再醒|再也不(?:用|要)醒来|(?:睡着|睡过去)了?就(?:再也)?(?:不用|不要|别|不)(?:再)?醒|想死(?![你您他她它我])(?!的心都有)|想鼠了|(?:想|要|只想|好想|真想)去死|死了算了|死掉算了|死了(?:也好|就好了|就解脱了|一了百了)|不如死了|还不如死|活着(?:真的?|好|太|也)?(?:没|没有)(?:意思|意义|什么意思|什么意义|盼头|劲)|活着就是(?:在)?(?:受罪|煎熬|折磨|痛苦)|活着[^，,。！？!?]{0,8}(?:想死|不如死|不想活)|活着[^。！？!?]{0,8}(?:想|只想)(?:要)?解脱|(?:想|好想|真想|只想)(?:要)?(?:永远|彻底)(?:地)?消失|永远(?:地)?消失|为什么(?:我)?还活着|我为什么(?:还)?要活着|(?:想|要)离开这个世界|不想(?:再)?存在|不想活(?:le|辽|惹)`,
    ),
  },
  {
    code: 'suicide.hopeless',
    category: 'suicide',
    kind: 'hopeless',
    level: 2,
    subject: true,
    re: r(
      String.raw`撑不下去|坚持不下去|熬不下去|活着(?:好|太|真)累|看不到(?:任何)?(?:希望|未来)|(?:想|好想|真想)(?:要)?消失|想(?:要)?(?:彻底)?解脱|一了百了|离开这个世界`,
    ),
  },
  {
    code: 'suicide.intent',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    subject: true,
    re: r(
      String.raw`(?:想|要|好想|真想|只想|打算|准备|决定|计划|想要|想着|考虑|忍不住想|要去|keep thinking|thinking|want to|wanna|going to|feel like)(?:过)?(?:去)?(?:自杀|轻生|跳楼|跳河|跳江|跳桥|跳海|割腕|上吊|烧炭|吞药|服毒|喝农药|寻死|寻短见|自尽|了结(?:自己)?|自我了断|一死了之|一了百了|结束(?:自己的?)?生命|结束这一切|结束一切|紫砂|自鲨|zs\b|kms|suicide|unalive|kill my ?self|end it all|死了算了)`,
    ),
  },
  {
    code: 'suicide.intent',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    subject: true,
    re: r(
      String.raw`结束(?:掉)?(?:这一切|一切|自己的?生命|我的生命)|自我了断|一死了之|想不开|(?:自杀|轻生|寻死|想死|suicide)的?(?:念头|想法|冲动|倾向|计划)|(?:在想|想好了|想过|知道|研究)(?:了)?怎么(?:死|自杀|结束自己)`,
    ),
  },
  {
    code: 'suicide.topic',
    category: 'suicide',
    kind: 'topic',
    level: 1,
    subject: true,
    re: r(
      String.raw`自杀(?!式)|轻生|跳楼(?!价|大甩卖|甩卖|价格)|割腕|上吊|烧炭|自尽|寻短见|紫砂|自鲨`,
    ),
  },
  {
    code: 'suicide.intent',
    category: 'suicide',
    kind: 'act',
    level: 3,
    subject: true,
    re: r(
      String.raw`(?:想|要|打算|准备|就去|会)[^，,。！？!?]{0,10}?(?:楼|桥|楼顶|天台|窗户|阳台|江|河|海|这里|这儿|上面)[^，,。！？!?]{0,6}?跳下去|(?:楼|桥|楼顶|天台|窗户|阳台|江边|河边)[^，,。！？!?]{0,8}?跳下去(?!了)`,
    ),
  },
  {
    code: 'suicide.method',
    category: 'suicide',
    kind: 'method',
    level: 3,
    re: r(
      String.raw`(?<!狗|猫|宠物|兔子|仓鼠|鹦鹉|鱼|孩子|宝宝)(?:吃|吞|喝)(?:多少|几)(?:片|颗|粒|瓶|克|盒)?[^，,。！？!?]{0,8}?(?:会死|能死|才会死|才能死|致死|死得了|死掉|就死)|致死量|(?:不痛|无痛|不疼|最快|最不痛苦|舒服|安静|痛快)的?(?:死法|自杀方法|自杀方式|死掉的方法|方法去死)|怎么(?:死|自杀)(?:才|比较|最)?(?:不痛|不疼|快|舒服)|(?:上吊|跳楼|割腕|烧炭|安眠药|溺水|跳河)[^，,。！？!?]{0,4}?(?:会不会|会很|疼不疼|痛不痛|痛吗|疼吗|能死吗|死得了吗|难受吗)`,
    ),
  },
  {
    code: 'suicide.attempt',
    category: 'suicide',
    kind: 'attempt',
    level: 4,
    subject: true,
    re: r(
      String.raw`(?:吞|吃|喝)(?:了|下|掉)(?:一整瓶|一瓶|整瓶|好多|很多|一大把|一把|所有的?|全部的?|[1-9]\d片|几十片|一盒|整盒)[^，,。！？!?]{0,4}?(?:药|安眠药|药片|农药|褪黑素|pills)|(?:已经|刚刚?)(?:割腕了|吃了药|喝了农药|烧了炭|吞了药)`,
    ),
  },
  {
    code: 'suicide.intent.means',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    subject: true,
    re: r(
      String.raw`(?:药|安眠药|药片|pills)[^，,。！？!?]{0,6}?(?:攒够|攒了|存够|存了|囤)|(?:攒够|攒了|存够|囤了|买了)[^，,。！？!?]{0,4}?(?:安眠药|药片|pills|炭|木炭|农药|绳子)`,
    ),
  },
  {
    code: 'suicide.farewell',
    category: 'suicide',
    kind: 'farewell',
    level: 3,
    re: r(
      String.raw`(?:写好|写了|留了|留下|准备好)(?:了)?(?:我的)?遗书|遗书(?:我)?(?:已经|都)?(?:写好|写完|准备好)|最后一次(?:跟你|和你|找你|对你)?(?:说话|聊天|发消息|说晚安)|我(?:走|死|不在)了(?:以后|之后)[^。！？!?]{0,10}?(?:好好的|照顾好自己|别难过|别哭|忘了我|不要难过)|永别了|下辈子再见|来世再见|(?:准备好了|想好了|决定了)[^。！？!?]{0,12}?(?:就走|要走了|离开)`,
    ),
  },
  {
    code: 'suicide.hopeless',
    category: 'suicide',
    kind: 'hopeless',
    level: 2,
    re: r(String.raw`遗书|做傻事`),
  },
  {
    code: 'suicide.burden',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    re: r(
      String.raw`(?:没有我|没了我|我不在了|我死了|我消失了|我走了)[^，,。！？!?]{0,6}?(?:会更好|更好|都会轻松|会轻松|轻松(?:一点|很多|多了)|更开心|更快乐|解脱)|这个世界没有我|我死了也?没(?:有)?人(?:会)?(?:难过|在乎|伤心|发现|知道|哭)|没(?:有)?人(?:会)?在乎我(?:是)?(?:死|活)|没人会在乎我死不死`,
    ),
  },
  {
    code: 'suicide.burden',
    category: 'suicide',
    kind: 'hopeless',
    level: 2,
    re: r(String.raw`我(?:就)?是(?:个|一个)?(?:累赘|负担|拖累|多余的|burden)`),
  },
];

// ---------------------------------------------------------------------------------------------
// Self-harm

const SELF_HARM: RiskRule[] = [
  {
    code: 'self_harm.current',
    category: 'self_harm',
    kind: 'self',
    level: 3,
    reflexive: true,
    re: r(
      String.raw`\b(?:cut|cutting|cuts|burn|burning|burned|burnt|hurt|hurting|hurts|harm|harming|harmed|hit|hitting|punch|punching|scratch|scratching|starv(?:e|ing|ed)|stab|stabbing|bite|biting|bruise|bruising|slap|slapping|carve|carving|choke|choking|beat|beating|strangle)\s?${REFLEXIVE}(?![a-z])`,
    ),
  },
  {
    code: 'self_harm.topic',
    category: 'self_harm',
    kind: 'topic',
    level: 1,
    subject: true,
    re: r(
      String.raw`\bself[- ]?harm(?:ing|ed|s)?\b|\bself[- ]?injur\w{0,8}|\bcutter\b|自残|自伤|自虐`,
    ),
  },
  {
    code: 'self_harm.current',
    category: 'self_harm',
    kind: 'self',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:i|i'?ve|ive|i have|i'?m|im|been|started|start|keep|still|again|i still|i keep)(?: been| started| keep| still| kept| gone back to| going back to)? (?:self[- ]?harm(?:ing|ed)?|sh'?(?:ed|d|ing)|cutting|cut|burning)\b(?! (?:my (?!self)|(?:the|a|an|it|off|out|back|down|up|in|on|class|classes|school|ties|him|her|them|through|across|corners|carbs|sugar|some|costs|hair|loose|bread|paper|wood|fabric|grass|meat|vegetables|onions|open|short|ahead|into|calories|the cord|that|this|those|these|everyone|people|friends|contact|out|\d)(?![a-z])))`,
    ),
  },
  {
    code: 'self_harm.current',
    category: 'self_harm',
    kind: 'self',
    level: 3,
    subject: true,
    re: r(
      String.raw`\bsh (?:again|rn|tonight|today|last night|yesterday)\b|\bsh'?d\b|\bsh'?ed\b|\brelaps(?:e|ed|ing) (?:into |on |with )?(?:sh|self[- ]?harm|cutting)\b|\b(?:self[- ]?harm(?:ed)?|cut|sh) again\b`,
    ),
  },
  {
    code: 'self_harm.urge',
    category: 'self_harm',
    kind: 'self',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:urge|urges|want|wanna|wnat|need|needs|craving|crave|itching|tempted|wanting|going|gonna|plan(?:ning)?)(?: to| so bad to| so badly to)? (?:cut|self[- ]?harm|sh|burn my ?self|hurt my ?self|harm my ?self|relapse)\b(?! (?:my (?!self)|(?:the|a|an|it|off|out|back|down|up|in|on|class|classes|school|ties|him|her|them|through|across|corners|carbs|sugar|some|costs|hair|loose|bread|paper|wood|fabric|grass|meat|vegetables|onions|open|short|ahead|into|calories|the cord|that|this|those|these|everyone|people|friends|contact|\d)(?![a-z])))`,
    ),
  },
  {
    code: 'self_harm.current',
    category: 'self_harm',
    kind: 'self',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:new|fresh|more|deeper)\s(?:cuts|scars|burns|wounds)\b(?! on (?:her|his|their|my (?:friend|sister|brother|daughter|son)'?s?)\b)|\b(?:arms?|wrists?|thighs?|legs?|skin)\s(?:are |is )?(?:covered in|full of)\s(?:new |fresh )?(?:cuts|scars|burns)\b`,
    ),
  },
  {
    code: 'self_harm.current',
    category: 'self_harm',
    kind: 'self',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:scratch|scratched|scratching|punch|punched|punching|hit|hitting|bite|bit|biting|pick|picked|picking|bang|banged|banging)\b[^.!?]{0,30}?\b(?:until|till|til|so hard)\s(?:it|they|i|my [a-z]+)\s(?:bleed|bleeds|bled|bruise|bruised|bruises|broke|break)\b`,
    ),
  },
  {
    code: 'self_harm.current',
    category: 'self_harm',
    kind: 'self',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:cutting|self[- ]?harm(?:ing)?|sh|hurting my ?self|burning my ?self)\s(?:is|'s|has been)\s(?:the only|my only|all that)\b`,
    ),
  },
  {
    code: 'self_harm.urge',
    category: 'self_harm',
    kind: 'hopeless',
    level: 2,
    subject: true,
    re: r(
      String.raw`\b(?:want|need|wanna)\s(?:to )?feel (?:pain|the pain|physical pain)\b|\bpunish(?:ing)? my ?self\b|\bi deserve (?:the )?pain\b`,
    ),
  },
  // Chinese
  {
    code: 'self_harm.current',
    category: 'self_harm',
    kind: 'self',
    level: 3,
    subject: true,
    re: r(
      String.raw`(?:划|割|割伤|划伤|烫|掐|扎|咬|撞|伤害|打|cut|hurt)(?:了|伤了|伤)?自己(?!的?脸)|划下去|割下去|(?:划|割)(?:手|腕|手腕|胳膊|手臂|大腿)(?!机|表)|(?:拿|用)(?:头|脑袋)(?:去)?撞(?:墙|桌子|门)|(?:拿|用)(?:刀|刀片|圆规|烟头|打火机)[^，,。！？!?]{0,4}?(?:划|割|扎|烫)`,
    ),
  },
  {
    code: 'self_harm.current',
    category: 'self_harm',
    kind: 'self',
    level: 3,
    subject: true,
    re: r(
      String.raw`(?:又|忍不住|控制不住|想|好想|今天|昨天|昨晚|刚刚?|开始|一直|还在|每天|urge好强)[^，,。！？!?]{0,3}?(?:自残|自伤|cut|sh\b|self ?harm|relapse)|(?:自残|自伤)的?(?:冲动|念头|想法)|(?:新的|新)(?:伤口|伤痕|疤|划痕)|(?:手腕|手臂|胳膊|大腿|腿)上(?:又)?(?:多了|有了|全是)[^，,。！？!?]{0,6}?(?:伤口|伤痕|疤|划痕)|故意(?:不吃饭|饿(?:着)?自己)`,
    ),
  },
  {
    code: 'self_harm.urge',
    category: 'self_harm',
    kind: 'hopeless',
    level: 2,
    subject: true,
    re: r(String.raw`惩罚自己|想(?:要)?(?:感到|感受)(?:疼|痛)`),
  },
];

// ---------------------------------------------------------------------------------------------
// Harm to others

const EN_TARGET = String.raw`(?:him|her|them|my (?:[a-z]+ ){0,2}?${KIN_EN}|his (?:[a-z]+ ){0,2}?${KIN_EN}|her (?:[a-z]+ ){0,2}?${KIN_EN}|the (?:kids|people|guy|girl|man|woman|teacher|boss|bitch|bastard|bullies)|(?:those|these|the) [a-z]+ (?:who|that)|everyone|everybody|people|that (?:guy|girl|man|woman|bitch|bastard|asshole|teacher|kid|dude|prick)|someone|somebody|you|u|ya|他们|她们|他|她|那个人|那些人)`;

const HARM_OTHERS: RiskRule[] = [
  {
    code: 'harm_others.threat',
    category: 'harm_others',
    kind: 'threat',
    level: 2,
    subject: true,
    re: r(
      String.raw`\b(?:going to|gonna|gunna|will|i'?ll|ill|want to|wanna|wants to|need to|about to|plan(?:ning)? to|ready to|i'?m|fixing to|finna|gotta|have to)\s(?:fucking |seriously |really |actually |just |finally |literally )?(?:kill|murder|stab|shoot|strangle|choke|poison|hurt|beat|attack|run over|smother|drown|knife|gut|slaughter|torture|beat up|burn)\s?${EN_TARGET}(?:(?<=[\u4e00-\u9fff])|(?![a-z]))`,
    ),
  },
  {
    code: 'harm_others.threat',
    category: 'harm_others',
    kind: 'threat',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:bring|bringing|take|taking|carry|carrying)\s(?:a |my |my dad'?s |my father'?s |his |her |the |our |a loaded )?(?:gun|rifle|pistol|knife|weapon|bomb|machete)\s(?:to|into)\s(?:school|class|work|the office|church|the mall|campus|his house|her house)\b|\bshoot up (?:the|my|a|our) (?:school|class|office|mall|church|place)\b|\bset (?:his|her|their|the) (?:car|house|home|room|apartment|flat|place)\s(?:on fire|alight|ablaze)\b`,
    ),
  },
  {
    code: 'harm_others.stalking',
    category: 'harm_others',
    kind: 'threat',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:i'?ve been|i have been|i keep|i'?m|been|started)\s(?:secretly )?(?:following|stalking|tracking)\s(?:her|him|them|my ex)\b`,
    ),
  },
  {
    code: 'harm_others.intrusive',
    category: 'harm_others',
    kind: 'intrusive',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:thinking about|thoughts (?:of|about)|urge to|urges to|want to|wanna|scared (?:i'?ll|i will|i might|of)|afraid (?:i'?ll|i will|i might|of)|might|could)\s(?:hurting|hurt|shake|shaking|hit|hitting|smother|smothering|drown|drowning|harm|harming|kill|killing|strangle|throw|throwing)\s(?:my |the |our )?(?:baby|newborn|kid|kids|child|children|son|daughter|infant|toddler)\b`,
    ),
  },
  // Chinese (and English verbs inside a Chinese sentence)
  {
    code: 'harm_others.threat',
    category: 'harm_others',
    kind: 'threat',
    level: 2,
    subject: true,
    re: r(
      String.raw`(?:要|想|会|真想|好想|真的想|打算|准备|就去|去|迟早|一定要|一定|发誓要|发誓|非要|恨不得|要去)(?:把${ZH_OBJ})?[^，,。！？!?]{0,4}?(?:杀了|杀死|弄死|捅死|砍死|掐死|毒死|撞死|宰了|干掉|捅|砍|杀|伤害|报复|揍|打|kill|stab|hurt|poison|beat)(?:${ZH_OBJ})|(?:要|想|会|真想|好想|真的想|打算|准备|就去|迟早|一定要|非要|恨不得)(?:把${ZH_OBJ})?[^，,。！？!?]{0,4}?(?:杀了|杀死|弄死|捅死|砍死|掐死|毒死|宰了|干掉)(?!我)|(?:^|[，,。！？!?])(?:弄死|杀了|捅死|砍死)(?:${ZH_OBJ})`,
    ),
  },
  {
    code: 'harm_others.threat',
    category: 'harm_others',
    kind: 'threat',
    level: 2,
    subject: true,
    re: r(String.raw`让(?:他|她|他们|她们)(?:都)?(?:付出代价|血债血偿|不得好死)|血债血偿`),
  },
  {
    code: 'harm_others.intrusive',
    category: 'harm_others',
    kind: 'intrusive',
    level: 2,
    subject: true,
    re: r(
      String.raw`(?:想|忍不住想|控制不住(?:地)?(?:想)?|好想)[^，,。！？!?]{0,4}?(?:打|掐|摇|伤害|掐死|闷死|摔|揍)[^，,。！？!?]{0,4}?(?:孩子|宝宝|儿子|女儿|他|她)`,
    ),
  },
];

// ---------------------------------------------------------------------------------------------
// Abuse the user suffers

const EN_ABUSER = String.raw`(?:he|she|they|his [a-z]+|her [a-z]+|my (?:[a-z]+ ){0,2}?${KIN_EN}|the (?:kids|boys|girls|guys|bullies|teacher|coach|older kids)|kids|bullies|someone|somebody|people|this guy|a guy|the guy|(?:mom|dad|mum)|${KIN_EN})`;

const ABUSE: RiskRule[] = [
  {
    code: 'abuse.physical',
    category: 'abuse',
    kind: 'abuse',
    level: 3,
    re: r(
      String.raw`\b${EN_ABUSER}(?:\s[a-z']+){0,4}?\s(?:hits|hit|beats|beat|punches|punched|slaps|slapped|chokes|choked|strangles|strangled|kicks|kicked|shoves|shoved|whips|whipped|burns|burned|smacks|smacked|hurts|hurt|throws things at|threw things at|beats up|beat up|chokes|grabs|grabbed|drags|dragged)\s?(?:me|我)\b(?! up\b(?! every| again| all| after| at| whenever| when))(?! at| in (?:chess|a|the|every)| to it| to the| by| on points| with (?:the|some|a|this|that) (?:news|truth|question|idea|facts|story|fact|info))`,
    ),
  },
  {
    code: 'abuse.physical',
    category: 'abuse',
    kind: 'abuse',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:get|gets|got|getting|am|'m|was|were|been|being|keep getting|keeps getting|i'?m being)\s(?:being\s)?(?:beaten(?: up)?|punched|slapped|choked|kicked|abused|raped|molested|assaulted|sexually (?:assaulted|abused)|groped|bullied and beaten|threatened|stalked|hit(?! by (?:a|an|the|some|this|that)\b)(?! hard\b))\b`,
    ),
  },
  {
    code: 'abuse.sexual',
    category: 'abuse',
    kind: 'abuse',
    level: 3,
    re: r(
      String.raw`\b(?:raped|rapes|molested|molests|groped|gropes|sexually (?:assaulted|abused|assaults|abuses))\s?(?:me|我)\b|\b${EN_ABUSER}(?:\s[a-z']+){0,3}?\s(?:touches|touched|touching|gropes|groped|fondles|fondled)\s(?:me\b(?! (?:deeply|so much|emotionally))|my (?:body|chest|breasts?|private|privates|butt|thighs?|legs|crotch|underwear))|\b(?:makes|made|forces|forced|making|forcing)\sme\s(?:to\s)?(?:do (?:things|stuff|sexual|it)|have sex|touch (?:him|her|them)|watch porn|send (?:nudes|pics|photos))\b`,
    ),
  },
  {
    code: 'abuse.threat',
    category: 'abuse',
    kind: 'abuse',
    level: 3,
    re: r(
      String.raw`\b(?:said|says|saying|told me|tells me|threatened|threatens|threatening|swore|swears|promised|texted|keeps saying|screaming|yelling|shouting|screamed|yelled)\s(?:me\s)?(?:that\s)?(?:he|she|they|he'?ll|she'?ll|they'?ll|he'?d|she'?d|they'?d|he would|she would|he will|she will|he'?s|she'?s|they'?re|to|it)?\s?(?:'ll |will |would |'d |is going to |'s going to |are going to |gonna |going to )?(?:kill|hurt|beat|shoot|stab|burn|end|murder|break)\s(?:me|my (?:kids|children|family|dog|cat|mom|legs|neck))\b|\bthreaten(?:s|ed|ing)?\s?(?:me|我|to (?:kill|hurt|post|share|send|leak|release|show|tell|expose|out|take) (?:me|my|our|the|everyone|pictures|photos|pics|nudes|videos))\b`,
    ),
  },
  {
    code: 'abuse.control',
    category: 'abuse',
    kind: 'abuse',
    level: 3,
    re: r(
      String.raw`\blocked me (?:in|inside|up)\b|\b(?:won'?t|doesn'?t|don'?t|never) let me (?:leave|go out|go home|see (?:my|anyone)|talk to (?:anyone|my)|have (?:money|my phone))\b|\b(?:is|are|keeps|has been|'s been|been)\s(?:stalking|following) me\b|\bstalking me\b|\bfollowing me (?:home|everywhere|around)\b|\bkeeps? (?:showing up|turning up) (?:at|outside) my\b[^.!?]{0,30}?\bthreat`,
    ),
  },
  {
    code: 'abuse.physical',
    category: 'abuse',
    kind: 'abuse',
    level: 3,
    re: r(
      String.raw`\b(?:bruises|marks|welts|a black eye|black eyes)\s(?:all over|everywhere|on my)\b[^.!?]{0,40}?\b(?:he|she|they|him|her|them|from what|gave me|did)\b`,
    ),
  },
  {
    code: 'abuse.fear',
    category: 'abuse',
    kind: 'hopeless',
    level: 2,
    subject: true,
    re: r(
      String.raw`\b(?:scared|afraid|terrified) (?:to go home|of (?:my|him|her) (?:husband|wife|boyfriend|girlfriend|partner|dad|father|mom|mother|stepdad|stepfather))\b|\bnowhere (?:to go|safe)\b|不敢回家`,
    ),
  },
  {
    code: 'abuse.topic',
    category: 'abuse',
    kind: 'topic',
    level: 1,
    subject: true,
    re: r(
      String.raw`\bdomestic (?:violence|abuse)\b|\b(?:child|sexual|physical|emotional|verbal|domestic) abuse\b|\babusive\b|家暴|性侵|强奸|猥亵|虐待`,
    ),
  },
  // Chinese
  {
    code: 'abuse.physical',
    category: 'abuse',
    kind: 'abuse',
    level: 3,
    re: r(
      String.raw`${ABUSER_ZH}[^，,。！？!?]{0,8}?(?:打我|揍我|踢我|扇我|掐我|抽我|勒我|推我|烫我|咬我|打了我|打得我|hit我|hits我|beat我|beats我|hurt我|对我动手|动手打|拿[^，,。！？!?]{1,4}?(?:打|抽)我)(?![^，,。！？!?]{0,4}?(?:电话|手机|视频|游戏|招呼|包票|一顿也不))`,
    ),
  },
  {
    code: 'abuse.physical',
    category: 'abuse',
    kind: 'abuse',
    level: 3,
    subject: true,
    re: r(
      String.raw`(?:被|挨)(?:${ABUSER_ZH})?[^，,。！？!?]{0,4}?(?:打|揍|踢|家暴|虐待|强奸|性侵|猥亵|侵犯|打了)(?!车|电话|针|卡|分|游戏|败|折)|挨打|挨揍|家暴我|被\s?(?:sexually (?:assaulted|abused)|raped|molested|abused|beaten|hit)`,
    ),
  },
  {
    code: 'abuse.bullying',
    category: 'abuse',
    kind: 'hopeless',
    level: 2,
    subject: true,
    re: r(String.raw`被[^，,。！？!?]{0,4}?(?:欺负|霸凌)`),
  },
  {
    code: 'abuse.sexual',
    category: 'abuse',
    kind: 'abuse',
    level: 3,
    re: r(
      String.raw`(?:趁|偷偷|总是|经常|老是|一直|强行)[^，,。！？!?]{0,10}?摸我(?!的?头)|摸我的?(?:身体|胸|下面|屁股|大腿|隐私)`,
    ),
  },
  {
    code: 'abuse.threat',
    category: 'abuse',
    kind: 'abuse',
    level: 3,
    re: r(
      String.raw`(?:说|威胁|扬言|发消息说|喊着|吼着)[^，,。！？!?]{0,12}?(?:要|会|就)?(?:杀了|弄死|打死|杀|砍死|捅死|收拾|kill)我|(?:威胁|恐吓)我|(?:发|曝光|传|公开)(?:出去)?我的?(?:裸照|私密照|隐私照片|视频)|我的?(?:裸照|私密照)[^，,。！？!?]{0,6}?(?:发出去|曝光|传出去)|threat(?:en|ens|ened|ening)?我`,
    ),
  },
  {
    code: 'abuse.control',
    category: 'abuse',
    kind: 'abuse',
    level: 3,
    re: r(
      String.raw`把我(?:锁|关)(?:在|起来)|锁在(?:房间|屋|家)里|不让我(?:出门|离开|走|回家|见人|跟别人)|跟踪我|一直跟着我|要让我好看`,
    ),
  },
];

// ---------------------------------------------------------------------------------------------
// Means at hand, a plan named as such, self-harm said through the body part, danger on a height

const MORE: RiskRule[] = [
  {
    code: 'suicide.intent.plan',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:plan(?:ning|ned)?|prepar(?:e|ing|ed)|picked (?:a|the) (?:date|day) for|scheduled) my (?:own )?(?:suicide|death|exit|last day)\b`,
    ),
  },
  {
    code: 'suicide.intent.means',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:going to|gonna|will|i'?ll|want to|wanna|ready to|about to|plan(?:ning)? to)\s(?:just )?(?:take|swallow|down|drink|eat)\s(?:them all|all of them|all (?:of )?(?:my|the|these|those) (?:[a-z]+ )?${DRUG_EN}|the (?:whole|entire) (?:bottle|box|pack|packet|strip))\b`,
    ),
  },
  {
    code: 'suicide.means',
    category: 'suicide',
    kind: 'hopeless',
    level: 2,
    subject: true,
    re: r(
      String.raw`\b(?:bought|got|have|found|ordered|tied|made|hung|keep)\s(?:a |some |the |my )?(?:rope|noose)\b|\b(?:rope|noose)\s(?:is |are )?(?:ready|tied|up|hanging)\b`,
    ),
  },
  {
    code: 'suicide.burden',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    re: r(
      String.raw`\b(?:happier|easier|better|lighter)\s(?:off\s)?(?:without me(?! (?:at|in|on|for|this|while|during)\b)|if i (?:was|were) (?:gone|dead|not (?:here|around)))\b`,
    ),
  },
  {
    code: 'suicide.imminent',
    category: 'suicide',
    kind: 'attempt',
    level: 4,
    subject: true,
    re: r(
      String.raw`(?:站在|坐在|站到|爬上|在)(?:了)?(?:楼顶|天台|桥上|桥边|窗台|阳台边|楼顶边|天台边|窗户外|栏杆外)[^。！？!?]{0,12}?(?:不想下去|不下去了|想跳|要跳|跳下去|往下跳)`,
    ),
  },
  {
    code: 'self_harm.current',
    category: 'self_harm',
    kind: 'self',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:cut|cutting|burn(?:ed|t|ing)?|scratch(?:ed|ing)?|hit|hitting|carv(?:ed|ing)|stabb?(?:ed|ing)|bruis(?:ed|ing))\s(?:into )?my\s(?:arms?|wrists?|thighs?|legs?|skin|hands?|stomach|hips?|body)\b[^.!?]{0,40}?\b(?:on purpose|deliberately|intentionally|to feel|so i (?:could|can) feel)\b|\b(?:been|keep|kept|started|start)\s(?:cutting|burning|scratching|carving)\s(?:into )?my\s(?:arms?|wrists?|thighs?|legs?|skin|stomach|hips?)\b`,
    ),
  },
  {
    code: 'self_harm.current',
    category: 'self_harm',
    kind: 'self',
    level: 3,
    subject: true,
    re: r(
      String.raw`(?:又|想|好想|忍不住|控制不住|还想|又想)(?:想)?(?:去)?(?:划|割)(?=了|$|[，,。！？!?]|一下|几刀|几下|下去)|\bsh(?:了|过了)|\brelapse(?:d)?了`,
    ),
  },
  {
    code: 'suicide.wish',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:i (?:just |really |honestly )?(?:want|wanna|need) (?:to )?|i'?m (?:just |finally |really )?(?:going to|gonna|ready to) (?:just |finally )?)end it$|\bwish i (?:didn'?t|did not|could stop|could just stop|could just not) (?:exist|existing|live|living|be alive)\b|\bwish i (?:wasn'?t|weren'?t|was not) (?:alive|born|here anymore)\b|\bbetter off dead\b|\b(?:death|dying|suicide|killing my ?self) (?:is|seems|feels like|looks like) (?:the|my) only (?:way out|way|option|answer|escape|solution)\b|\bonly (?:way out|escape|option|answer) is (?:death|dying|suicide|to die|to kill my ?self)\b`,
    ),
  },
  {
    code: 'suicide.hopeless',
    category: 'suicide',
    kind: 'hopeless',
    level: 2,
    subject: true,
    re: r(
      String.raw`\b(?:my )?life (?:is|feels|seems) (?:so |completely |totally )?(?:pointless|meaningless|worthless|over)\b|\b(?:want|need|wanna) out\b(?! of| for| to| from| tonight| today)|\b(?:want|wanna|going|gonna|ready|need) (?:to )?(?:just |finally |really |honestly )?end it\b(?! with| between| for | all| here| there| off)|\b(?:nobody|no one|no-one|noone) (?:cares|gives a (?:damn|shit|fuck)|would care|will care|loves me)\b|没(?:有)?人(?:会)?(?:在乎|在意|关心)我?|撑不住|扛不住|想死的心都有`,
    ),
  },
  {
    code: 'abuse.sexual',
    category: 'abuse',
    kind: 'abuse',
    level: 3,
    re: r(
      String.raw`(?:${ABUSER_ZH}|有人|那个人|他)[^，,。！？!?]{0,6}?(?:强奸|性侵|猥亵|侵犯|强暴)(?:了)?我`,
    ),
  },
  {
    code: 'self_harm.current',
    category: 'self_harm',
    kind: 'self',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:relaps(?:ed|ing)|slipped up)\b[^.!?]{0,20}?\b(?:cut|cutting|sh|burn(?:ed|t)?|hurt my ?self)\b|\bi cut (?:last night|yesterday|this morning|tonight)\b`,
    ),
  },
  {
    code: 'suicide.method',
    category: 'suicide',
    kind: 'method',
    level: 3,
    re: r(
      String.raw`\bhow (?:many|much)\b[^.!?]{0,40}?\b(?:would|will|could|can|does it take to|it takes to|to) (?:kill (?:me|a person|someone|you|an adult)|be (?:lethal|fatal|deadly)|put me (?:to sleep forever|in a coma))\b|(?:怎么|如何|怎样|什么办法|哪种方法|什么方法|有什么办法|有没有办法)(?:才能|可以|能|才可以)?(?:无痛|不痛|快速|安静|轻松|快点)?(?:地)?(?:自杀|去死|死掉|结束(?:自己的)?生命|了结自己)(?!的|了)`,
    ),
  },
  {
    code: 'suicide.intent',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    subject: true,
    re: r(
      String.raw`(?:想|要|打算|准备|干脆)(?:把自己)?(?:饿死|撞死|淹死|冻死|毒死|勒死|摔死)(?:自己|算了)`,
    ),
  },
  {
    code: 'abuse.control',
    category: 'abuse',
    kind: 'abuse',
    level: 3,
    re: r(String.raw`\b(?:locks|locking|lock) me (?:in|inside|up|out)\b`),
  },
  {
    code: 'abuse.physical',
    category: 'abuse',
    kind: 'abuse',
    level: 3,
    re: r(
      String.raw`${ABUSER_ZH}[^，,。！？!?]{0,6}?把我(?:推下|推倒|踢倒|摔在|摔到|按在|按进|扔出|拖到|打到|打得)`,
    ),
  },
  {
    code: 'suicide.wish',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:don'?t|do not|can'?t|cannot|dont|cant) see (?:the|a|any) (?:point|reason) (?:in|of|to|for) (?:living|going on|waking up|being alive|life|staying alive|existing|live|wake up|go on|keep going)\b|(?:想|希望|好想|真想|但愿|只想)(?:就这样)?(?:一睡不醒|长睡不醒|睡过去就(?:别|不要|不再)醒)|活着(?:还|到底|究竟)?有什么(?:意义|意思|用|盼头)|(?:如果|要是|假如)我(?:死了|不在了|消失了)[^。！？!?]{0,10}?(?:会有人|有人会|谁会|会不会有人)(?:难过|伤心|在乎|发现|想我|哭|在意)`,
    ),
  },
  {
    code: 'suicide.intent.means',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:rope|noose)\s(?:is |are )?(?:ready|tied|set up|hanging)\b|\b(?:have|got|has) (?:the|a|my) (?:rope|noose|pills|gun) ready\b|\b(?:use|turn|point) (?:it|the gun|a gun|the knife|the pills|them|this) on my ?self\b|(?:买好|买到|准备好|备好|藏好)(?:了)?[^，,。！？!?]{0,4}?(?:安眠药|木炭|炭|农药|绳子|刀片|百草枯)|(?:准备|打算|想|要)[^，,。！？!?]{0,4}?(?:吃|吞|喝)(?:掉)?(?:所有的?|全部的?|一整瓶|整瓶|一瓶|一盒|一把)?(?:安眠药|农药|老鼠药|百草枯)(?![^，,。！？!?]{0,4}(?:睡|助眠))`,
    ),
  },
  {
    code: 'suicide.farewell',
    category: 'suicide',
    kind: 'farewell',
    level: 3,
    re: r(
      String.raw`\bthis is (?:my )?goodbye$|\bthis is (?:my )?goodbye (?:to (?:you|everyone|all of you)|forever|for good|then)\b|\bsorry for everything\b[^.!?]{0,30}?\b(?:goodbye|bye)\b|最后一(?:条|次|段)(?:消息|信息|留言|对话)`,
    ),
  },
  {
    code: 'self_harm.current',
    category: 'self_harm',
    kind: 'self',
    level: 3,
    subject: true,
    re: r(
      String.raw`\bpunish(?:ing|ed)? ${MYSELF}\b[^.!?]{0,30}?\b(?:by|with)\s(?:not eating|starving|cutting|burning|hitting|hurting|scratching)\b|(?:抠|挠|烧|饿|勒|捶)(?:了|伤了|伤)?自己|(?:抠|挠|抓|掐|咬|撞|打|捶)[^，,。！？!?]{0,6}?(?:到|得)(?:出血|流血|淤青|发青|青紫|破皮)`,
    ),
  },
  {
    code: 'harm_others.threat',
    category: 'harm_others',
    kind: 'threat',
    level: 3,
    subject: true,
    re: r(
      String.raw`(?:带|拿)(?:着)?(?:刀|枪|斧头|汽油|炸药)[^，,。！？!?]{0,6}?(?:去|到)(?:学校|公司|他家|她家|单位|教室)`,
    ),
  },
  {
    code: 'harm_others.threat',
    category: 'harm_others',
    kind: 'threat',
    level: 2,
    subject: true,
    re: r(String.raw`(?:要|想|去|准备|打算)[^，,。！？!?]{0,6}?(?:砍人|杀人|捅人|报复社会)`),
  },
  {
    code: 'harm_others.intrusive',
    category: 'harm_others',
    kind: 'intrusive',
    level: 2,
    subject: true,
    re: r(
      String.raw`(?:怕|担心)(?:我)?(?:会|真的会)?(?:伤害|打|掐|摔|闷死|掐死)(?:我的)?(?:孩子|宝宝|儿子|女儿)|(?:想|忍不住想)把(?:孩子|宝宝|儿子|女儿|他|她)(?:摔|扔|掐|闷|摇)`,
    ),
  },
];

// ---------------------------------------------------------------------------------------------
// General structures: the same meaning in other words and another order. Each is a class of
// expression (a first person with a verb of wishing or planning and an ending of life for its
// object; an overdose told after the fact; a question of height or depth and death; a burden and
// a world easier without the user; a date beside dying; a farewell said as thanks), not a line.

const TIME_ZH = String.raw`(?:今晚|今天晚上|今夜|明天|明晚|后天|下周|下个?星期|下个?礼拜|下个月|这周末|这个周末|周末|月底|年底|过几天|过两天|过完年|生日(?:那天)?|考完|周[一二三四五六日天]|星期[一二三四五六日天]|礼拜[一二三四五六日天])`;
const ENDING_ZH = String.raw`(?:去死|自杀|轻生|寻死|结束(?:掉)?(?:自己|我自己|生命|我的生命|自己的生命|这一切|一切)|了结(?:自己)?|自我了断|跳楼|跳河|跳江|跳桥|跳海|上吊|烧炭|离开这个世界)`;
const ALL_OF_THEM = String.raw`(?:all of (?:them|it)|them all|it all|every (?:single |last )?(?:one|pill|tablet)|the (?:whole|entire) (?:bottle|box|pack|packet|strip|thing|lot)|all at once)`;

const CLASSES: RiskRule[] = [
  // A first person ending life, things, everything, for good or by intent.
  {
    code: 'suicide.intent',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    subject: true,
    re: r(
      String.raw`\bi(?:'ll|'m| will| am| just| finally| really)?(?: going to| gonna| about to| ready to| want to| wanna| need to| have to| gotta| decided to| plan(?:ning)? to)?(?: just| finally| really)? end (?:it all|it|things|everything|my (?:own )?(?:life|existence)) (?:for good|once and for all|permanently|forever|for real)\b|\b(?:going to|gonna|about to|ready to|want to|wanna|need to|decided to|plan(?:ning)? to|gotta|i'?ll|i will)\s(?:just |finally |really )?end (?:it all|things|everything|my (?:own )?existence|my suffering for good)\b(?! (?:with|between|on|at|early|off|here|there)\b)|\b(?:is|will be|'s) the (?:night|day|week) (?:i|that i) (?:end (?:it|it all|things|everything|my life)|kill my ?self|do it)\b|\b(?:think|thinking|thinkin|thought|thoughts)(?: about| bout| abt| of) (?:endin'?g?|ending) (?:it|it all|my life|things|everything)\b`,
    ),
  },
  // "What's even the point of being alive", "why am I still alive".
  {
    code: 'suicide.wish',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:what'?s|what is|whats|wats|is there)(?: even| really| actually| honestly| just)?(?: the| any| a)? (?:point|use|reason|purpose|sense) (?:of|in|for|to)(?: me)?(?: even)? (?:being alive|living|live|going on|existing|exist|staying alive|stay alive|being here|waking up|wake up|keep(?:ing)? (?:going|living|on)|carrying on|trying to (?:live|stay alive))\b(?! (?:with|about|at|in|for|to|a|an|the|my|this|that|these|those|dates?|trips?|vacation|holiday|like (?:this|that))\b)|\bwhy (?:am i|do i|should i|would i|must i)(?: even| still| even still)? (?:alive|bother (?:living|staying alive|waking up)|keep living|exist|be alive|stay alive|wake up every ?day)\b`,
    ),
  },
  // Ending oneself: 结束自己, 结束我自己 (not 结束自己的工作).
  {
    code: 'suicide.intent',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    subject: true,
    re: r(
      String.raw`(?:想|要|好想|真想|只想|打算|准备|决定|想要|干脆|就|会)(?:把自己)?结束(?:掉)?(?:自己|我自己|这条命|我的命)(?![的地得])`,
    ),
  },
  // A date beside dying: 下周就去死, 明天就结束这一切.
  {
    code: 'suicide.intent',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    subject: true,
    re: r(String.raw`${TIME_ZH}[^，,。！？!?]{0,6}?(?:就|要|会|准备|打算|决定|一定)?${ENDING_ZH}`),
  },
  // Reversed order: "自杀 我想", "kms 我真的想".
  {
    code: 'suicide.intent',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    re: r(
      String.raw`(?:自杀|轻生|去死|结束这一切|结束自己|kms|suicide|kill my ?self)[，,\s]*我(?:是)?(?:真的|真|好|很|一直|每天都)?(?:想|想要)(?:了|啊|呀)?(?=$|[，,。！？!?])`,
    ),
  },
  // Not being around after a date or much longer.
  {
    code: 'suicide.farewell',
    category: 'suicide',
    kind: 'farewell',
    level: 3,
    re: r(
      String.raw`\bi(?:'m| am)? (?:won'?t|will not|not going to|not gonna|'m not going to|am not going to) be (?:around|here|alive|breathing) (?:anymore|any more|much longer|for (?:much )?long(?:er)?|by (?:the end of (?:the |this )?(?:week|month|year)|tomorrow|morning|tonight|[a-z]+day|next [a-z]+|then)|next (?:week|month|year)|to see (?:it|tomorrow|next|the))\b(?![^.!?]{0,40}\b(?:because|cause|cuz|coz|since|appointment|trip|holiday|vacation|visiting|leave|off|work|shift|travel\w*|flight|away|busy|out of town|company|job|office|school|class|conference|camp)\b)`,
    ),
  },
  // Farewells without a goodbye formula: two of them in one message read as high.
  {
    code: 'suicide.farewell',
    category: 'suicide',
    kind: 'farewell',
    level: 3,
    re: r(
      String.raw`\b(?:say|said|saying) (?:goodbye|bye|my goodbyes|good-bye)\b[^.!?]{0,40}?\bbefore i (?:go|die|do it|end it|disappear|leave this world)(?=$|,|\s(?:forever|for good|tonight))`,
    ),
  },
  {
    code: 'suicide.farewell',
    category: 'suicide',
    kind: 'hopeless',
    level: 2,
    subject: true,
    re: r(
      String.raw`\bthank(?:s| you) for everything\b|\bsorry for (?:everything|all the trouble|being (?:such )?a burden)\b|\byou(?:'re| are| were| was) the only (?:one|person|thing) (?:who|that) (?:ever )?(?:listened|cared|understood|got me)\b(?! (?:to me )?(?:when|during|while|after|at|about)\b)|谢谢你(?:一直|这么久|陪(?:了)?我(?:这么久|这些日子|走过))|对不起(?:大家|所有人)|替我(?:跟|和|向)[^，,。！？!?]{0,6}?(?:说|道歉|道别)|帮我照顾(?:好)?(?:我的|我妈|我爸|我的猫|我的狗|猫|狗)`,
    ),
  },
  // An overdose told after the fact: took the pills, all of them.
  {
    code: 'suicide.attempt',
    category: 'suicide',
    kind: 'attempt',
    level: 4,
    subject: true,
    re: r(
      String.raw`\b(?:took|swallowed|downed|popped|taken|ate|drank|chugged)\b[^.!?]{0,30}?\b${DRUG_EN}\b[^.!?]{0,15}?\b${ALL_OF_THEM}\b|\b${DRUG_EN}\b[^.!?]{0,60}?\b(?:took|swallowed|downed|popped|taken|ate|drank)\s(?:them all|all of them|every (?:single )?one(?: of them)?|it all)\b|\b(?:od'?d|od'?ed|overdosed) on (?:my |the |her |his |some |a bunch of |[a-z]+ )?${DRUG_EN}\b|\b(?:swallowed|downed|overdosed on)\s(?:them|it|those|these)\b[^.!?]{0,6}?\ball(?: of (?:them|it))?\b|\b(?:swallowed|downed|chugged|overdosed on|od'?d on)\s(?:all (?:of )?(?:my|the|those|these)|the rest of (?:my|the))\s(?:[a-z]+ )?${DRUG_EN}\b|\b(?:took|taken|ate|popped)\s(?:all (?:of )?(?:my|the|those|these)|the rest of (?:my|the))\s(?:[a-z]+ )?${DRUG_EN}\s(?:at once|in one go|at the same time|together)\b`,
    ),
  },
  // Means named, then taking all of it: "a bottle of oxycodone... thinking of taking it all".
  {
    code: 'suicide.intent.means',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b${DRUG_EN}\b[^.!?]{0,60}?\b(?:tak(?:e|ing)|swallow(?:ing)?|down(?:ing)?|drink(?:ing)?|od(?:ing)? on)\s${ALL_OF_THEM}\b|\b(?:thinking (?:about|of)|considering|tempted to|might|could (?:just)?)\s(?:just )?(?:tak(?:e|ing)|swallow(?:ing)?|down(?:ing)?)\s(?:all (?:of )?(?:my|the|these|those) (?:[a-z]+ )?${DRUG_EN}|the (?:whole|entire) (?:bottle|box|pack))\b`,
    ),
  },
  // Chinese: swallowed a quantity of a named drug; took all the pills.
  {
    code: 'suicide.attempt',
    category: 'suicide',
    kind: 'attempt',
    level: 4,
    subject: true,
    re: r(
      String.raw`(?:吞|吃|喝|服)(?:了|下|掉|下了)(?:like |大概|差不多|将近|快|足足)?(?:一整瓶|一瓶|整瓶|一整板|一板|整板|一整盒|一盒|整盒|好几盒|好几瓶|好多|很多|一大把|一把|所有的?|全部的?|[1-9]\d|\d{3}|几十|一百多|上百|半瓶)(?:片|颗|粒|个|瓶|盒|板)?[^，,。！？!?]{0,6}?(?:${DRUG_ZH}|${DRUG_EN})|把(?:所有|全部|一整瓶|整瓶|一整盒|整盒|一瓶|一盒|一整板|一板)的?(?:${DRUG_ZH})(?:都|全|一次|一口气)?(?:吞|吃|喝)(?:了|掉|下去)`,
    ),
  },
  // Height, depth, number and death: 几楼才会死, how deep to cut to die.
  {
    code: 'suicide.method',
    category: 'suicide',
    kind: 'method',
    level: 3,
    re: r(
      String.raw`(?:跳楼|跳桥|跳河|跳江|跳海|跳下去|上吊|割腕|割手腕|烧炭|吞药|${DRUG_ZH}|楼|割|划)[^，,。！？!?]{0,8}?(?:几楼|几层|多高|多深|多少|多久|几片|几颗|几粒|几瓶|多长时间|几米)[^，,。！？!?]{0,4}?(?:才会死|才能死|会死|能死|就死|死得了|死得掉|死得成|致死|致命|必死|死透)|(?:几楼|几层|多高|多深|几米)[^，,。！？!?]{0,6}?(?:跳|摔|割|划)[^，,。！？!?]{0,4}?(?:会死|能死|才会死|死得了|必死)|\b(?:will|would|could|can|does|do|is|are)\b[^.!?]{0,20}?\b(?:[1-9]\d|\d{3}|a (?:whole |full )?(?:bottle|pack|box|handful|strip)|(?:the|a) (?:whole|entire) (?:bottle|box|pack)|all (?:of )?(?:my|the|these|those))\b[^.!?]{0,15}?\b${DRUG_EN}\b[^.!?]{0,20}?\b(?:kill (?:me|you|a person|someone)|be (?:lethal|fatal|deadly|enough to die)|be enough)\b|\bhow (?:deep|high|hard|far|long|many (?:floors|stories|storeys))\b[^.!?]{0,40}?\b(?:cut|fall|jump|drop|bleed|hang)\w*\b[^.!?]{0,30}?\b(?:die|be fatal|be lethal|kill (?:you|me|a person|someone))\b`,
    ),
  },
  // A burden, and the others easier without the user.
  {
    code: 'suicide.burden',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    re: r(
      String.raw`(?:没有我|没了我|我不在了|我死了|我消失了)(?:以后|之后)?[^，,。！？!?]{0,8}?(?:会|就|都|也|应该)?(?:更好|好过|轻松|更轻松|开心|更开心|快乐|更快乐|解脱|省心|松(?:了)?一?口气|幸福|清净)|我[^，,。！？!?]{0,6}?(?:负担|拖累|累赘|包袱)[^。！？!?]{0,12}?(?:我死了|没有我|没了我|我不在了?|我消失|我走了|我离开)|\b(?:the world|everyone|everybody|my family|my parents|my friends|my kids|they|people)\b[^.!?]{0,30}?\b(?:better|happier|easier|lighter)\b[^.!?]{0,12}?\bwithout me\b(?! (?:for|this|while|at|on|there|in the)\b)|\b(?:every(?:one|body)|my (?:family|parents|kids|friends)|the world)(?:'d| would| will|'ll)? (?:all )?be (?:so |much |way |a lot |far )?(?:better off|happier)(?=$|,| anyway| honestly| tbh| if i\b)|\b(?:relieved|glad|happy|better off|happier) (?:if|when|once) i(?:'m| am| was| were)? (?:gone|dead|died|not (?:here|around) anymore)\b`,
    ),
  },
  {
    code: 'suicide.burden',
    category: 'suicide',
    kind: 'hopeless',
    level: 2,
    re: r(
      String.raw`我(?:只|就|只不过|不过)?是(?:个|一个)?[^，,。！？!?]{0,6}?的?(?:累赘|负担|拖累|包袱|多余的人)|(?:不想|不愿|不要)(?:再)?(?:拖累|连累|成为[^，,。！？!?]{0,4}?(?:负担|累赘))`,
    ),
  },
  // Revenge or killing planned: 计划好怎么报复他.
  {
    code: 'harm_others.threat',
    category: 'harm_others',
    kind: 'threat',
    level: 2,
    subject: true,
    re: r(
      String.raw`(?:计划|想好|决定|打算|准备)(?:好|了)?(?:了)?(?:怎么|如何|要|去|找机会)?[^，,。！？!?]{0,4}?(?:报复|弄死|干掉|杀了|杀死|捅死|砍死|毒死|做掉)(?:${ZH_OBJ})`,
    ),
  },
  // Assault: hit, slapped, kicked me (Chinese, with 了 and a count).
  {
    code: 'abuse.physical',
    category: 'abuse',
    kind: 'abuse',
    level: 3,
    re: r(
      String.raw`${ABUSER_ZH}[^，,。！？!?]{0,8}?(?:打|揍|踢|踹|扇|掐|抽|勒|推|烫|咬|掌掴)(?:了|过)?我(?![^，,。！？!?]{0,4}?(?:电话|手机|视频|游戏|招呼|包票|折|针|卡|分|一顿也不))`,
    ),
  },
  // Assault in English, struck in the face or body.
  {
    code: 'abuse.physical',
    category: 'abuse',
    kind: 'abuse',
    level: 3,
    re: r(
      String.raw`\b${EN_ABUSER}(?:\s[a-z']+){0,3}?\s(?:hit|punched|slapped|kicked|choked|smacked|shoved|elbowed|headbutted|strangled|bit|scratched|burned|beat|slammed|threw|pushed|pinned|dragged)\sme\s(?:in|on|across|against|into|to|onto|down) (?:the|my|a) (?:face|head|stomach|gut|chest|ribs|eye|mouth|nose|jaw|back|neck|throat|belly|side|arms?|legs?|wall|floor|ground|door|table|car|bed|stairs|counter|couch)\b`,
    ),
  },
];

// ---------------------------------------------------------------------------------------------
// Indirect speech: the crisis said through what the user does or has, not through a word for it.
// Each rule is a class: preparing means (buying, saving, keeping them in sight), giving one's
// things away for not needing them, stopping vital medicine on purpose, being tired of staying
// alive, disappearing for good; self-harm told through the tool or the body; a weapon with a
// person, a place or a time and no verb of harm; abuse told as being watched, tracked, hit with
// something, or threatened with one's pictures.

/** Means of suicide people buy, save, hide or keep in sight. */
const MEANS_ZH = String.raw`(?:绳子|麻绳|粗绳子|绳|木炭|炭|烧炭|胶带|刀片|剃须刀片|美工刀|百草枯|农药|老鼠药|鼠药|安眠药|煤气|${DRUG_ZH})`;
/** Tools people hurt themselves with. */
const SH_TOOL_EN = String.raw`(?:razor ?blades?|blades?|razors?|(?:pencil )?sharpeners?|box ?cutters?|exacto|x-?acto|lighters?|cigarettes?|compass|safety pins?|needles?|scissors|shards?|broken glass|glass|hot (?:iron|spoon|knife|metal)|stove|burner|curling iron|straightener)`;
const SH_TOOL_ZH = String.raw`(?:刀片|剃须刀片|剃须刀|美工刀|小刀|削笔刀|卷笔刀|圆规|烟头|打火机|别针|针|玻璃|碎玻璃|剪刀|指甲|打火机|开水|热水)`;
const BODY_EN = String.raw`(?:arms?|wrists?|thighs?|legs?|skin|hands?|palms?|stomach|belly|hips?|fingers?|shoulders?|ankles?|chest|forearms?)`;
const BODY_ZH = String.raw`(?:手腕|手臂|胳膊|大腿|腿|手背|手心|手|肚子|皮肤|身上|脚踝)`;
const WEAPON_EN = String.raw`(?:gun|guns|rifle|pistol|shotgun|handgun|knife|knives|machete|axe|hatchet|(?:baseball )?bat|crowbar|hammer|gas can|gasoline|petrol|lighter fluid|acid)`;
const WEAPON_ZH = String.raw`(?:刀|菜刀|水果刀|砍刀|匕首|枪|斧头|汽油|硫酸|棍子|铁棍|球棒|锤子|baseball bat|bat|knife|gun)`;
const TARGET_ZH = String.raw`(?:他|她|他们|她们|那几个人|那个人|那些人|那个[^，,。！？!?\s]{1,6}?)`;
/** Someone close enough to control the user: partners, exes, unnamed men and women. */
/** Someone who turns up where the user is: an ex, a stranger, an unnamed man or woman. */
const STALKER_EN = String.raw`(?:he|she|my ex|(?:my )?ex-?(?:boyfriend|girlfriend|husband|wife|bf|gf)|this (?:guy|man|woman|girl)|a (?:guy|man|woman)|some (?:guy|man|woman)|someone|somebody|a stranger)`;
const CONTROLLER_EN = String.raw`(?:he|she|they|my (?:ex|ex-?(?:boyfriend|girlfriend|husband|wife)|boyfriend|bf|girlfriend|gf|husband|wife|partner|fianc[eé]e?)|this (?:guy|man|woman|girl)|a (?:guy|man|woman)|some (?:guy|man|woman)|someone|somebody|a stranger)`;

const INDIRECT: RiskRule[] = [
  // Means saved, bought or got ready, in either order: 药我都攒好了, 炭和胶带都买好了.
  {
    code: 'suicide.intent.means',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    subject: true,
    re: r(
      String.raw`${MEANS_ZH}[^，,。！？!?]{0,8}?(?:攒好|攒够|攒齐|攒了|攒起来|存够|存好|囤好|囤够|囤了|藏好|准备好|备好|买好|买齐|都有了)|(?:攒|囤|偷偷存|偷偷藏)(?:了|好|够|起来)?[^，,。！？!?]{0,8}?(?:${DRUG_ZH}|pills|meds)`,
    ),
  },
  {
    code: 'suicide.intent.means',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:bought|buying|got|ordered|picked up)\s(?:some |a bag of |a |the )?(?:charcoal|helium)\b[^.!?]{0,30}?\b(?:tape|duct tape|hose|tank|mask|bag|seal)\b|\b(?:charcoal|helium)\b[^.!?]{0,20}?\b(?:and|plus|with)\b[^.!?]{0,10}?\b(?:duct tape|tape|a hose|hose|a bag)\b|\b(?:saving|saved|stockpiling|stockpiled|hoarding|hoarded|collecting|collected|stashing|stashed|gathering|gathered|squirrell?ing|squirrell?ed)\s(?:up\s)?(?:[a-z']+\s){0,3}?${DRUG_EN}\b|\b(?:enough|all the)\s(?:[a-z']+\s){0,2}?${DRUG_EN}\s(?:saved|stashed|hidden|put away|stockpiled)\b`,
    ),
  },
  // Means kept in sight: "a rope in my closet and I keep staring at it", counting the pills.
  {
    code: 'suicide.intent.means',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:rope|noose|pills|bottle of [a-z]+|${DRUG_EN}|razor ?blades?|gun|pistol)\b[^.!?]{0,40}?\b(?:keep|kept|can'?t stop|been)\s(?:staring|looking|going back|checking|counting|holding)\b|\b(?:keep|kept|can'?t stop|been|sat)\s(?:staring at|looking at|counting|holding|checking on)\s(?:the |my |that |this |a )?(?:[a-z']+ )?(?:rope|noose|pills|${DRUG_EN}|gun|pistol)\b(?! (?:organi[sz]er|bottle label|prescription|dosage))`,
    ),
  },
  // Giving one's things away for not needing them any more.
  {
    code: 'suicide.farewell',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:gave|giving|give|given|gifted|left|leaving|handed|sold|selling|donated|sent)\b[^.!?]{0,80}?\b(?:won'?t|wont|will not|not going to|not gonna|never going to)\s(?:be\s)?(?:need|needing|use|using|have any use for)\b(?:\s(?:it|them|any of (?:it|this|that|them)|anything|this|that|those|my [a-z]+)){0,1}\s?(?:anymore|any more|where i'?m going|after (?:this|tonight|today|this week|this month|friday|[a-z]+day)|much longer|soon|for long|again)\b`,
    ),
  },
  {
    code: 'suicide.farewell',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    subject: true,
    re: r(
      String.raw`(?:钱|存款|积蓄|所有|全部|都|全)[^。！？!?]{0,8}?(?:送给|转给|留给|托付给|送人|给了|转账给)[^。！？!?]{0,20}?(?:以后|反正|再也|之后)[^。！？!?]{0,6}?(?:用不上|用不着|不需要|不会再用|不回来|不会回来)|托付给[^。！？!?]{0,20}?(?:不打算|不会|再也不)回来`,
    ),
  },
  // Vital medicine stopped on purpose.
  {
    code: 'suicide.intent.means',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:stopped|stopping|quit|quitting|skipping|skipped|not taking|haven'?t taken|stopped taking|refusing|refuse to take|throwing away|threw away)\s(?:my |all my |the )?(?:heart|blood pressure|bp|insulin|diabetes|seizure|transplant|kidney|blood thinner|dialysis|chemo|cancer|heart failure)\b[^.!?]{0,40}?\b(?:on purpose|deliberately|intentionally|letting it happen|let it happen|so (?:it|i|that i) (?:can|could|will|would)|hoping|want it to|happen on its own|for good)\b|\b(?:on purpose|deliberately|intentionally)\s(?:stopped|stopping|skipping|skipped|not taking)\s(?:my |the )?(?:heart|blood pressure|insulin|diabetes|seizure|transplant|dialysis)\b|(?:降压药|心脏(?:的)?药|胰岛素|透析|抗排异药|救心丸|降糖药)[^。！？!?]{0,14}?(?:停了|不吃了|不打了|断了|扔了|没吃了)[^。！？!?]{0,14}?(?:故意|不想活|早点结束|早点走|就这样吧|算了|解脱|让它去)|(?:故意|干脆)(?:不吃|停了|不打|断了)(?:降压药|心脏(?:的)?药|胰岛素|降糖药)`,
    ),
  },
  // Tired of fighting to stay alive; lived long enough; nothing will get better.
  {
    code: 'suicide.wish',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:tired|sick|exhausted|weary|done)\s(?:of|with)\s(?:fighting|trying|struggling|pretending|having)\s(?:to\s|i want to\s|for\s)?(?:stay alive|staying alive|be alive|being alive|keep (?:my ?self )?alive|live|living|survive|surviving|exist|existing|my life|this life|wake up)\b|\b(?:i'?ve|i have) lived (?:long )?enough\b|\bready (?:for it all|for everything) to be over\b`,
    ),
  },
  {
    code: 'suicide.hopeless',
    category: 'suicide',
    kind: 'hopeless',
    level: 2,
    subject: true,
    re: r(
      String.raw`\bnothing (?:is |'s )?(?:ever )?(?:going to|gonna|will ever|will) (?:get|be|change|getting) better\b|\bit'?s never (?:going to|gonna) get better\b|\bnothing (?:ever )?gets better\b|\bnothing is ever getting better\b|不想(?:再)?(?:坚持|撑|熬|扛)(?:下去)?了|(?:坚持|撑|熬)不动了|(?:要是|如果|但愿|真希望|希望)我(?:从来)?(?:没有?|没被)(?:出生|被?生下来)|我(?:就)?不该(?:被)?(?:出生|生下来)`,
    ),
  },
  // Disappearing for good, not waking, not coming back.
  {
    code: 'suicide.wish',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:want|wanna|wnat|need|wish i could|going to|gonna)\s(?:to\s)?(?:just\s)?(?:dis+ap+e+ar|vanish|fade away|go away)\s(?:forever|for good|permanently|for ever|and never (?:come back|be found|wake up))\b|\b(?:sleep|go to sleep|fall asleep)\s(?:and|n)\s(?:not|never)\s(?:have to\s)?(?:come back|wake up|wake|return)\b|(?:就这样|彻底|永远|从这个世界上?)(?:地)?消失|(?:现在|干脆|就这样|直接)就?消失(?:也行|算了|就好了|也好|吧)|消失[^，,。！？!?]{0,4}?(?:再也不|永远不)(?:回来|出现)|(?:想|好想|只想|希望)(?:一直)?睡(?:下去|过去)?(?:就)?(?:不要|不用|不再|再也不|别)(?:再)?醒`,
    ),
  },
  // Would anyone notice if the user were gone, in either order.
  {
    code: 'suicide.burden',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    re: r(
      String.raw`\bif i (?:disappeared|vanished|was gone|were gone|died|just (?:disappeared|vanished|died|stopped existing)|stopped existing|wasn'?t here|weren'?t here|wasn'?t around|weren'?t around|was dead|were dead)\b[^.!?]{0,40}?\b(?:would|will|'d)\s(?:anyone|anybody|any ?one|people|someone|a single (?:person|soul)|my (?:family|friends|parents))(?: even| actually| really| ever)?\s(?:notice|care|realise|realize|miss me|ask|look for me)\b|\b(?:would|will)\s(?:anyone|anybody|people|a single person)(?: even| actually| really| ever)?\s(?:notice|care|realise|realize|miss me)\b[^.!?]{0,30}?\bif i (?:disappeared|vanished|was gone|were gone|stopped existing|wasn'?t (?:here|around))\b|\b(?:the world|everyone|everybody|my family|they|people)\b[^.!?]{0,20}?\b(?:keep (?:spinning|going|turning)|be (?:just )?fine|be better)\b[^.!?]{0,6}?\bwithout me\b(?! (?:at|for|on|this|while|during|there)\b)`,
    ),
  },
  // Where and when decided: 想好在哪里结束, 选好了地方.
  {
    code: 'suicide.intent.plan',
    category: 'suicide',
    kind: 'intent',
    level: 3,
    subject: true,
    re: r(
      String.raw`(?:想好|选好|找好|定好|挑好|看好)(?:了)?(?:在)?(?:哪里|哪儿|什么时候|哪天|哪一天|怎么|地方|日子|时间|哪座桥|哪栋楼)[^，,。！？!?]{0,8}?(?:结束|死|走|离开|动手|跳|了断)`,
    ),
  },
  // An overdose of whatever was at hand.
  {
    code: 'suicide.attempt',
    category: 'suicide',
    kind: 'attempt',
    level: 4,
    subject: true,
    re: r(
      String.raw`\b(?:took|swallowed|downed|ate|drank|chugged|popped)\s(?:everything|all|whatever (?:was|i (?:could )?find)|every (?:pill|bottle))\s(?:in|from|out of)\s(?:the|my|our|her|his|mom'?s|dad'?s)\s(?:bathroom |kitchen |medicine |first aid )?(?:medicine cabinet|cabinet|first aid kit|pill ?box|drawer|cupboard)\b|(?:把|将)?(?:药箱|家里)(?:里)?(?:的|所有的?)?药[^，,。！？!?]{0,4}?(?:都|全)(?:吃|吞|喝)(?:了|下去了)`,
    ),
  },
  {
    code: 'suicide.method',
    category: 'suicide',
    kind: 'method',
    level: 3,
    re: r(
      String.raw`\bhow (?:many|much)\b[^.!?]{0,30}?\b${DRUG_EN}\b[^.!?]{0,16}?\b(?:it would take|would it take|it takes|does it take|it'?d take|would do it|would be enough|is enough)\b(?! to (?!die|kill|end|not wake|never wake))`,
    ),
  },
  // Self-harm told through the tool or the body.
  {
    code: 'self_harm.current',
    category: 'self_harm',
    kind: 'self',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:cut|cutting|burn(?:ed|t|ing)?|carv(?:e|ed|ing)|slic(?:e|ed|ing)|scratch(?:ed|ing)?|stabb?(?:ed|ing)|press(?:ed|ing)?|held|hold(?:ing)?|dug|digging|jabb?(?:ed|ing))\s(?:into\s)?(?:my|the)\s(?:[a-z]+\s)?${BODY_EN}\b[^.!?]{0,20}?\b(?:with|on|against|over|under)\s(?:a|the|my|some|an|his|her|dad'?s|mom'?s)?\s?(?:[a-z']+\s)?${SH_TOOL_EN}\b|\b(?:used|using|took|taking|grabbed|broke|pulled)\s(?:the\s|a\s|my\s)?(?:blade|razor|sharpener|box ?cutter)\b[^.!?]{0,40}?\b(?:again|relaps\w*|clean|my (?:[a-z]+ )?${BODY_EN}|on my ?self|a mess|bled|bleed)\b|\b(?:relaps(?:ed|ing)|slipped|\d+ days clean|clean for)\b[^.!?]{0,50}?\b(?:blade|razor|sharpener|box ?cutter|lighter|scissors)\b`,
    ),
  },
  {
    code: 'self_harm.current',
    category: 'self_harm',
    kind: 'self',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:i|i keep|i kept|i'?ve been|been|started|i start|i just|i)\s(?:banging|banged|bang|slamming|slammed|slam|hitting|hit|smashing|smashed)\s(?:my )?head\s(?:against|into|on)\s(?:the\s|a\s)?(?:wall|walls|floor|door|desk|mirror|table)\b|\b(?:hid|hide|hiding|hidden|gave away|locked up)\s(?:the\s|my\s|all the\s|all my\s)?(?:razors?|blades?|knives|scissors|sharpeners?)\sfrom my ?self\b|\b(?:haven'?t|have not|havent|didn'?t|not)\s(?:eaten|eating|eat)\b[^.!?]{0,30}?\b(?:on purpose|deliberately|as (?:a )?punishment|to punish my ?self)\b|\bi (?:don'?t|do not|dont) deserve (?:to eat|food|a meal|meals|dinner|lunch|breakfast)\b|(?:不配|没资格)吃(?:饭|东西)|(?:饿着|饿死)(?:自己|我自己)?(?:才是|是)我?(?:应得|活该)`,
    ),
  },
  {
    code: 'self_harm.current',
    category: 'self_harm',
    kind: 'self',
    level: 3,
    subject: true,
    re: r(
      String.raw`(?:拿|用)${SH_TOOL_ZH}[^，,。！？!?]{0,6}?(?:划|割|扎|烫|戳|刮|刺)|${SH_TOOL_ZH}[^，,。！？!?]{0,4}?(?:划|割|扎|烫|戳)(?:了|在|到)?(?:我的?)?${BODY_ZH}|(?:拿|用)${SH_TOOL_ZH}[^，,。！？!?]{0,4}?在${BODY_ZH}上`,
    ),
  },
  // A weapon with a person, a place or a time, and no verb of harm.
  {
    code: 'harm_others.armed',
    category: 'harm_others',
    kind: 'threat',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:bought|got|have|'ve got|'ve|bringing|bring|taking|carrying|carry|loaded|sharpened|grabbed|hid|waiting|wait|be waiting|sitting)\b[^.!?]{0,30}?\b${WEAPON_EN}\b[^.!?]{0,50}?\b(?:i know (?:where|which|what time|when) (?:he|she|they)|(?:his|her|their) (?:classroom|class|office|house|place|car|work|school|building|door)|which (?:classroom|class|car|house|office) (?:he|she|they)|(?:he|she|they)(?:'s| is| are|'re) (?:going to|gonna) (?:pay|regret)|let'?s see who|when (?:he|she|they) (?:gets?|comes?|leaves?|walks?)|for (?:him|her|them)\b)|\b(?:i know (?:where|which|what time|when) (?:he|she|they)|(?:he|she|they)(?:'s| is| are|'re) (?:going to|gonna) (?:pay|regret))\b[^.!?]{0,60}?\b(?:i'?ve got|i have|i got|i bought|i'?m bringing|i'?ll bring|i'?ll be waiting|waiting)\b[^.!?]{0,30}?\b${WEAPON_EN}\b|\b(?:bringing|bring|taking|take|carrying)\s(?:a |my |the |his |her |our |a loaded )?(?:[a-z]+'?s )?(?:gun|rifle|pistol|shotgun|knife|machete|axe)\s(?:to|into)\s(?:the |my |his |her )?(?:school|class|classroom|work|office|church|mall|campus|house|party|meeting)\b`,
    ),
  },
  {
    code: 'harm_others.armed',
    category: 'harm_others',
    kind: 'threat',
    level: 3,
    subject: true,
    re: r(
      String.raw`${WEAPON_ZH}[^。！？!?]{0,6}?(?:买好|磨好|准备好|备好|藏好|带好|买了|磨了)[^。！？!?]{0,20}?(?:等${TARGET_ZH}|堵${TARGET_ZH}|找${TARGET_ZH}|去${TARGET_ZH}|${TARGET_ZH}家|${TARGET_ZH}(?:公司|学校|单位)|楼下|门口)|(?:等|堵|找|去)${TARGET_ZH}(?:家|公司|学校)?[^。！？!?]{0,16}?(?:带着|带上|揣着|拿着|带把|带了)(?:一把|把)?${WEAPON_ZH}|(?:带着|带上|揣着|拿着|带把|带了)(?:一把|把)?${WEAPON_ZH}[^。！？!?]{0,16}?(?:等${TARGET_ZH}|堵${TARGET_ZH}|找${TARGET_ZH}|去${TARGET_ZH}家|去学校|去公司|去他|去她)`,
    ),
  },
  {
    code: 'harm_others.threat',
    category: 'harm_others',
    kind: 'threat',
    level: 2,
    subject: true,
    re: r(
      String.raw`\b(?:he|she|they)(?:'s| is|'re| are| will|'ll)\s(?:going to|gonna)?\s?(?:pay|regret (?:it|this|ever))\b|\bmake (?:him|her|them) pay\b|\blet'?s see who(?:'s)? laugh`,
    ),
  },
  // An intrusive image or urge about one's child, with a throw, a drop, a pillow.
  {
    code: 'harm_others.intrusive',
    category: 'harm_others',
    kind: 'intrusive',
    level: 2,
    subject: true,
    re: r(
      String.raw`(?:想|忍不住想|控制不住(?:地)?想|冒出|闪过|浮现|出现)[^，,。！？!?]{0,4}?把(?:孩子|宝宝|儿子|女儿|他|她)[^，,。！？!?]{0,8}?(?:扔|摔|丢|推|闷|捂|掐)|\b(?:picture|imagine|imagining|see my ?self|keep seeing|thoughts? of|images? of|flashes of)\s(?:my ?self\s)?(?:pressing|holding|putting|dropping|throwing|shaking|drowning|smothering|hurting)\b[^.!?]{0,30}?\b(?:her|his|the baby'?s?|my baby'?s?|face|head|crib|stairs|bath)\b`,
    ),
  },
  // Abuse: watched, followed, tracked, controlled.
  {
    code: 'abuse.control',
    category: 'abuse',
    kind: 'abuse',
    level: 3,
    re: r(
      String.raw`\b${STALKER_EN}(?:\s[a-z']+){0,2}?\s(?:keeps|kept|keep|has been|'s been|been|is|always|started)\s(?:showing up|turning up|waiting|hanging around|parking|sitting|standing)\s(?:at|outside|near|by|in front of|across from)\s(?:my|the)\s(?:work|job|house|home|place|building|apartment|flat|school|door|office|gym|class|dorm)\b(?! to (?:bring|drop|pick|surprise|give|help|say|see if|check on))|\b${CONTROLLER_EN}(?:\s[a-z']+){0,2}?\s(?:tracks|tracked|tracking|checks|checking|goes through|reads|monitors|monitoring|watches|watching|follows|followed)\s(?:my (?:phone|location|messages|texts|every move|car|emails|accounts)|me (?:everywhere|all the time|from|through|home|on the way))\b|\b(?:put|installed|hid|placed)\s(?:a\s)?(?:tracker|tracking (?:app|device)|gps tracker|airtag|spyware|hidden camera)\s(?:on|in)\s(?:my|me)\b|\b(?:texts?|texting|messages?|messaging|tells?) me what i'?m wearing\b|\b(?:he|she|they)(?:'s| is|'re| are) watching me\b`,
    ),
  },
  {
    code: 'abuse.control',
    category: 'abuse',
    kind: 'abuse',
    level: 3,
    re: r(
      String.raw`(?:在|到)?(?:我家|我公司|我学校|我单位|我们宿舍)?(?:楼下|门口|外面|附近)[^，,。！？!?]{0,4}?(?:蹲|堵|守着|盯着|等着|跟着)我|(?:监视|监控|偷拍|定位)我|(?:查|翻|检查)我(?:的)?手机|手机[^，,。！？!?]{0,4}?(?:每天|天天|都要|随时)(?:都要)?(?:检查|查|翻)|(?:装了|偷装|放了)(?:定位|监控|摄像头|追踪器)|(?:工资|钱|身份证|护照)[^，,。！？!?]{0,4}?(?:被他|被她|都被|全被)[^，,。！？!?]{0,4}?(?:收走|拿走|扣着|没收)|(?:换了|换过)(?:号码|手机号|住址)[^，,。！？!?]{0,8}?(?:还是|照样|又)(?:能)?找到我`,
    ),
  },
  // Pictures used as a threat.
  {
    code: 'abuse.threat',
    category: 'abuse',
    kind: 'abuse',
    level: 3,
    re: r(
      String.raw`\b(?:if i (?:don'?t|do not|won'?t|leave|break up|tell|go to|report|say no|refuse|stop|block|ignore|dump|end|call)|unless i)\b[^.!?]{0,50}?\b(?:post|share|send|leak|show|upload|spread|release|put (?:up|out)|sell)\b[^.!?]{0,40}?\b(?:pics|pictures|photos|videos?|vids|nudes|ones|recordings?|images|tapes?)\b|\b(?:post|share|send|leak|show|upload|spread|release)\b[^.!?]{0,40}?\b(?:pics|pictures|photos|videos|vids|nudes|recordings)\b[^.!?]{0,40}?\b(?:if i (?:don'?t|do not|won'?t|leave|break up|tell|go to|report|say no|refuse|stop|block|ignore|dump|end|call)|unless i)\b|(?:要是|如果|敢|除非)(?:我)?(?:敢|不|要)?(?:分手|离开|走|不|报警|告诉|拒绝|拉黑|删|提分手|跟别人)[^。！？!?]{0,12}?(?:就|会|要)?(?:把)?(?:我们|我)?的?[^，,。！？!?]{0,4}?(?:照片|视频|床照|裸照|私密照|录像|聊天记录)[^，,。！？!?]{0,4}?(?:发|传|曝光|公开|贴|寄)`,
    ),
  },
  // Sexual abuse said without a word for it.
  {
    code: 'abuse.sexual',
    category: 'abuse',
    kind: 'abuse',
    level: 3,
    re: r(
      String.raw`对我(?:做|干)(?:了|过)?(?:那种|那些|那样的?|不好的|奇怪的|恶心的)事|对我动手动脚|(?:摸|碰)我(?:的)?(?:身体|下面|私处|胸)|\b${EN_ABUSER}(?:\s[a-z']+){0,2}?\s(?:comes|came|keeps coming|sneaks|snuck|creeps|crept|gets)\s(?:in|into)\s(?:my\s)?(?:room|bed)\b[^.!?]{0,40}?\b(?:at night|when|while|asleep)\b|\btouches me in ways\b`,
    ),
  },
  // Hit with something, something thrown at the user.
  {
    code: 'abuse.physical',
    category: 'abuse',
    kind: 'abuse',
    level: 3,
    re: r(
      String.raw`\b${EN_ABUSER}(?:\s[a-z']+){0,3}?\s(?:hits?|hitting|beats?|beating|whips?|whipping|smacks?|smacking|hit)\sme\swith\s(?:a|the|her|his|their|my|an)\s(?:[a-z]+\s)?(?:spoon|belt|stick|hanger|shoe|slipper|cord|cable|ruler|pan|bottle|bat|broom|rod|remote|wire|paddle|whip|chair|fist|hose)s?\b|\b${EN_ABUSER}(?:\s[a-z']+){0,3}?\s(?:threw|throws|throwing|hurled|chucked)\s(?:a|the|his|her|their|my)\s(?:[a-z]+\s)?(?:glass|plate|bottle|chair|shoe|mug|cup|phone|remote|pan|book|bowl|knife|lamp)\s(?:at|in) (?:me|my)\b|${ABUSER_ZH}[^，,。！？!?]{0,8}?(?:拿|用)[^，,。！？!?]{1,5}?(?:往|朝|对着)我(?:身上|头上|脸上|背上)?(?:打|抽|砸|扔|泼)|${ABUSER_ZH}[^，,。！？!?]{0,8}?(?:拿|用)[^，,。！？!?]{1,5}?(?:砸|扔)(?:向)?我`,
    ),
  },
  // A death wished from outside (an accident, an illness) or met with relief.
  {
    code: 'suicide.wish',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:wish|hope|hoping|pray|praying)\s(?:that\s)?(?:a (?:car|truck|bus|train)|something|someone|the plane|a stray bullet|lightning|cancer)\s(?:would |will |could |just )*(?:hit|kill|crash|run me over|end me|take me)\b|\b(?:hope|hoping|wish) i (?:get|got|catch) (?:hit|cancer|sick) and (?:die|never)\b|\b(?:wouldn'?t mind|would(?:n'?t)? care|(?:be|would be|'d be) (?:totally |honestly |completely )?(?:fine|okay|ok|happy|relieved|glad)) if i (?:died|didn'?t wake up|never woke up|don'?t wake up|got hit by|just died|wasn'?t here|was gone)\b|希望(?:出)?车祸(?:的)?(?:是我|撞死我)|被车撞死(?:就好了|也好|算了)|(?:出(?:个)?意外|得(?:个)?(?:绝症|癌症))(?:死(?:掉)?)?(?:就好了|也好|算了|该多好)`,
    ),
  },
  // Not seeing oneself here for long; not a problem for anyone much longer; checking out.
  {
    code: 'suicide.farewell',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:don'?t|can'?t|do not|cannot|dont|cant) (?:see|picture|imagine) my ?self (?:being |still )?(?:here|alive|around|living)\b(?! (?:in|at|with|working|doing)\b)|\bwon'?t be (?:a (?:problem|burden|bother)|in (?:anyone'?s|your|their|the) way) (?:for|to) (?:anyone|anybody|you|them|my [a-z]+) (?:much longer|for long|soon|anymore)\b|\bchecking out (?:of (?:life|this world)|for good|permanently)\b|\bctb\b|\b(?:want|wanna|ready) to (?:go )?(?:be with|join) (?:my|him|her)\b[^.!?]{0,20}?\b(?:in heaven|up there|on the other side|wherever (?:he|she|they) (?:is|are))\b|(?:想|要|好想)(?:去)?(?:陪|找|见)(?:我)?(?:去世的|死去的|过世的|天上的)(?:外婆|奶奶|妈妈|爸爸|外公|爷爷|老伴|妈|爸)`,
    ),
  },
  // Affairs put in order: a will, everything arranged, loose ends.
  {
    code: 'suicide.farewell',
    category: 'suicide',
    kind: 'hopeless',
    level: 2,
    subject: true,
    re: r(
      String.raw`\b(?:wrote|written|writing|made|finished|did|done|sorted)\s(?:out\s)?(?:my|a)\s(?:will|last will)\b(?! (?:and testament )?(?:for|with|at|after|when|because)\b)|\bmy will is (?:done|written|ready|sorted)\b|\btying up (?:all )?(?:the )?loose ends\b(?! (?:at|for|with|on) (?:work|the office|the project|the job))|(?:写好|立好|写了|立了)(?:了)?(?:我的)?遗嘱|遗嘱(?:我)?(?:已经|都)?(?:写好|立好|写完)`,
    ),
  },
  {
    code: 'suicide.farewell',
    category: 'suicide',
    kind: 'farewell',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:everything|all)(?:'s| is) (?:arranged|sorted|taken care of) for (?:after|when) i(?:'m gone| go| die)\b`,
    ),
  },
  // Research of a height or a depth: which bridge is high enough.
  {
    code: 'suicide.method',
    category: 'suicide',
    kind: 'method',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:looked up|looking up|researched|researching|checked|checking|googled|googling|scouted|scouting)\b[^.!?]{0,30}?\b(?:bridge|building|roof|cliff|river|lake|tracks|parking garage|tower|balcony|floor|drop)\b[^.!?]{0,30}?\b(?:(?:high|tall|deep|far) enough(?! (?:for|to (?!die|kill|end|not)))|fatal|lethal|how cold)\b|(?:查|查好|看好|找好|打听)(?:了)?[^，,。！？!?]{0,4}?(?:哪座桥|哪栋楼|哪个楼|哪里的楼|楼顶|天台|哪条河|哪条江)[^，,。！？!?]{0,6}?(?:最高|够高|多高|多深|最深|没人)|找(?:个|一个)没(?:有)?人的地方[^，,。！？!?]{0,6}?(?:走|离开|结束|了断|去死)`,
    ),
  },
  // Others better off: money saved, peace, relief, if the user were not around.
  {
    code: 'suicide.burden',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    re: r(
      String.raw`\b(?:would|'d|will)\s(?:be\s)?(?:so |much |a lot |way |finally )?(?:save|saving|be better|better|easier|happier|relieved|freer|at peace|quieter|simpler|lighter|less stressed|have more)\b[^.!?]{0,30}?\bif i (?:wasn'?t|weren'?t|was not|were not) (?:around|here|alive|in the picture)\b|(?:要是|如果)(?:我)?(?:不在了|没了|死了)[^，,。！？!?]{0,10}?(?:省|轻松|解脱|清净|不用再)`,
    ),
  },
  // Sleeping on and on: 要是能一直睡下去就好了.
  {
    code: 'suicide.wish',
    category: 'suicide',
    kind: 'wish',
    level: 3,
    subject: true,
    re: r(
      String.raw`(?:要是|如果|希望|想|真想|好想)(?:能)?(?:就这样)?(?:一直|永远)睡(?:下去|着)(?:不醒|别醒)?(?:就好了|该多好|算了|吧)?(?=$|[，,。！？!?])`,
    ),
  },
  // Self-harm: a tool held to the body; skin picked or scratched open.
  {
    code: 'self_harm.current',
    category: 'self_harm',
    kind: 'self',
    level: 3,
    subject: true,
    re: r(
      String.raw`\b(?:held|hold|holding|pressed|pressing|put|putting)\s(?:a |the |my )?(?:[a-z]+ )?${SH_TOOL_EN}\s(?:to|on|against|into)\s(?:my\s)?(?:[a-z]+\s)?${BODY_EN}\b|把(?:我的?)?${BODY_ZH}(?:都)?(?:抠|挠|掐|抓|划|割|咬)(?:得)?(?:烂|破|出血|流血|青|紫)`,
    ),
  },
  // A weapon at someone's door on a day.
  {
    code: 'harm_others.armed',
    category: 'harm_others',
    kind: 'threat',
    level: 3,
    subject: true,
    re: r(
      String.raw`\bi'?ll be\s(?:waiting\s)?(?:outside|at|near|by|in front of|behind)\s(?:his|her|their)\s(?:[a-z]+\s)?(?:house|place|work|office|school|car|door|building|gym|job|class)\b[^.!?]{0,20}?\bwith\s(?:a|the|my|his|her|[a-z]+'s)\s(?:[a-z]+\s)?${WEAPON_EN}\b|\bi know (?:his|her|their) (?:schedule|routine|address|shift)\b[^.!?]{0,60}?\b${WEAPON_EN}\b`,
    ),
  },
  // Control and deprivation: made to sleep outside, food locked away, location demanded.
  {
    code: 'abuse.control',
    category: 'abuse',
    kind: 'abuse',
    level: 3,
    re: r(
      String.raw`\b${EN_ABUSER}(?:\s[a-z']+){0,2}?\s(?:makes|made|forces|forced|making)\sme\s(?:to\s)?(?:sleep|stay|stand|kneel)\s(?:in|on|outside)\s(?:the\s)?(?:garage|floor|car|basement|cold|yard|balcony|shed|closet|rain)\b|\b${EN_ABUSER}(?:\s[a-z']+){0,2}?\s(?:locks?|locked|locking)\s(?:the\s)?(?:fridge|food|kitchen|pantry)\b|\b(?:won'?t|doesn'?t|don'?t|never) let me eat\b|\b${CONTROLLER_EN}(?:\s[a-z']+){0,2}?\s(?:makes|made|forces|forced|making)\sme\s(?:to\s)?(?:share|send|give (?:him|her|them))\s(?:my\s)?(?:location|passwords?|phone)\b`,
    ),
  },
];

export const RULES: readonly RiskRule[] = [
  ...EN_SUICIDE,
  ...ZH_SUICIDE,
  ...SELF_HARM,
  ...HARM_OTHERS,
  ...ABUSE,
  ...MORE,
  ...CLASSES,
  ...INDIRECT,
];

// ---------------------------------------------------------------------------------------------
// What changes a match. Each is tested on a sentence or a clause, never across the message
// unless said.

/** First person, someone else, people in general: the last of these before a match decides. */
export const SUBJECT_EN = new RegExp(
  String.raw`\b(?:(?<first>i|i'm|im|i've|ive|i'd|i'll|me|myself|we|we're)|(?<general>people|someone|somebody|anyone|anybody|a person|one|teens|teenagers|kids these days|folks|men|women|students)|(?<third>he|she|they|he's|she's|they're|he'll|she'll|they'll|he'd|she'd|his|her|their|them|him|you|u|ur|your|${KIN_EN}|friend|friends|bff|bestie|best friend|guy|girl|man|woman|boy|character|protagonist|villain|hero|patient|student|classmate|neighbour|neighbor|kid|teacher|[a-z]+'s))\b`,
  'g',
);

export const SUBJECT_ZH =
  /(?<third>我(?:的)?(?:朋友|好友|闺蜜|兄弟|同事|同学|室友|舍友|表弟|表妹|表哥|表姐|堂弟|堂妹|哥哥|姐姐|弟弟|妹妹|哥|姐|弟|妹|妈妈|爸爸|妈|爸|母亲|父亲|老公|老婆|丈夫|妻子|男朋友|女朋友|男友|女友|前男友|前女友|前夫|前妻|孩子|儿子|女儿|宝宝|学生|老师|邻居|网友|同桌|家人|亲戚)|朋友|好友|闺蜜|同事|同学|室友|舍友|表弟|表妹|表哥|表姐|堂弟|堂妹|哥哥|姐姐|弟弟|妹妹|妈妈|爸爸|老公|老婆|男朋友|女朋友|前男友|前女友|孩子|儿子|女儿|学生|邻居|网友|主角|女主|男主|角色|凶手|作者|明星|患者|病人|他们|她们|他|她|它|你)|(?<general>有人|别人|人们|大家|一个人|有些人|很多人|青少年|年轻人)|(?<first>我(?!们的)|本人|老子)/g;

const NOT_NEGATORS_EN =
  /\b(?:can'?t|cannot|couldn'?t) (?:stop|help|wait|take|handle|sleep|deal|breathe|cope|think|focus)\b|\b(?:don'?t|dont|do not) (?:know|care|understand|get it)\b|\bnot sure\b|\bno longer\b|\bnever mind\b|\bnot even\b/g;
export const NEGATOR_EN =
  /\b(?:not|never|no way|nor|neither|without|wouldn'?t|won'?t|don'?t|dont|doesn'?t|didn'?t|isn'?t|aren'?t|wasn'?t|haven'?t|hasn'?t|shouldn'?t|ain'?t|no)\b|n'?t\b/;

export function stripNotNegatorsEn(window: string): string {
  return window.replace(NOT_NEGATORS_EN, ' ');
}

const NOT_NEGATORS_ZH =
  /忍不住|控制不住|受不了|忍不了|停不下来|睡不着|吃不下|不停|不得不|要不是|不知道|不敢|不行|撑不|不下去|不用|不如|不了|舍不得|不管|不开心|不舒服|不好|说不出|对不起|了不起|不到|来不及|看不到|找不到|怪不得/g;
export const NEGATOR_ZH =
  /不会|不想|不要|没有|没|从没|别|不是|不可能|绝不|并不|不再|不打算|不至于|不能|哪会|怎么会|未曾|从未|不$/;

export function stripNotNegatorsZh(window: string): string {
  return window.replace(NOT_NEGATORS_ZH, '');
}

/** Someone asked the user whether: "my therapist asked if I…", "医生问我有没有…". */
export const ASKED =
  /\bask(?:s|ed)? (?:me )?(?:if|whether)\b|问我(?:有没有|是不是|会不会|想不想|有无)/;

export const PAST =
  /\bused to\b|\b(?:years?|months?|decades?) ago\b|\bback (?:in|when|then)\b|\bwhen i was (?:a |younger|little|small|in|\d)|\bin (?:high school|middle school|college|uni(?:versity)?|my teens|my twenties)\b|\bas a (?:kid|child|teen(?:ager)?)\b|\bin the past\b|\bbehind me\b|\b(?:doing|feeling) (?:much |so much |a lot |way )?better now\b|\bin a (?:good|better|great) place\b|\b(?:clean|free) (?:from|of)\b|\b(?:years?|months?) clean\b|\blast year\b|\bthat'?s over\b|\bwhen i was\b|\bthose days\b|\bhad a (?:really )?(?:dark|rough|bad|hard) (?:period|time|phase)\b|以前|之前曾|曾经|小时候|那年|那时(?:候)?|那段时间|当年|初中|高中|大学(?:的时候|那段|时)|都?过去了|现在(?:好多了|过得|挺好|已经好|没事)|已经(?:好几年|一年多|很久|半年|\d+年|[一两三四五六七八九十]年)没|年前|上学的时候|读书的时候|(?:好|很)多年前|试过|上个月|去年|\bthere (?:was|were) (?:a time|times|a period|a phase|years|months|nights|days|weeks)\b|\bback then\b|\bfor (?:a long time|years|months)(?: i| there)\b|\bat my (?:lowest|worst)\b|\b(?:in|into) recovery\b|那几年|那两年|那阵子|那会儿|走出来了/;

export const RECENT =
  /\bagain\b|\blast night\b|\btonight\b|\btoday\b|\bright now\b|\brn\b|\bthis (?:morning|week|evening|afternoon)\b|\byesterday\b|\bstill\b|\bcurrently\b|\blately\b|\bthese days\b|\banymore\b|又|今天|今晚|昨天|昨晚|刚才|刚刚|现在(?!好多了|过得|挺好|已经好|没事|(?:已经)?(?:完全|彻底)?走出来)|最近|这几天|还是|还在|一直|每天/;

/** Recovery told anywhere in the message: what it says of the user's crisis is over. */
export const RECOVERED =
  /\b(?:therapy|medication|meds|treatment|counsel(?:l)?ing|my therapist|the hospital|rehab) (?:really |actually |finally |honestly )?(?:helped|worked|saved me|changed (?:that|everything|things|my life))\b|\b(?:years?|months?) into recovery\b|\bi'?m in recovery\b|\bi (?:have )?recovered\b|\bi got better\b|\b(?:doing|feeling) (?:much |so much |a lot |way )?better now\b|(?:现在|已经|终于)(?:已经)?(?:完全|彻底)?走出来了|(?:现在|已经)(?:完全)?康复了|现在(?:好多了|挺好的|过得很好)/;

/** A completed act of someone else (they died, they tried): grief and history, not a present risk. */
export const COMPLETED =
  /\b(?:committed|died|killed (?:him|her|them)sel(?:f|ves)|took (?:his|her|their) (?:own )?life|jumped|overdosed|tried to|attempted|passed away|passed)\b|(?:自杀|跳楼|跳河|割腕|上吊|轻生|去世|走)了|试过|死了/;

export const FICTION =
  /\b(?:game|games|gaming|level|boss|character|characters|npc|campaign|d&d|dnd|elden ring|among us|minecraft|fortnite|pubg|valorant|league|story|stories|novel|book|fanfic|fic|chapter|movie|film|show|series|episode|anime|manga|protagonist|villain|plot|script|true crime|documentary|doc|podcast|poem|screenplay|play)\b|游戏|小说|电影|剧里|剧中|这部剧|动漫|漫画|狼人杀|吃鸡|王者|副本|角色|主角|女主|男主|剧情|故事|纪录片|boss/;

export const JOKE =
  /\b(?:lol+|lmao+|lmfao|rofl|haha\w*|hehe\w*|jk|j\/k|just kidding|xd+|kidding)\b|😂|🤣|💀|😹|😆|😅|🙃|😜|🤪|哈哈|嘿嘿|hhh|233|笑死|xswl|狗头|🐶/u;

/** Cancels a joke: despair beside it, or saying it is meant. */
export const SERIOUS =
  /\bnot (?:joking|kidding)\b|\bi'?m (?:serious|being serious)\b|\bi mean it\b|\bfr fr\b|\b(?:isn'?t|not) (?:a )?joke\b|\bno one (?:cares|would care)\b|\bnobody (?:cares|would care)\b|\bevery (?:day|night|single day)\b|\ball the time\b|\bcan'?t (?:go on|take it|do this)\b|\banymore\b|\bno point\b|不是开玩笑|认真的|没人在乎|没有人在乎|每天|撑不下去|活着没意思|说到做到/;

/** Small everyday causes: with a joke, a death wish about them is hyperbole. */
export const EVERYDAY =
  /\b(?:homework|exam|exams|test|quiz|essay|assignment|work|job|shift|monday|mondays|meeting|meetings|boss|traffic|weather|heat|degrees|wifi|internet|teacher|class|lecture|deadline|wrong (?:person|chat|group)|typo|embarrass\w*|cringe|awkward|spoil\w*|ending|late|alarm|hangover|taxes|chores|laundry|dishes|leftovers|annoying|game|bus|train|queue|math|maths|physics|chemistry|grades|cramps|report|slides|presentation|email|group chat|selfie|haircut|outfit|diet|gym|traffic jam|commute|printer|code|bug|bugs)\b|作业|考试|加班|上班|周一|老板|堵车|天气|迟到|剧透|发错|社死|尴尬|论文|开会|领导|客户|排队|地铁|公交|游戏|输了|数学|物理|报告|ddl|ppt|早起|闹钟|快递|外卖|减肥|月考|期末|高数|上课|作文/;

/** Quick test per sentence: a sentence without any of these cannot match a rule. */
export const ANCHOR =
  /di|dea|dy|kil|kms|suic|sucid|suisid|sewer|self|alive|liv|exist|wake|end|over|point|reason|worth|burden|better|gone|goodbye|last|note|letter|disappear|vanish|cut|burn|harm|hurt|bleed|scar|sh|relaps|pain|starv|punish|overdos|od|pill|med|tablet|letha|fatal|rope|noose|jump|bridge|roof|ledge|edge|drive|crash|gun|knife|stab|shoot|poison|strangl|chok|smother|drown|murder|attack|bring|hit|beat|punch|slap|kick|shove|whip|smack|touch|grop|rap|molest|assault|abus|threat|nude|lock|stalk|follow|bruise|scared|afraid|terrified|nowhere|stupid|drastic|can|give|gave|hopeless|tired|sick|weary|rather|hope|wish|want|going|gonna|set|shake|baby|kid|child|thought|think|high|how|took|swallow|bit|pick|bang|grab|drag|welt|mark|torture|gut|unaliv|death|dying|took|save|saving|stash|hoard|collect|away|cease|nobody|anyone|no one|who|死|活|杀|自|割|划|跳|药|遗书|生|结束|了断|消失|离开|世界|伤|残|烫|掐|撞|打|抽|揍|踢|扇|摸|强奸|性侵|猥亵|虐待|威胁|跟踪|锁|关|捅|砍|刀|报复|代价|血|炭|吊|绳|解脱|醒|撑|熬|坚持|zs|紫砂|鲨|走|累赘|负担|拖累|傻事|想不开|一了百了|吞|吃|喝|恐吓|裸照|私密|家暴|欺负|霸凌|挨|回家|孩子|宝宝|惩罚|咬|扎|疤|伤口|痕|永别|再见|存在|希望|未来|活着|宰|干掉|毒|揍|推|勒|咬|欺|burden|life|lif|around|won|最后|站在|happier|easier|purpose|rope|noose|plan|relapse|sh了|forc|sex|made me|makes me|lock|推|怎么|如何|办法|see|point|一睡|意义|带|拿|砍|怕|抠|挠|goodbye|消息|use|benzo|xanax|tylenol|oxy|opioid|opiate|fentanyl|insulin|ambien|advil|aspirin|ibuprofen|paracetamol|swallow|down|drank|popp|bottle|handful|capsul|thank|sorry|only one|负担|拖累|几楼|几层|多深|多高|扇|踹|报复|谢谢|对不起|替我|照顾|slam|threw|push|pinn|wanna|wana|here|天台|楼顶|桥上|窗台|栏杆|阳台|攒|囤|存|买好|准备好|备好|藏好|charcoal|helium|star|look|count|hold|check|need|use|送|转给|留给|托付|积蓄|银行卡|insulin|heart|blood|seizure|dialysis|chemo|停|胰岛素|降|心脏|fight|struggl|pretend|enough|nothing|坚持|熬|出生|生下来|vanish|fade|away|sleep|醒|notice|care|realis|realiz|without me|哪|想好|选好|cabinet|drawer|药箱|head|blade|razor|sharpen|cutter|lighter|ciga|eat|food|deserve|饭|针|烟头|打火机|圆规|玻璃|剪刀|rifle|pistol|bat|axe|crowbar|hammer|gas|petrol|acid|pay|regret|laugh|等|堵|找|picture|imagin|image|flash|扔|摔|丢|把|show|turn|wait|track|watch|airtag|spy|camera|wearing|蹲|监|偷拍|定位|手机|工资|身份证|护照|pics|photo|video|vids|nude|record|tape|照片|视频|床照|录像|聊天记录|那种事|动手动脚|碰我|room|bed|ways|spoon|hanger|throw|hurl|chuck|砸|泼|car|cancer|wouldn|fine|ok|picture|imagine|problem|check|ctb|heaven|join|陪|遗嘱|will|loose|arrang|scout|google|查|没人|would|save|睡|hold|press|put|抠|挠|schedule|routine|address|shift|make|made|forc|fridge|food|let me|location|password|照顾/;

// Escalation: what turns a present crisis into one with a plan, means, a time, danger now.

export const PLAN =
  /\bplan(?:s|ned|ning)?\b|\bpicked (?:a|the) (?:date|day|time|place|spot)\b|\b(?:i'?ve |i have |i )?(?:decided|made up my mind)\b|\b(?:wrote|written|writing) (?:my |a |the )?(?:note|letters?)\b|\bsaid (?:my )?goodbyes?\b|\bgave away\b|\bready to (?:take|do it|go|jump|end|die)\b|\balready bought\b|\bi know what i(?:'m going to| am going to| need to| have to|'ll| will) do\b|想好了|计划|打算好|决定了|准备好了|写好(?:了)?遗书|遗书|plan好|已经买好|都想好/;

export const MEANS_SUICIDE = new RegExp(
  String.raw`\b(?:rope|noose|gun|pistol|rifle|knife|blade|razor|bridge|roof|rooftop|ledge|train tracks|cliff|charcoal|bottle|${DRUG_EN})\b|安眠药|药片|药|绳子|绳|炭|刀片|刀|枪|煤气|农药|楼顶|天台|桥|江边|河边|窗台|${DRUG_ZH}`,
);

export const MEANS_HARM =
  /\b(?:knife|knives|gun|guns|pistol|rifle|bat|poison|gasoline|petrol|weapon|bomb|the stuff)\b|刀|枪|汽油|毒药|农药|老鼠药|knife|gun/;

export const TIME =
  /\btonight\b|\btomorrow\b|\bthis (?:weekend|week|friday|saturday|sunday|evening)\b|\bon (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|\bafter (?:his|her|their|my) (?:shift|work|class)\b|\bin (?:an|one|a few|\d+) (?:hours?|minutes?)\b|\bat (?:midnight|dawn)\b|\bpicked a date\b|今晚|今天晚上|明天|后天|周[一二三四五六日末]|星期[一二三四五六日天]|下周|这周末|马上|待会|等会|一会儿|tonight/;

export const PLACE_HARM =
  /\bi know where (?:he|she|they) (?:lives?|works?|sleeps?|stays?)\b|\bto school\b|\bat school\b|\bhis (?:house|place)\b|\bher (?:house|place)\b|家住哪|住(?:在)?哪|他家|她家|学校/;

export const SERIOUS_HARM =
  /\bnot (?:joking|kidding|playing|messing around)\b|\bi'?m (?:serious|dead serious|deadass)\b|\bdead ?serious\b|\bdeadass\b|\bi mean it\b|\bseriously going\b|\bfor real\b|\bthis time\b|\b(?:is|'s|it'?s) (?:not|no) (?:a )?joke\b|\b(?:isn'?t|ain'?t) (?:a )?joke\b|\bno joke\b|\bnot a joke\b|\bswear (?:to god|on my)\b|我是认真的|认真的|(?:不是|没有?|没在|不跟你|没跟你)(?:在)?(?:开玩笑|说着玩|闹着玩|说笑)|说到做到|我说真的|(?:我)?发誓/;

export const FEAR_OWN_URGE =
  /\bscared (?:of what )?i(?:'ll| will| might|'m going to) do\b|\bafraid (?:of what )?i(?:'ll| will| might) do\b|\bscared i'?ll do it\b|\bscared of myself\b|怕(?:我)?(?:真的)?(?:会|控制不住)|怕自己/;

export const CHILD =
  /\b(?:baby|newborn|kid|kids|child|children|son|daughter|infant|toddler)\b|孩子|宝宝|儿子|女儿/;

export const IMMINENT_ABUSE =
  /\b(?:outside|at|banging on|kicking|breaking|trying to (?:break|get) (?:in|into))\s(?:my |the )?(?:door|window|house|room|apartment|flat)\b[^.!?]{0,30}?\b(?:right now|now)\b|\b(?:right now|now)\b[^.!?]{0,30}?\b(?:outside|at|banging on) (?:my|the) (?:door|window)\b|(?:现在|正在|就)(?:就)?在(?:门外|门口|楼下|我家|窗外)|(?:砸|踹|撞)门/;

export const ACCIDENT =
  /\b(?:while|playing|cooking|shaving|chopping|accident|accidentally|by accident|fell|slipped|tripped|at the gym|lifting|workout|training|football|soccer|basketball|skating|biking|hiking|running|ouch)\b|不小心|切菜|刮胡子|摔|运动/;
