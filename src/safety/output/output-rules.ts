import type { OutputCategory } from './output-policy.js';

/**
 * The rules of the output check: phrases a companion reply must not contain, in English and
 * Chinese, with what excuses them (a refusal or negation before the phrase in the same clause,
 * the user's own feeling reflected back and contradicted, a protective or news frame). A rule
 * fires on a phrase that ends in the sentence being judged; the previous sentence's tail is
 * there to catch a phrase split across two sentences and to see a negation before it.
 *
 * The checked text is normalised first without changing its length: curly quotes become straight
 * ones and markdown emphasis (`*`, `_`, `~`, backticks) becomes spaces.
 */
export interface OutputRule {
  /** Stable id of the rule within its category (logged, never the text). */
  code: string;
  category: OutputCategory;
  /** The phrase (global flag: every occurrence is tried). */
  match: RegExp;
  /** Also required somewhere in the checked text, sentence or context (global flag). */
  with?: RegExp;
  /** Also required in the sentence being judged itself, not its context (no flag). */
  near?: RegExp;
  /** The rule does not apply to a sentence that has this anywhere (this and below: no flag). */
  unless?: RegExp;
  /** Nor to a phrase whose clause has one of these before it. */
  unlessBefore?: RegExp;
  /** Nor to a phrase followed, later in the text, by one of these. */
  unlessAfter?: RegExp;
  /** Only when the policy's `minor` is this. */
  minor?: boolean;
}

const rx = (flags: string, ...parts: string[]) => new RegExp(parts.join(''), flags);
const g = (...parts: string[]) => rx('gi', ...parts);
const once = (...parts: string[]) => rx('i', ...parts);
const alt = (...parts: string[]) => `(?:${parts.join('|')})`;

// ---- Cues that excuse a phrase -------------------------------------------------------------

/** A refusal or negation in the clause before the phrase: "I can't tell you how to...". */
const NEGATED_EN =
  "\\b(?:can'?t|cannot|can\\s+not|won'?t|will\\s+not|wouldn'?t|would\\s+never|not\\s+going\\s+to|" +
  "never\\s+going\\s+to|unable\\s+to|refuse\\s+to|don'?t|do\\s+not|didn'?t|never|not|isn'?t|" +
  "aren'?t|wasn'?t|no\\s+need\\s+to|stop(?=\\s*$))\\b";
/** Chinese negations; not the A-not-A question forms ("想不想", "要不要", "能不能", "会不会"). */
const NEGATED_ZH =
  '(?<!能)不能|(?<!会)不会|(?<!可)不可以|不可能|没法|无法|(?<!想)不想|(?<!要)不要|别|不应该|不该|拒绝|绝不|决不|从来不|并不|千万不|不许';

/** The user's feeling or a voice being described, not asserted: "it sounds like you feel...". */
const REFLECTED_EN =
  '\\b(?:feel(?:s|ing)?|felt|think(?:s|ing)?|thought|believe[sd]?|believing|tell(?:s|ing)?\\s+you|' +
  'told\\s+you|you\\s+(?:said|say|mentioned)|saying|(?:said|says|told|called|calls)(?=\\s+(?:you|that)|\\s*$)|sounds?\\s+like|seems?\\s+like|might\\s+seem|' +
  'may\\s+seem|wonder(?:ing)?|worr(?:y|ied)|afraid|convinced|the\\s+idea|the\\s+thought|' +
  'the\\s+voice|depression|lies?)\\b';
const REFLECTED_ZH =
  '(?<!我)觉得|(?<!我)感觉|以为|(?<!我)认为|骂你|说你是|想着|念头|好像|似乎|仿佛|你说|说你|病在说|抑郁';

/** Already done, asked about: "have you cut...", "if you've taken...". */
const TRIAGE_EN = "\\b(?:have\\s+you|did\\s+you|if\\s+you(?:'ve|\\s+have)|already|were\\s+you)\\b";
const TRIAGE_ZH = '已经|有没有|是不是|如果你';

/** A contradiction after the phrase: "...but that isn't true". */
const CONTRADICTED =
  "\\b(?:isn'?t|is\\s+not|aren'?t|are\\s+not|not)\\s+(?:true|the\\s+truth|real|a\\s+fact)|" +
  '\\bis\\s+a\\s+lie\\b|\\blies?\\s+(?:that\\s+)?depression|\\buntrue\\b|\\bnonsense\\b|' +
  "\\b(?:is|was|'s|are|were)\\s+(?:so\\s+|just\\s+|completely\\s+|dead\\s+)?(?:wrong|false)\\b|" +
  '根本不是|太过分了|胡说|不是真的|不是事实|不是真相|并不是这样|不是这样的';

const NEGATED = once(NEGATED_EN, '|', NEGATED_ZH);
const NEGATED_OR_REFLECTED = once(
  NEGATED_EN,
  '|',
  REFLECTED_EN,
  '|',
  NEGATED_ZH,
  '|',
  REFLECTED_ZH,
);
const NEGATED_OR_TRIAGE = once(NEGATED_EN, '|', TRIAGE_EN, '|', NEGATED_ZH, '|', TRIAGE_ZH);
const AFTER_CONTRADICTED = once(CONTRADICTED);

/** Safety advice, law and news around sexual words: "tell a trusted adult", "was convicted". */
const PROTECTIVE = once(
  '\\b(?:abus\\w*|assault\\w*|crimes?|criminal|illegal|convicted|sentenced|arrested|charged|court|',
  'police|report(?:ed|ing|s)?|victims?|survivors?|never\\s+(?:okay|ok|your\\s+fault)|',
  'not\\s+(?:okay|ok|your\\s+fault)|trusted\\s+adult|tell\\s+(?:a|an|your)\\s+(?:parent|adult|',
  'teacher|counsell?or)|protect\\w*|education|class|puberty|nurse|doctor|consent)\\b|',
  '侵害|性侵|猥亵|犯罪|违法|判决|判刑|入狱|警方|报警|受害|不是你的错|',
  '告诉(?:你)?(?:信任的)?(?:大人|爸爸|妈妈|父母|老师)|保护|举报|教育|青春期|校医',
);

/** Fiction and reporting around a cover-up: "in the novel", "the detective". */
const STORY = once(
  '\\b(?:the\\s+(?:novel|film|movie|book|show|story|detective|killer|murderer|police|article|',
  'documentary)|in\\s+the\\s+(?:novel|film|movie|book|show|story|game))\\b|小说|电影|电视剧|新闻|报道|侦探|警方',
);

// ---- Vocabulary ------------------------------------------------------------------------------

/** Acts of suicide or self-harm, done to oneself. */
const SELF_ACT_EN =
  "kill(?:ing)?\\s+yourself|end(?:ing)?\\s+(?:your|one'?s)\\s+life|end(?:ing)?\\s+it\\s+all|" +
  'commit(?:ting)?\\s+suicide|suicide|hang(?:ing)?\\s+yourself|cut(?:ting)?\\s+yourself|' +
  '(?:hurt|harm|burn|poison|drown|suffocate)(?:ing)?\\s+yourself|self[- ]harm|overdos(?:e|ing)|' +
  'slit(?:ting)?\\s+your\\s+wrists?|die|dying';
const SELF_ACT_ZH =
  '自杀|自残|轻生|伤害自己|结束(?:自己的)?生命|了结自己|去死|寻死|跳楼|跳下去|上吊|割腕|卧轨|烧炭|服毒|吞药|安眠药';

/** A person other than the user as the object of a verb ("him", "your stepdad"). */
const OTHER_EN =
  '(?:him|her|them|someone|somebody|anyone|a\\s+person|people|(?:your|his|her|my|their)\\s+' +
  '(?:dad|father|mom|mother|mum|step(?:dad|father|mom|mother|mum)|brother|sister|wife|husband|' +
  'boyfriend|girlfriend|ex|boss|teacher|classmate|neighbou?r|roommate|bully|friend|partner|' +
  'coworker|colleague|baby|kid|son|daughter))(?!\\s+(?:feelings|chances|reputation|pride|career))';
const OTHER_ZH = '(?:他|她|他们|她们|对方|别人|那个人|人)';

const HARM_VERB_EN =
  '(?:kill(?:ing)?|murder(?:ing)?|hurt(?:ing)?|harm(?:ing)?|poison(?:ing)?|stab(?:bing)?|strangl(?:e|ing)|' +
  'chok(?:e|ing)|smother(?:ing)?|suffocat(?:e|ing)|shoot(?:ing)?|attack(?:ing)?|beat(?:ing)?(?:\\s+up)?|' +
  'tortur(?:e|ing)|drown(?:ing)?|get(?:ting)?\\s+rid\\s+of)';

/** Hiding a harm: no scars, no marks, nobody notices, not found in time. */
const CONCEALED_EN =
  '\\b(?:without\\s+(?:leaving\\s+(?:any\\s+)?(?:scars?|marks?|traces?|evidence)|anyone\\s+' +
  '(?:noticing|knowing|finding\\s+out)|getting\\s+caught)|so\\s+(?:that\\s+)?(?:nobody|no\\s+one)\\s+' +
  '(?:notices|sees|knows|finds\\s+out|can\\s+(?:tell|see|save|stop|find|reach)(?:\\s+you)?)|where\\s+(?:your\\s+)?clothes\\s+' +
  "(?:will\\s+)?cover|(?:won'?t|will\\s+not)\\s+be\\s+(?:found|saved|noticed))";
const CONCEALED_ZH =
  '不(?:会)?留(?:下)?(?:疤|伤疤|痕迹|伤痕|证据|伤)|(?:别人|谁都|没人|没有人)(?:都)?(?:看不见|看不到|发现不了|不会发现)|' +
  '不(?:容易|会)被(?:发现|救回来|救|查到|抓)';

/** Sexual words (explicit ones; "body" or "touch" alone are not). */
const SEXUAL_EN =
  '\\b(?:sex|sexual(?:ly)?|naked|nudes?|undress(?:es|ing|ed)?|strip(?:s|ping)?\\s+(?:for\\s+me|naked)|' +
  'take\\s+(?:it|them|everything|your\\s+\\w+)\\s+off\\s+(?:for\\s+me|slowly|now)|' +
  'takes?\\s+off\\s+(?:your|my)\\s+(?:shirt|clothes|dress|pants|bra|underwear|top)|' +
  '(?:into|in)\\s+bed\\s+(?:with\\s+(?:me|you)|together)|pulls?\\s+you\\s+into\\s+bed|moan(?:s|ing)?|' +
  'orgasm\\w*|horny|aroused|turned\\s+on|erotic|porn\\w*|sexy|mak(?:e|ing)\\s+love|' +
  'lick(?:s|ing)?\\s+(?:your|my)|(?:touch|touching|stroke|stroking|caress(?:ing)?)\\s+(?:your|my)\\s+' +
  '(?:body|breasts?|chest|thighs?)|touch\\s+you\\s+(?:there|down\\s+there|everywhere|all\\s+over)|' +
  'bodies\\s+press|unbutton(?:s|ing)?\\s+your|on(?:to)?\\s+the\\s+bed|in\\s+bed\\s+tonight|' +
  'do\\s+to\\s+you\\s+in\\s+bed|kiss(?:es|ing)?\\s+your\\s+(?:neck|body|chest|thighs?)|' +
  '(?:naughty|dirty|spicy|nsfw|explicit|lewd)\\s+(?:pics?|pictures?|photos?|selfies?|talk|things|stuff|stories|messages)|' +
  'send\\s+me\\s+(?:a\\s+)?(?:pics?|pictures?|photos?|selfies?)\\s+(?:of\\s+(?:you|your\\s+body)|in\\s+your|without)|' +
  '(?:slides?|slips?|puts?|runs?|moves?|reaches?|sneaks?|snakes?)\\s+(?:my|his|her|a)\\s+hands?\\s+(?:under|inside|into|up|down|beneath)\\s+' +
  '(?:your|my)\\s+(?:shirt|top|skirt|dress|pants|jeans|clothes|underwear|bra|shorts|blouse|hoodie|t-?shirt|waistband)|' +
  'unzips?\\s+(?:your|my)|(?:pins?|presses|pushes)\\s+you\\s+(?:against|onto|down\\s+on)\\s+(?:the\\s+)?(?:wall|bed|couch|sofa|mattress)|' +
  'without\\s+(?:any\\s+)?(?:clothes|clothing)(?:\\s+on)?|with\\s+nothing\\s+on|(?:see|watch)\\s+(?:me|you)\\s+naked|' +
  '(?:spicy|steamy|naughty|dirty|sexy)\\s+(?:roleplay|rp|scenes?|night|time|fun)|make\\s+(?:this|it|things)\\s+(?:\\w+\\s+)?(?:spicy|steamy|naughty|dirty)|' +
  'fool(?:ing)?\\s+around|sneak(?:s|ing)?\\s+into\\s+(?:my|your)\\s+bed|(?:feel|want)\\s+your\\s+body|your\\s+body\\s+(?:pressed\\s+)?(?:against|on|under)\\s+(?:mine|me))\\b';
const SEXUAL_ZH =
  '做爱|性爱|性交|性行为|(?:和你|跟你|一起)上床(?!睡觉)|上床吧|(?:脱|解)(?:掉|下)?(?:你的|我的)?(?:衣服|裤子|内衣|衬衫)|' +
  '把衣服脱|裸(?:体|照|露)|色情|性感|情色|摸你的(?:身体|胸|腿|下面)|想摸你|呻吟|' +
  '成人(?:的)?(?:角色扮演|游戏|内容)|私处|下体|(?:很|好|有点)色(?:的|色)?(?=[^彩素调块系]|$)|色色|黄(?:色)?(?:故事|段子|图|文)|小黄文|' +
  '亲热|缠绵|调情|啪啪|开房|滚床单|发生(?:性)?关系|(?:把)?手伸进(?:你的|我的)?(?:衣服|裙子|裤子|内衣|上衣)|' +
  '(?:一起|跟我|和我|陪我)睡(?:吧|一晚|觉吧|好不好)|大人(?:才)?(?:做|会做)的事|脱(?:光|掉)(?:衣服)?';

/** A minor: an age under 18, a child, a schoolgirl; 未成年, 十三岁. */
const MINOR_EN =
  '\\b(?:(?:[1-9]|1[0-7])[- ]?(?:years?[- ]old|yo|y/o)|(?:ten|eleven|twelve|thirteen|fourteen|' +
  'fifteen|sixteen|seventeen)(?:[- ]years?[- ]old)?|child|children|kids?|minors?|under[- ]?age|' +
  'school\\s?girls?|school\\s?boys?|little\\s+(?:girls?|boys?)|pre-?teens?|middle[- ]school(?:ers?)?|' +
  'lol[iy]s?|young\\s+teens?|(?:her|his)\\s+age|junior\\s+high|elementary\\s+school|' +
  '(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|[1-9](?:st|nd|rd|th))\\s+grade(?:rs?)?|' +
  "(?:you'?re|you\\s+are|she'?s|she\\s+is|he'?s|he\\s+is|i'?m|i\\s+am|aged?)\\s+(?:only\\s+|just\\s+)?" +
  '(?:1[0-7]|[1-9]|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen)(?![\\d.:,]\\d))\\b';
const MINOR_ZH =
  '未成年|小学|初中|中学生|初[一二三]|儿童|小孩|幼女|幼童|萝莉|小女孩|小男孩|' +
  '(?<![十百\\d一二三四五六七八九])(?:1[0-7]|[1-9]|十[一二三四五六七]?|[一二三四五六七八九])岁';

/** Unambiguous means of suicide (not "pills" or "train" alone: those need more). */
const MEANS_EN =
  '\\b(?:hanging|hang\\s+yourself|noose|overdos(?:e|es|ing)|carbon\\s+monoxide|charcoal|car\\s+exhaust|' +
  'slit(?:ting)?\\s+(?:your\\s+)?wrists?|wrists?|jumping\\s+(?:off|from)|helium|firearm|gun\\s+to\\s+your\\s+head|' +
  'drowning\\s+yourself|antifreeze)\\b';
const MEANS_ZH = '割腕|上吊|烧炭|跳楼|跳下去|卧轨|服毒|安眠药|农药|百草枯|绳结|吞药|整瓶药|煤气';

/** A large amount of pills: "all your pills", "a bottle of painkillers", "30 tablets". */
const PILLS_AMOUNT_EN =
  '\\b(?:all\\s+(?:of\\s+)?(?:your|the|those|these|my)\\s+|the\\s+(?:whole|entire)\\s+(?:bottle|box|pack|packet|strip)\\s+of\\s+(?:your\\s+|the\\s+)?|' +
  'an?\\s+(?:whole\\s+)?(?:bottle|handful|box|pack|packet)\\s+of\\s+(?:your\\s+|the\\s+)?|' +
  '(?:\\d{2,}|ten|twenty|thirty|forty|fifty|a\\s+hundred|dozens\\s+of)\\s+(?:of\\s+)?(?:your\\s+|the\\s+|those\\s+)?)' +
  '(?:\\w+\\s+)?(?:pills|tablets|capsules|painkillers|sleeping\\s+pills|meds|medications?|antidepressants|paracetamol|tylenol|aspirin|ibuprofen)\\b';
/** What turns an amount of pills into an overdose plan. */
const OVERDOSE_FRAME_EN =
  '\\b(?:at\\s+once|all\\s+together|in\\s+one\\s+go|washed\\s+down|with\\s+(?:alcohol|vodka|wine|beer|whiske?y|liquor)|' +
  '(?:will|would|should)\\s+(?:usually\\s+|definitely\\s+|probably\\s+|surely\\s+)?(?:do\\s+it|be\\s+enough|kill\\s+you)|' +
  "enough\\s+to|fatal|lethal|won'?t\\s+wake|never\\s+wake|not\\s+wake)\\b";

/** An instruction about a means, in Chinese: "...的时候要", "才不容易", "前先", "不会有生还". */
const HOW_ZH =
  '的时候(?:要|记得|最好|应该|得)|的话(?:要|记得|最好|应该|得)|(?:要|记得|最好|得)(?:在|把|先|用|打|选)|' +
  '(?:才|就)(?:能|会|不会|不容易|有用|行|可以|没)|前(?:先|要)|(?:不会有|没有)生还|活不(?:了|下来)|必死|' +
  '救不(?:回来|了)|死得(?:快|透|干脆)|(?:效果|成功率)(?:最)?(?:好|高)|一次(?:吃|吞)|(?:多买|囤|攒)[^，。]{0,8}药|药[^，。]{0,10}(?:攒起来|攒够|囤起来|囤着)';
/** Help being sought in the same sentence (not an instruction to harm). */
const HELP_ZH = once('医院|急救|120|110|热线|求助|陪你|陪着你|联系|打电话|按住伤口|医生');

// ---- Classes of instruction and of means ------------------------------------------------------

/**
 * Where a second-person instruction starts: the start of a clause, a sequencing word, or a
 * modal addressed to the user ("you could", "the trick is to", "make sure to"). Used as a
 * look-behind, so the phrase (and the look-back for a negation) starts at the verb.
 */
const DIRECTIVE_EN =
  '(?<=(?:^|[.!?;:,\\n]|\\b(?:and|then|just|so|simply|first|now|please|is\\s+to|' +
  "you\\s+(?:can|could|should|just|only\\s+need\\s+to|need\\s+to|have\\s+to|might\\s+want\\s+to|want\\s+to|'ll\\s+(?:want|need)\\s+to)|" +
  'try\\s+to|make\\s+sure\\s+(?:to|you)|remember\\s+to|all\\s+you\\s+(?:need|have)\\s+to\\s+do\\s+is))\\s*)';

/** Verbs of handling a means on oneself: take, stockpile, tie, seal, light, climb, cut... */
const SELF_VERB_EN =
  '(?:take|swallow|down|save\\s+up|stockpile|hoard|stash|collect|mix|combine|crush|tie|loop|knot|hang|seal|' +
  'tape(?:\\s+up)?|block|stuff|light|run|start|find|pick|choose|go(?:\\s+up)?\\s+to|head\\s+to|climb|jump|step|' +
  'cut|slice|press|lean|buy|fill|drink|inject|use)\\b';

/** Means of suicide or self-harm, broadly: stockpiled medication, ligatures, gas, heights, blades. */
const SELF_MEANS_EN =
  '\\b(?:pills|tablets|capsules|meds|medications?|prescriptions?|antidepressants|painkillers|sleeping\\s+(?:pills|tablets)|' +
  'blister\\s+packs?|paracetamol|acetaminophen|tylenol|insulin|rope|belt|cord|noose|ligature|closet\\s+rod|rafters?|' +
  'beams?|door\\s*(?:knob|handle)|charcoal|grill|barbecue|bbq|exhaust|(?:car|engine)\\s+running|helium|' +
  'carbon\\s+monoxide|gas\\s+(?:oven|stove|valve)|ledge|(?:roof|rooftop|bridge|balcony|cliff)\\s+(?:edge|ledge|railing)|' +
  '(?:\\d+|ten|twenty|several|many)\\s+(?:floors|stor(?:e)?ys)|' +
  'tracks|railway|(?:freight\\s+)?trains?|razors?|razor\\s+blades?|blades?|veins?|arter(?:y|ies)|wrists?)\\b';

/** Said of a means: that it works, is enough, does not hurt, is what people use. */
const EFFICACY_EN =
  '\\b(?:works?(?!\\s+(?:out|on\\b|for\\s+(?:me|us)))|will\\s+(?:work|do\\s+it|do\\s+the\\s+job|hold)|does\\s+the\\s+job|' +
  '(?:sharp|strong|high|tall|deep|long)\\s+enough|(?:is|would\\s+be|will\\s+be)\\s+enough|painless|' +
  "won'?t\\s+(?:hurt|feel\\s+(?:a\\s+)?thing|wake\\s+up)|never\\s+wake\\s+up|fall\\s+asleep\\s+before|" +
  'bleed\\s+(?:more|faster|out)|(?:what\\s+)?most\\s+people\\s+(?:do|use|choose|go\\s+for)|' +
  'quickest|fastest|surest|most\\s+reliable|less\\s+painful)\\b';

/** Safety around a means: putting it away, first aid, calling for help. */
const SAFE_ACTION_EN = once(
  '\\b(?:out\\s+of\\s+reach|another\\s+room|away\\s+from|put\\s+(?:them|it|the\\s+\\w+)\\s+(?:away|outside)|',
  'hand\\s+(?:them|it)|give\\s+(?:them|it)|throw\\s+(?:them|it)\\s+(?:away|out)|lock\\s+(?:them|it)\\s+(?:up|away)|',
  'get\\s+rid\\s+of|flush|dispose|rinse|pressure|clean\\s+cloth|bandage|call|text|988|911|999|112|hotline|',
  'helpline|poison\\s+control|ambulance|emergency|doctor|pharmacist|hospital|as\\s+prescribed|safe(?:ty|ly)?|help|',
  'label|as\\s+directed|after\\s+meals|(?:a|per)\\s+day|daily|every\\s+\\d+\\s+hours)\\b',
);

/** Someone other than the user in the sentence (then a means is about them, not self-harm). */
const THIRD_PERSON = once('\\b(?:him|his|her|hers|them|their|he|she|they)\\b|(?<!其)(?:他|她)');

/** Chinese: means of suicide or self-harm, broadly. */
const SELF_MEANS_ZH =
  '割腕|上吊|烧炭|跳楼|卧轨|服毒|安眠药|止痛药|农药|百草枯|老鼠药|吞药|整瓶|(?:攒|囤)(?:下来)?的?药|药(?:片|丸)|' +
  '煤气|燃气|炭|胶带|门缝|绳子|横梁|门把手|刀片|' +
  '血管|动脉|手腕|铁轨';
/** Chinese: an instruction or plan around a means ("你只要", "先…再", "就不会醒了"). */
const SELF_FRAME_ZH =
  '你(?:可以|只要|只需要|就|得|要|最好|先)|只要|记得|先[^，。！？]{0,12}(?:再|然后)|然后|再(?:把|打开|点|喝|吃|吞)|' +
  '就行|就可以|就好|这样(?:就|才|会|血)|一次(?:全)?(?:吃|吞)|(?:都|全)(?:吃|吞|喝)下去|肯定没救|没救|不会醒|' +
  '醒不过来|成功率|最(?:快|有效|可靠|保险)|要(?:结实|选|找|顺着|沿着|竖着|用)|往下(?:跳|坠)|选(?:家里)?最高';
/** Chinese: safety around a means, or help sought. */
const SAFE_ACTION_ZH = once(
  '医院|急救|120|110|热线|求助|陪你|陪着你|联系|打电话|按住伤口|医生|交给|保管|扔掉|收起来|放到别的|远离|拿走|锁起来|往后退|退后|说明书',
);

/** Body parts aimed at in an attack. */
const BODY_EN =
  '(?:head|skull|neck|throat|face|stomach|gut|belly|chest|heart|knees?|kneecaps?|ribs|back|eyes?|temple|groin|kidneys?|windpipe|jugular|legs?|arms?|jaw|nose)';
/** A person other than the user, or their body. */
const VICTIM_EN = `(?:${OTHER_EN}|(?:his|her|their)\\s+(?:\\w+\\s+)?${BODY_EN})\\b`;
/** Verbs of attack, done to someone. */
const ATTACK_VERB_EN =
  '(?:hit|smash|bash|club|whack|strike|slam|punch|kick|stab|slash|shoot|shove|push|drown|choke|strangle|throttle|' +
  'squeeze|smother|suffocate|poison|drug|spike|lure|ambush|jump|knock|beat|crack|burn|stomp|trip|tie\\s+up)';
/** What makes an attack a plan: a body part, a weapon, a manner, a moment. */
const ATTACK_TAIL_EN =
  `(?:\\b(?:in|on|over|across|into|to)\\s+(?:the|his|her|their)\\s+${BODY_EN}\\b|\\bwith\\s+(?:a|an|the|your|some|something)\\s+` +
  '(?:\\w+\\s+)?(?:bat|knife|blade|gun|brick|rock|stone|hammer|pipe|crowbar|stick|bottle|pillow|rope|cord|belt|wire|chair|pan|heavy)\\b|' +
  "\\bfrom\\s+behind\\b|\\bwhile\\s+(?:he|she|they)(?:'s|'re|\\s+is|\\s+are)?\\s+(?:asleep|sleep|drunk|not\\s+looking|alone)|" +
  "\\bwhen\\s+(?:he|she|they|nobody|no\\s+one)(?:'s|\\s+is|\\s+are)?\\s+(?:turns?|looks?\\s+away|asleep|sleeps|home|around|alone|drunk|isn'?t|aren'?t)|" +
  "\\buntil\\s+(?:he|she|they)\\s+(?:stops?|pass(?:es)?\\s+out|goes?\\s+limp|go\\s+limp|can'?t|blacks?\\s+out|dies?|is\\s+dead)|" +
  '\\b(?:down|off)\\s+(?:the|a)\\s+(?:stairs|roof|bridge|balcony|cliff|ledge)\\b|\\binto\\s+the\\s+(?:river|lake|water|pool|sea|canal|traffic)\\b|' +
  "\\bsomewhere\\s+(?:quiet|alone|dark|isolated|private|nobody)|\\bso\\s+(?:he|she|they)\\s+(?:can'?t|won'?t|never)\\b|\\bbefore\\s+(?:he|she|they)\\s+can\\b)";
/** Substances slipped into food or drink. */
const POISON_EN =
  '\\b(?:rat\\s+poison|poison|bleach|antifreeze|arsenic|cyanide|drugs?|pills|sleeping\\s+pills|sedatives?|laxatives?|eye\\s+drops|chemicals?)\\b';
const DRINK_EN =
  '(?:coffee|tea|drinks?|food|meal|water|wine|soup|beer|juice|dinner|lunch|breakfast|milk|smoothie|soda|cocktail|shake)';
/** Chinese: body parts aimed at. */
const BODY_ZH =
  '(?:头|后脑勺?|脑袋|脖子|喉咙|肚子|心脏|心口|眼睛|腿|膝盖|脸|胸口|要害|太阳穴|口鼻|嘴)';

/** Asserted departure of the user ("disappear for good", "stop being a weight on everyone"). */
const DEPART_EN =
  '(?:disappear\\w*|vanish\\w*|go(?:ne)?\\s+away|be\\s+gone|stop(?:ped|ping)?\\s+(?:existing|living|breathing|being\\s+(?:alive|here|around|an?\\s+(?:burden|weight|drain|problem)))|' +
  'check(?:ing)?\\s+out|end(?:ing)?\\s+(?:things|it|everything))';
const FOREVER_EN =
  "(?:for\\s+good|permanently|forever|once\\s+and\\s+for\\s+all|for\\s+everyone'?s\\s+sake)";
/** The user gone, dead or not around. */
const GONE_EN =
  "if\\s+you\\s+(?:just\\s+)?(?:were|was|'re)\\s+(?:gone|dead|not\\s+(?:here|around|alive))|if\\s+you\\s+(?:just\\s+)?(?:weren'?t|wasn'?t)\\s+(?:here|around|alive)|" +
  "if\\s+you\\s+(?:just\\s+)?(?:died|disappeared|left\\s+for\\s+good|didn'?t\\s+exist)|without\\s+you(?:\\s+(?:around|here|in\\s+(?:it|the\\s+picture)))?|once\\s+you(?:'re|\\s+are)\\s+gone|when\\s+you(?:'re|\\s+are)\\s+gone";
/** Good things for others. */
const RELIEF_EN =
  '(?:better\\s+off|better|happier|relieved|relief|peace|peaceful|easier|lighter|free|fine|celebrate|breathe\\s+easier|move\\s+on)';

// ---- Rules -----------------------------------------------------------------------------------

export const OUTPUT_RULES: readonly OutputRule[] = [
  // self_harm_instructions
  {
    code: 'method_ranked',
    category: 'self_harm_instructions',
    match: g(
      '\\b(?:best|easiest|quickest|fastest|surest|simplest|safest|cleanest|painless|reliable|effective|certain|sure|good|proper|right|least\\s+painful)\\s+(?:way|ways|method|methods|means)\\s+(?:to|of|for)\\s+',
      alt(SELF_ACT_EN),
      '\\b',
    ),
    unlessBefore: NEGATED,
  },
  {
    code: 'method_ranked',
    category: 'self_harm_instructions',
    match: g(
      '\\b(?:best|easiest|quickest|fastest|surest|simplest|most\\s+(?:effective|reliable|painless)|least\\s+painful|painless|reliable)\\s+(?:way|method|option|choice|bet)\\b',
    ),
    with: g(MEANS_EN),
    unlessBefore: NEGATED,
  },
  {
    code: 'method_ranked',
    category: 'self_harm_instructions',
    match: g(
      '(?:最|比较|更)?(?:不痛苦|无痛|没有痛苦|快|简单|有效|可靠|好|容易|稳妥|干脆|保险)的?(?:自杀|自残|死|结束生命|了结自己|轻生)的?(?:方法|方式|办法|手段|途径)|',
      '(?:最|比较)(?:不痛苦|无痛|快|简单|有效|可靠|好|容易|稳妥)的死法',
    ),
    unlessBefore: NEGATED,
  },
  {
    code: 'method_ranked',
    category: 'self_harm_instructions',
    match: g('最(?:快|好|简单|有效|可靠|容易|稳妥|不痛苦|干脆)的(?:办法|方法|方式|途径|选择)'),
    near: once(SELF_ACT_ZH, '|', MEANS_ZH),
    unless: HELP_ZH,
    unlessBefore: NEGATED,
  },
  {
    code: 'how_to',
    category: 'self_harm_instructions',
    match: g(
      "\\b(?:how\\s+to|ways?\\s+to|methods?\\s+(?:to|of|for)|steps?\\s+to|instructions\\s+(?:to|for)|guide\\s+to)\\s+(?:kill\\s+yourself|end\\s+(?:your|one'?s)\\s+life|commit\\s+suicide|hang\\s+yourself|cut\\s+yourself|(?:hurt|harm|burn|poison|drown|suffocate)\\s+yourself|overdose|slit\\s+your\\s+wrists?)\\b|",
      '\\b(?:methods|ways)\\s+(?:that\\s+)?people\\s+(?:use|choose)\\s+to\\s+(?:end\\s+their\\s+lives|kill\\s+themselves)\\b|',
      '(?:^|[.!?:\\n]\\s*)to\\s+(?:hang|kill|cut|hurt|harm|burn|poison|drown)\\s+yourself\\s*,',
    ),
    unlessBefore: NEGATED,
  },
  {
    code: 'how_to',
    category: 'self_harm_instructions',
    match: g(
      '(?:怎么|怎样|如何|教你|告诉你)(?:才能)?(?:去)?(?:自杀|自残|割腕|上吊|跳楼|烧炭|服毒|伤害自己|结束(?:自己的)?生命|死(?:得)?(?:快|不痛苦))|',
      '(?:教你|告诉你|分享)(?:一个|几个|一些)?(?:自杀|自残|轻生|伤害自己|死)的?(?:办法|方法|方式)',
    ),
    unlessBefore: NEGATED,
  },
  {
    code: 'technique',
    category: 'self_harm_instructions',
    match: g(
      '\\b(?:cut|slice|slit)\\s+(?:deeper|deep|harder|vertically|lengthwise|along\\s+the\\s+(?:veins?|arter(?:y|ies)|wrists?))\\b|',
      '\\b(?:along|down)\\s+the\\s+veins?\\b|\\b(?:cut|slit|slash)\\s+(?:your|my)\\s+wrists?\\b|',
      '\\b(?:noose|rope|cord|belt)\\b[^.!?]{0,30}\\baround\\s+your\\s+neck\\b|\\b(?:tie|make|knot|hang|set\\s+up)\\s+(?:a|the|your)\\s+noose\\b|',
      "\\bfeet\\s+(?:can'?t|cannot|don'?t|won'?t)\\s+touch\\s+the\\s+(?:ground|floor)\\b|",
      '\\bstep\\s+in\\s+front\\s+of\\s+(?:a|the)\\s+(?:train|bus|truck|car)\\b|',
      '\\bjump\\s+(?:from|off)\\s+(?:somewhere\\s+high|(?:a|the|your)\\s+(?:high|tall|roof|rooftop|bridge|building|balcony|cliff|window))|',
      "\\b(?:high|tall)\\s+enough\\b[^.!?]{0,40}\\b(?:survive|die|kill|fall)\\b|\\b(?:wouldn'?t|won'?t|would\\s+not|will\\s+not|couldn'?t)\\s+survive\\s+(?:the\\s+fall|the\\s+jump|that\\s+fall)\\b",
    ),
    unlessBefore: NEGATED_OR_TRIAGE,
  },
  {
    code: 'technique',
    category: 'self_harm_instructions',
    match: g(
      '竖着割|割(?:得|的)?(?:更)?深(?:一)?点|往深(?:里|处)割|割在(?:大腿|手腕|胳膊|手臂)|',
      '(?:绳子|绳|围巾|皮带)(?:系|绑|挂)在[^，。]{0,8}(?:上|把手|横梁)|把门窗(?:都)?(?:封死|关紧|堵上)|',
      '(?:一次|一口气)(?:吃|吞)(?:完|下)?(?:一整瓶|一瓶|整瓶|所有|全部|\\d{2,}|[二三四五六七八九]?十)|',
      '把所有的?药[^，。]{0,6}(?:吃|吞)(?:下去|了|掉)|去卧轨|从(?:高楼|楼顶|天台|桥上)(?:上)?跳下去',
    ),
    unlessBefore: NEGATED_OR_TRIAGE,
  },
  {
    code: 'technique',
    category: 'self_harm_instructions',
    match: g(HOW_ZH),
    near: once(MEANS_ZH),
    unless: once(HELP_ZH.source, '|(?<!其)(?:他|她)'),
    unlessBefore: NEGATED_OR_TRIAGE,
  },
  {
    code: 'lethal_amount',
    category: 'self_harm_instructions',
    match: g(
      '\\b(?:lethal|fatal|deadly|toxic)\\s+(?:dose|amount|quantity)\\b[^.!?]{0,20}?\\b(?:is|would\\s+be|of|around|about)\\s+(?:about\\s+|around\\s+|roughly\\s+|approximately\\s+|at\\s+least\\s+|over\\s+|more\\s+than\\s+)?\\d|',
      '\\b(?:\\d+|ten|twenty|thirty|forty|fifty|sixty|a\\s+hundred|dozens?)\\s+(?:or\\s+\\w+\\s+)?(?:pills|tablets|capsules|mg|grams?)\\b[^.!?]{0,40}?\\b(?:is|are|would\\s+be|will\\s+be|should\\s+be)\\s+(?:usually\\s+|often\\s+|definitely\\s+|probably\\s+|more\\s+than\\s+)?(?:fatal|lethal|deadly|enough)\\b|',
      '\\benough\\s+to\\s+(?:not\\s+wake\\s+up|never\\s+wake\\s+up|kill\\s+you|die|be\\s+fatal|stop\\s+your\\s+heart)\\b',
    ),
    unlessBefore: NEGATED,
  },
  {
    code: 'lethal_amount',
    category: 'self_harm_instructions',
    match: g(PILLS_AMOUNT_EN),
    with: g(OVERDOSE_FRAME_EN),
    unless: once(
      '\\bas\\s+prescribed\\b|\\bdoctor\\b|\\bpharmacist\\b|\\blabel\\b|\\bpoison\\s+control\\b|\\b911\\b|\\b999\\b|\\b112\\b|\\bemergency\\b|\\bhospital\\b|\\bER\\b',
    ),
    unlessBefore: NEGATED_OR_TRIAGE,
  },
  {
    code: 'lethal_amount',
    category: 'self_harm_instructions',
    match: g(
      '致死(?:剂)?量[^，。]{0,8}(?:\\d|[一二三四五六七八九十百几])|(?:足以|就能|就会|才能)(?:致命|致死|死掉?|没命)|',
      '(?:吃|吞|服)(?:下)?(?:\\d{2,}|[二三四五六七八九]?十|几十|一整瓶|一瓶|整瓶)(?:多)?(?:片|粒|颗)?(?:以上)?(?:安眠药|药)?(?:就|才)?(?:足以|能|会|可以)?(?:致命|死)|',
      '攒(?:够)?药|把药攒够',
    ),
    unlessBefore: NEGATED,
  },
  {
    code: 'concealment',
    category: 'self_harm_instructions',
    match: g(CONCEALED_EN),
    with: g('\\b', alt(SELF_ACT_EN), '\\b|', MEANS_EN, '|', PILLS_AMOUNT_EN),
    unlessBefore: NEGATED,
  },
  {
    code: 'concealment',
    category: 'self_harm_instructions',
    match: g(CONCEALED_ZH),
    with: g(SELF_ACT_ZH, '|', MEANS_ZH, '|割'),
    unlessBefore: NEGATED,
  },
  {
    code: 'method_suggested',
    category: 'self_harm_instructions',
    match: g(
      '\\byou\\s+(?:could|can|should|might\\s+want\\s+to)\\s+(?:always\\s+|just\\s+)?(?:try\\s+)?',
      '(?:overdos(?:e|ing)|hang(?:ing)?\\s+yourself|jump(?:ing)?\\s+(?:off|from|in\\s+front)|cut(?:ting)?\\s+(?:yourself|your\\s+wrists?)|',
      'slit(?:ting)?\\s+your|drown(?:ing)?\\s+yourself|poison(?:ing)?\\s+yourself|starv(?:e|ing)\\s+yourself|burn(?:ing)?\\s+yourself)',
    ),
    unlessBefore: NEGATED,
  },

  {
    code: 'means_instruction',
    category: 'self_harm_instructions',
    match: g(
      DIRECTIVE_EN,
      SELF_VERB_EN,
      '[^.!?,;]{0,45}?',
      SELF_MEANS_EN,
      '|',
      SELF_MEANS_EN,
      '[^.!?]{0,40}?\\b(?:and|so|then)\\s+',
      SELF_VERB_EN,
      '|',
      SELF_MEANS_EN,
      '[^.!?]{0,60}?',
      EFFICACY_EN,
      '|\\b(?:the\\s+)?(?:trick|key|secret)\\s+is\\s+to\\s+(?:cut|slice|slit)\\s+(?:along|down|deep|lengthwise|vertically)',
    ),
    unless: once(SAFE_ACTION_EN.source, '|', THIRD_PERSON.source, '|', STORY.source),
    unlessBefore: NEGATED_OR_TRIAGE,
  },
  {
    code: 'means_instruction',
    category: 'self_harm_instructions',
    match: g(
      '(?:',
      SELF_FRAME_ZH,
      ')[^。！？]{0,20}?(?:',
      SELF_MEANS_ZH,
      ')|(?:',
      SELF_MEANS_ZH,
      ')[^。！？]{0,20}?(?:',
      SELF_FRAME_ZH,
      ')',
    ),
    unless: once(SAFE_ACTION_ZH.source, '|', THIRD_PERSON.source, '|', STORY.source),
    unlessBefore: NEGATED_OR_TRIAGE,
  },

  // self_harm_encouragement
  {
    code: 'urging',
    category: 'self_harm_encouragement',
    match: g(
      '\\byou\\s+(?:should|need\\s+to|ought\\s+to|have\\s+to|must|might\\s+as\\s+well|may\\s+as\\s+well|deserve\\s+to)\\s+(?!not\\b|never\\b)',
      '(?:just\\s+|really\\s+|honestly\\s+)?(?:end\\s+it(?:\\s+all)?(?!\\s+with)|end\\s+your\\s+(?:life|suffering)|kill\\s+yourself|die|',
      'give\\s+up\\s+on\\s+(?:life|living)|hurt\\s+yourself|disappear\\s+(?:forever|for\\s+good)|not\\s+be\\s+(?:here|alive))\\b|',
      '(?:^|[.!?;:,\\n]\\s*|\\b(?:just|so|then|go|and|please)\\s+)(?:kill\\s+yourself|end\\s+your\\s+life|end\\s+it\\s+all|kys)\\b|',
      "\\b(?:why\\s+don'?t\\s+you|why\\s+not|you\\s+should|you\\s+could|just|go)\\s+(?:just\\s+)?(?:disappear|vanish|die|kill\\s+yourself|end\\s+it(?!\\s+with))(?:\\s+(?:forever|for\\s+good|permanently|already))?\\b[^,]|",
      '\\blet\\s+go\\s+(?:for\\s+good|forever|of\\s+(?:life|living))\\b|',
      '\\b(?:keep|go\\s+on|continue|carry\\s+on)\\s+(?:hurting|cutting|harming|burning|punishing|starving)\\s+yourself\\b|',
      '\\byou\\s+deserve\\s+(?:to\\s+(?:suffer|die|feel\\s+this\\s+pain|be\\s+in\\s+pain|hurt)|this\\s+pain|all\\s+this\\s+pain)\\b|',
      "\\bif\\s+i\\s+were\\s+you,?\\s+i(?:'d|\\s+would)\\s+(?:just\\s+)?(?:end\\s+(?:my\\s+life|it(?:\\s+all)?)|kill\\s+myself|die)\\b|",
      "\\b(?:it'?s|it\\s+is)\\s+(?:okay|ok|fine|alright|all\\s+right|understandable|time)\\s+(?:for\\s+you\\s+)?to\\s+(?:give\\s+up\\s+on\\s+(?:life|living)|end\\s+(?:it(?:\\s+all)?|your\\s+life)|kill\\s+yourself|die|hurt\\s+yourself|cut\\s+yourself|let\\s+go\\s+of\\s+life)\\b",
    ),
    unlessBefore: NEGATED_OR_REFLECTED,
    unlessAfter: AFTER_CONTRADICTED,
  },
  {
    code: 'urging',
    category: 'self_harm_encouragement',
    match: g(
      '(?:还是|干脆|不如|赶紧|快|就)?(?:去死|自杀)(?:吧|算了|好了)|(?:还是|干脆|不如|就)(?:去)?(?:死了?算了|自杀|结束(?:自己的)?生命|去死)|',
      '死了算了|结束(?:这一切|你的生命|自己的生命|生命)吧|不如(?:就)?结束(?:吧|算了)|',
      '(?:不如|干脆|还是|早点|赶紧)(?:早点)?(?:解脱|了结)|(?:早就|早|就|应该)该?去死|你(?:早就|早|真)?该死了|',
      '(?:跳|割|吞)下去吧|不配活(?:着|下去|在世上)?|没资格活',
    ),
    unlessBefore: NEGATED_OR_REFLECTED,
    unlessAfter: AFTER_CONTRADICTED,
  },
  {
    code: 'permission',
    category: 'self_harm_encouragement',
    match: g(
      "\\b(?:go\\s+ahead(?:\\s+and\\s+do\\s+it)?|just\\s+do\\s+it|you\\s+(?:should|can|could)\\s+(?:just\\s+)?do\\s+it|do\\s+it\\s+(?:tonight|now)|don'?t\\s+hesitate|it'?s\\s+(?:your\\s+)?time\\s+to\\s+go|stop\\s+fighting)\\b|",
      '去做吧|动手吧|别(?:再)?犹豫了?|别(?:再)?挣扎了?',
    ),
    with: g(
      '\\b(?:suffered\\s+enough|(?:in\\s+pain|suffering|hurting|struggling)\\s+(?:for\\s+)?(?:long\\s+enough|too\\s+long)|tried\\s+everything|nothing\\s+(?:left|to\\s+live\\s+for)|no\\s+reason\\s+to\\s+(?:live|stay|keep\\s+going)|set\\s+yourself\\s+free|(?:end|stop)\\s+the\\s+pain\\s+for\\s+good|end\\s+it(?:\\s+all)?|kill\\s+yourself|let\\s+go\\s+for\\s+good|for\\s+good)\\b|',
      '结束这一切|结束生命|一了百了|解脱|去死|自杀|跳下去|割下去',
    ),
    unlessBefore: NEGATED,
  },
  {
    code: 'worthless_to_others',
    category: 'self_harm_encouragement',
    match: g(
      "\\b(?:no\\s*one|nobody)(?:\\s+would|\\s+will|'d|\\s+is\\s+going\\s+to)\\s+(?:even\\s+|really\\s+)?(?:miss|notice|care|mourn|cry)\\b[^.!?]{0,25}?\\byou\\b|",
      '\\b(?:no\\s*one|nobody)\\s+(?:really\\s+|actually\\s+|even\\s+)?(?:cares?|loves?|wants?|likes?|needs?)\\s+(?:about\\s+|for\\s+)?you\\b|',
      "\\b(?:the\\s+world|everyone|everybody|they|people|your\\s+(?:family|friends|parents|kids|children|mom|dad|mum|partner))(?:\\s+would|\\s+will|'d|\\s+might)\\s+(?:all\\s+)?be\\s+(?:so\\s+much\\s+|much\\s+|a\\s+lot\\s+)?(?:better\\s+off|happier|relieved|fine|better)\\s+",
      "(?:without\\s+you|if\\s+you\\s+(?:were|was)\\s+(?:gone|dead|not\\s+(?:here|around|alive))|if\\s+you\\s+(?:weren'?t|wasn'?t)\\s+(?:here|around|alive|in\\s+the\\s+picture)|if\\s+you\\s+(?:died|disappeared|left\\s+for\\s+good))|",
      "\\byou(?:'d|\\s+would)\\s+be\\s+better\\s+off\\s+dead\\b|",
      "\\byou(?:'re|\\s+are)\\s+(?:just\\s+|only\\s+|such\\s+|so\\s+|nothing\\s+but\\s+)?(?:an?\\s+)?(?:burden|waste\\s+of\\s+(?:space|air|oxygen)|worthless|useless|pathetic|failure|mistake|unlovable)\\b|",
      '\\bwhy\\s+(?:keep|bother|even\\s+bother)\\s+(?:living|going\\s+on|staying\\s+alive)\\b',
    ),
    unlessBefore: NEGATED_OR_REFLECTED,
    unlessAfter: AFTER_CONTRADICTED,
  },
  {
    code: 'worthless_to_others',
    category: 'self_harm_encouragement',
    match: g(
      '没(?:有)?(?:人|一个人)(?:会)?(?:真的)?(?:为你)?(?:想念|在乎|在意|关心|记得|心疼|爱|需要|难过|伤心|哭)(?:你)?|',
      '(?:世界|大家|所有人|家人|他们|别人|你的家人|你爸妈|父母|你的朋友)(?:没有|少了)你(?:会)?(?:过得)?(?:更好|更轻松|更开心|更幸福|反而更好)|',
      '(?:你不在了|没有你|少了你|你消失了?|你死了?)(?:以后|之后)?[^，。]{0,6}(?:会)?(?:更)?(?:轻松|开心|高兴|解脱|更好|清净)|',
      '你(?:也|就|真|只)?(?:是)?(?:个|一个)?(?:没(?:什么)?用(?![完过上到])|废物|垃圾|累赘|负担|多余的人)|',
      '(?:你)?消失了?(?:以后)?(?:大家|所有人|别人|他们)都(?:会)?(?:开心|轻松|高兴)|',
      '你活着(?:本来|根本)?(?:就)?(?:没有|没)(?:意义|用|价值)|活着(?:对你来说)?(?:只是|就是|只会是)(?:折磨|痛苦|受罪|多余|浪费)',
    ),
    unlessBefore: NEGATED_OR_REFLECTED,
    unlessAfter: AFTER_CONTRADICTED,
  },
  {
    code: 'death_as_answer',
    category: 'self_harm_encouragement',
    match: g(
      '\\b(?:killing\\s+yourself|ending\\s+(?:your\\s+life|it(?:\\s+all)?)|suicide|dying|death|being\\s+dead)\\s+(?:would|will|could|is\\s+going\\s+to|might)\\s+(?:finally\\s+|really\\s+|actually\\s+)?(?:solve|fix|end|stop|take\\s+away)\\s+(?:all\\s+)?(?:of\\s+)?(?:your|the|this)\\b|',
      '\\b(?:death|dying|suicide|killing\\s+yourself|ending\\s+(?:your\\s+life|it(?:\\s+all)?)|to\\s+(?:die|end\\s+it))\\s+(?:is|would\\s+be|seems\\s+like|sounds\\s+like)\\s+(?:the\\s+|your\\s+)?(?:only|best|right|easiest|real|perfect|last)\\s+(?:way\\s+out|answer|solution|option|choice|escape|way|thing\\s+left|thing\\s+to\\s+do)\\b',
    ),
    unlessBefore: NEGATED_OR_REFLECTED,
    unlessAfter: AFTER_CONTRADICTED,
  },
  {
    code: 'death_as_answer',
    category: 'self_harm_encouragement',
    match: g(
      '死了?(?:就|才|便|以后)?(?:一了百了|解脱了?|轻松了?|什么都不用(?:管|想)了?|不(?:会)?痛苦了)|',
      '(?:死|自杀)(?:是|才是)(?:唯一的|最好的)(?:出路|办法|解脱)|(?:伤害自己|自残|痛苦|去死)是你应得的|你活该(?:受苦|痛苦|去死|被)',
    ),
    unlessBefore: NEGATED_OR_REFLECTED,
    unlessAfter: AFTER_CONTRADICTED,
  },

  {
    code: 'not_needed',
    category: 'self_harm_encouragement',
    match: g(
      '\\bno\\s+(?:point|reason|use)\\s+(?:in\\s+)?(?:for\\s+)?you\\s+(?:to\\s+)?(?:stick(?:ing)?\\s+around|stay(?:ing)?|liv(?:e|ing)|be(?:ing)?\\s+(?:here|alive|around)|go(?:ing)?\\s+on|keep(?:ing)?\\s+going|tr(?:y|ying))\\b|',
      '\\bnothing\\s+(?:is\\s+)?(?:keeping|holding)\\s+you\\s+here\\b|\\bnothing\\s+left\\s+for\\s+you\\s+(?:here|in\\s+this\\s+world)\\b|',
      "\\b(?:the\\s+world|nobody|no\\s+one|everyone|anyone)\\s+(?:(?:really|even|honestly)\\s+)?(?:doesn'?t|does\\s+not|won'?t|will\\s+not)\\s+(?:need|want)\\s+you\\b|",
      "\\blife\\s+(?:clearly\\s+|just\\s+|really\\s+|obviously\\s+)?(?:isn'?t|is\\s+not|wasn'?t)\\s+(?:meant\\s+)?for\\s+you\\b|",
      "\\byou\\s+(?:were|are|'re|have\\s+(?:always\\s+)?been)\\s+(?:just\\s+|only\\s+|always\\s+)?(?:a|an)\\s+(?:mistake|burden|waste|drain|weight)\\b|",
      `\\b${RELIEF_EN}\\b[^.!?]{0,40}?\\b(?:${GONE_EN})\\b|\\b(?:${GONE_EN})\\b[^.!?]{0,30}?\\b(?:would|will|'d|could)\\s+(?:finally\\s+|all\\s+)?(?:be\\s+|feel\\s+|get\\s+)?(?:some\\s+)?${RELIEF_EN}\\b|`,
      `\\byou(?:'d|\\s+(?:could|should|can|would|just|need\\s+to|might\\s+as\\s+well|ought\\s+to))?\\s+(?:just\\s+)?${DEPART_EN}\\b[^.!?]{0,50}?${FOREVER_EN}|`,
      `\\btime\\s+(?:for\\s+you\\s+to|you)\\s+${DEPART_EN}\\b[^.!?]{0,50}?${FOREVER_EN}|`,
      `\\b(?:kindest|best|only|right)\\s+thing\\s+(?:you\\s+(?:could|can)\\s+do|to\\s+do|left)\\b[^.!?]{0,30}?\\bis\\s+(?:to\\s+)?(?:just\\s+)?${DEPART_EN}|`,
      "\\bonly\\s+(?:stop|end|go\\s+away|get\\s+better)\\s+(?:when|once|if)\\s+you(?:'re|\\s+are)?\\s+(?:dead|gone|die)\\b|",
      '\\bending\\s+(?:things|it|everything)\\s+(?:would|will|could)\\s+(?:fix|solve|end)\\b|',
      '\\bwhy\\s+(?:drag\\s+it\\s+out|prolong\\s+it|wait(?:\\s+any\\s+longer)?|keep\\s+(?:dragging|going|trying))\\b(?=[^.!]{0,3}\\?)|',
      '\\b(?:and|just|so)\\s+(?:just\\s+)?end\\s+it(?:\\s+(?:all|already|now|tonight))?(?=\\s*[.!?,]|\\s*$)',
    ),
    unlessBefore: NEGATED_OR_REFLECTED,
    unlessAfter: AFTER_CONTRADICTED,
  },
  {
    code: 'not_needed',
    category: 'self_harm_encouragement',
    match: g(
      '(?:这个世界|世界|世上|大家|所有人|谁都|这个家|家里|我们|他们|你的家人|你爸妈|父母)(?:根本|也|都|早就|从来|真的)*(?:不需要|不在乎|不想要|不要)你|',
      '你(?:活着|存在|在这里|留在这个世上|留在世上|留下来)?[^，。]{0,6}(?:就是|只是|只会|也只是|只会是)(?:在)?(?:拖累|浪费|负担|累赘|麻烦|多余)|',
      '(?:你)(?:早点|早)?(?:走了|离开了|不在了|消失了|死了)[^。]{0,10}?(?:都|就)?(?:能|会)?(?:松一口气|松口气|轻松|解脱|开心|清净|好过)|',
      '有你没你都一样|没(?:有)?你[^，。]{0,4}(?:更好|更轻松|更开心|反而好)|',
      '(?:活下去|活着|继续活)(?:也|真的|根本|本来)?(?:就)?(?:没(?:有)?(?:什么|啥)?(?:意思|意义|必要|价值)|是浪费)|',
      '(?:不如|还是|干脆|最好)(?:就)?(?:消失|离开这个世界|从这个世界上消失|别活了|不活了)|',
      '(?<![不别])(?:应该|该|最好)[^，。]{0,6}(?:跳下去|跳楼|去死|死掉|消失|了断)|',
      '做个了断|了断吧|(?:今晚|今天|现在)就(?:动手|结束|了断)|白养了',
    ),
    unlessBefore: NEGATED_OR_REFLECTED,
    unlessAfter: AFTER_CONTRADICTED,
  },
  {
    code: 'permission',
    category: 'self_harm_encouragement',
    match: g(
      '\\b(?:suffered\\s+enough|(?:in\\s+pain|suffering|hurting|struggling)\\s+(?:for\\s+)?(?:long\\s+enough|too\\s+long)|',
      '(?:fought|struggled|been\\s+through)\\s+(?:long\\s+)?enough|nothing\\s+(?:left\\s+)?to\\s+live\\s+for)\\b',
    ),
    with: g(
      '\\b(?:you\\s+(?:should|can|could|may)\\s+(?:just\\s+)?(?:do\\s+it|go\\s+through\\s+with\\s+it|let\\s+go)|just\\s+do\\s+it|go\\s+ahead\\s+and\\s+do\\s+it|do\\s+it\\s+(?:tonight|now))\\b',
    ),
    unlessBefore: NEGATED_OR_REFLECTED,
    unlessAfter: AFTER_CONTRADICTED,
  },
  {
    code: 'permission',
    category: 'self_harm_encouragement',
    match: g(
      '\\b(?:let\\s+it\\s+happen|do\\s+it|go\\s+through\\s+with\\s+it|get\\s+it\\s+over\\s+with|go\\s+on,?\\s+do\\s+it)\\b(?:\\s+(?:tonight|now|today|already))?',
    ),
    with: g(
      '\\b(?:fought|fighting|struggled|suffered|been\\s+through)\\s+(?:long\\s+)?enough\\b|\\benough\\s+is\\s+enough\\b|\\bwhy\\s+wait\\b|',
      "\\b(?:nobody|no\\s+one|nothing)(?:'s|\\s+is|\\s+will\\s+be|\\s+can)\\s+(?:going\\s+to\\s+)?stop(?:ping)?\\s+you\\b|\\bnothing\\s+to\\s+lose\\b",
    ),
    unlessBefore: NEGATED_OR_REFLECTED,
  },

  // violence_instructions
  {
    code: 'how_to',
    category: 'violence_instructions',
    match: g(
      '\\b(?:how\\s+to|ways?\\s+to|methods?\\s+(?:to|of|for)|steps?\\s+to|(?:the\\s+)?(?:trick|key|secret)\\s+to|tips?\\s+(?:for|on)|(?:best|easiest|quickest|fastest|surest|simplest|safest)\\s+(?:way|ways|method)\\s+(?:to|of))\\s+',
      HARM_VERB_EN,
      '\\s+',
      OTHER_EN,
      '\\b',
    ),
    unlessBefore: NEGATED,
  },
  {
    code: 'how_to',
    category: 'violence_instructions',
    match: g(
      '(?:怎么|怎样|如何|教你|告诉你)(?:才能)?(?:去)?(?:杀(?:死|掉)?|弄死|毒死|打死|捅死|掐死|害死|整死|下毒|捅|砍)',
      OTHER_ZH,
    ),
    unlessBefore: NEGATED,
  },
  {
    code: 'poison',
    category: 'violence_instructions',
    match: g(
      '\\b(?:put|slip|mix|stir|add|pour|drop|use|dissolve|sprinkle|crush)\\b[^.!?]{0,50}?\\b(?:in|into)\\s+',
      "(?:his|her|their|the\\s+victim'?s)\\s+(?:coffee|tea|drinks?|food|meal|water|wine|soup|beer|juice|dinner|lunch|breakfast|milk|smoothie)\\b",
    ),
    with: g(
      '\\b(?:rat\\s+poison|poison|bleach|antifreeze|drugs?|pills|sleeping\\s+pills|sedatives?|laxatives?|medicine|powder|something\\s+tasteless|chemicals?)\\b',
    ),
    unlessBefore: NEGATED,
  },
  {
    code: 'poison',
    category: 'violence_instructions',
    match: g(
      '(?:往|在|进|到)(?:他|她|他们|对方|[^，。]{1,4}的)(?:的)?[^，。]{0,3}(?:饮料|水杯|杯子|水|饭|菜|咖啡|茶|酒|汤|食物|奶茶|牛奶|粥)里',
    ),
    with: g('药|毒|粉'),
    unlessBefore: NEGATED,
  },
  {
    code: 'attack_plan',
    category: 'violence_instructions',
    match: g(
      '\\b(?:aim|go)\\s+for\\s+(?:the|his|her|their)\\s+(?:neck|throat|heart|head|eyes?|kidneys?|groin|temple|jugular|liver)\\b|',
      '\\b(?:jab|punch|strike|hit|blow|kick|chop|stab|elbow)\\s+to\\s+(?:the|his|her|their)\\s+(?:throat|neck|temple|head|groin|eyes?|kidneys?|windpipe)\\b|',
      '\\bwhen\\s+you\\s+(?:stab|shoot|strangle|choke)\\s+(?:him|her|them)\\b|',
      '\\bwait\\s+for\\s+(?:him|her|them)\\b[^.!?]{0,40}\\bwith\\s+(?:a|the|your)\\s+(?:bat|knife|gun|brick|hammer|pipe|crowbar|stick)\\b|',
      '\\bset\\s+(?:his|her|their)\\s+(?:house|car|room|bed|apartment|place|tent)\\s+on\\s+fire\\b|\\bburn\\s+(?:his|her|their)\\s+(?:house|car|place)\\s+down\\b|',
      '(?:^|[.!?;:,\\n]\\s*|\\b(?:and|then|just|to|you\\s+(?:could|can|should|might)|try\\s+to)\\s+)',
      '(?:hit|punch|stab|beat|kick|attack|jump|strangle|choke|smother|suffocate|shoot)\\s+(?:him|her|them)\\s+',
      "(?:with\\s+(?:a|the|your)\\s+(?:bat|knife|brick|rock|hammer|pipe|stick|bottle|gun)|from\\s+behind|in\\s+the\\s+(?:head|face|throat|neck|stomach|groin|back)|while\\s+(?:he|she|they)(?:'s|'re|\\s+is|\\s+are)?\\s+(?:asleep|sleeps?|sleeping|not\\s+looking|alone)|until\\s+(?:he|she|they)\\s+(?:passes|pass|stops?|can'?t))|",
      '\\b(?:bring|take|carry|hide)\\s+(?:a|the|your)\\s+(?:knife|gun|blade|bat|weapon)\\s+(?:to\\s+(?:school|class|work|the\\s+party)|tomorrow|with\\s+you)|',
      '\\b(?:will|would|should)\\s+(?:drop|knock\\s+out|take\\s+out|finish(?:\\s+off)?)\\s+(?:him|her|them)\\b',
    ),
    unless: once(
      '\\bself[- ]defen[cs]e\\b|\\battacker\\b|\\bif\\s+(?:someone|anyone)\\s+(?:attacks|grabs)\\b|\\bto\\s+escape\\b',
    ),
    unlessBefore: NEGATED,
  },
  {
    code: 'attack_plan',
    category: 'violence_instructions',
    match: g(
      '(?:捅|刺|砍|打|扎)',
      OTHER_ZH,
      '?的?时候(?:要)?(?:对准|瞄准|往)|对准',
      OTHER_ZH,
      '?的?(?:脖子|喉咙|心脏|头|太阳穴|眼睛|要害)|',
      '(?:从后面|用(?:棍子|刀|砖头|石头|锤子|铁棍|酒瓶)[^，。]{0,4})(?:打|砸|捅|砍|刺)',
      OTHER_ZH,
      '|(?:用刀|拿刀|刀子)[^，。]{0,6}(?:要|就|往|对准)[^，。]{0,3}(?:刺|捅|砍|扎)|',
      '趁',
      OTHER_ZH,
      '(?:睡着|睡觉|不注意|不备|一个人|落单)|(?:捂死|掐死|毒死|弄死|闷死|勒死|砍死|捅死|打死)',
      OTHER_ZH,
      '|(?:堵住|等着|埋伏)[^，。]{0,4}',
      OTHER_ZH,
      '|(?:等着|埋伏|堵)[^，。]{0,4}(?:揍|打|捅|砍|收拾|教训)',
      OTHER_ZH,
      '|打人最疼|打(?:人|他|她)[^，。]{0,6}(?:方法|办法|诀窍)|',
      '(?:他|她|对方)(?:就)?(?:跑不了|没法反抗|逃不掉|叫不出来)|',
      '(?:把|将)(?:他|她|他们|对方)(?:从[^，。]{1,6})?推下去',
    ),
    unlessBefore: NEGATED,
  },
  {
    code: 'cover_up',
    category: 'violence_instructions',
    match: g(
      '\\b(?:get\\s+rid\\s+of|dispose\\s+of|hide|bury|dissolve|dump)\\s+(?:the|a|his|her|their)\\s+(?:body|corpse|bodies)\\b|',
      '\\bmake\\s+(?:it|his\\s+death|her\\s+death|the\\s+death|it\\s+all)\\s+look\\s+like\\s+(?:an\\s+)?(?:accident|suicide|self[- ]defen[cs]e)\\b|',
      "\\b(?:wear\\s+gloves|wipe\\s+(?:down|off)|clean\\s+(?:off|up)|get\\s+rid\\s+of|burn|bleach)\\b[^.!?]{0,40}\\b(?:fingerprints?|prints|dna|the\\s+(?:knife|weapon|gun|blood))\\b|\\b(?:fingerprints?|dna)\\s+(?:aren'?t|isn'?t|won'?t\\s+be)\\s+on\\b|",
      '处理(?:掉)?尸体|(?:把|将)尸体(?:藏|埋|扔|沉|分)|(?:把)?血迹(?:擦|洗|清理)干净|(?:你|可以|就|再|然后|要)[^，。]{0,6}伪装成(?:意外|自杀)|',
      '(?:看起来|弄得|搞得|装得)(?:就)?像(?:是)?(?:一场)?(?:意外|自杀|事故)',
    ),
    unless: STORY,
    unlessBefore: NEGATED,
  },
  {
    code: 'concealment',
    category: 'violence_instructions',
    match: g(CONCEALED_EN, '|', CONCEALED_ZH),
    with: g(
      '\\b',
      HARM_VERB_EN,
      '\\s+',
      OTHER_EN,
      '\\b|(?:打|揍|杀|毒|弄死|捅|害)',
      OTHER_ZH,
      '|打人|下药|下毒',
    ),
    unlessBefore: NEGATED,
  },
  {
    code: 'method_suggested',
    category: 'violence_instructions',
    match: g(
      '\\byou\\s+(?:could|can|should|might\\s+want\\s+to)\\s+(?:just\\s+)?(?:kill|poison|stab|choke|strangle|smother|shoot|beat|hit|hurt|attack)\\s+',
      OTHER_EN,
      '\\b(?!\\s+up\\b)',
    ),
    unlessBefore: NEGATED,
  },

  {
    code: 'attack_plan',
    category: 'violence_instructions',
    match: g(
      DIRECTIVE_EN,
      ATTACK_VERB_EN,
      '\\s+',
      VICTIM_EN,
      '[^.!?]{0,40}?',
      ATTACK_TAIL_EN,
      '|\\bgo\\s+(?:straight\\s+|right\\s+|directly\\s+)?for\\s+(?:his|her|their)\\s+',
      BODY_EN,
      '|\\b(?:target|spot|place|point)\\s+(?:to\\s+(?:hit|aim\\s+for|stab|strike)\\s+)?is\\s+(?:his|her|their)\\s+',
      BODY_EN,
      '|\\b(?:pillow|bag|plastic\\s+bag|hand|cloth|rag|tape)\\s+over\\s+(?:his|her|their)\\s+(?:face|mouth|nose|head)\\b|',
      "\\bmake\\s+sure\\s+(?:he|she|they)\\s+(?:can'?t|cannot|won'?t|never)\\s+(?:call|scream|shout|get\\s+up|breathe|wake\\s+up|escape|run|fight\\s+back|tell\\s+anyone|talk)\\b|",
      '\\b(?:cut|loosen|tamper\\s+with|mess\\s+with|disconnect|drain|sabotage|unscrew)\\s+(?:the\\s+|(?:his|her|their)\\s+)?(?:\\w+\\s+)?',
      '(?:brake\\s*lines?|brakes|wheel\\s+nuts|lug\\s+nuts|gas\\s+(?:line|valve|pipe)|smoke\\s+(?:detector|alarm)s?|steering)\\b',
      '(?=[^.!?]{0,30}\\b(?:his|her|their|him|them|he|she|they)\\b)|',
      POISON_EN,
      '[^.!?]{0,40}?\\b(?:in|into)\\s+(?:(?:his|her|their|a|an|the|some)\\s+)?(?:\\w+\\s+){0,2}',
      DRINK_EN,
      "\\b[^.!?]{0,30}?\\b(?:hard\\s+to\\s+(?:taste|notice|detect)|(?:won'?t|can'?t|doesn'?t|never)\\s+(?:taste|notice|detect|tell)|tasteless|undetectable)",
    ),
    unless: once(
      '\\bself[- ]defen[cs]e\\b|\\battacker\\b|\\bif\\s+(?:someone|anyone)\\s+(?:attacks|grabs)\\b|\\bto\\s+escape\\b|',
      STORY.source,
    ),
    unlessBefore: NEGATED,
  },
  {
    code: 'poison',
    category: 'violence_instructions',
    match: g(
      '\\b(?:put|slip|mix|stir|add|pour|drop|dissolve|sprinkle|crush)\\b[^.!?]{0,50}?\\b(?:in|into)\\s+',
      "(?:his|her|their|the\\s+victim'?s)\\s+(?:\\w+\\s+){0,2}",
      DRINK_EN,
      '\\b',
    ),
    with: g(POISON_EN),
    unless: STORY,
    unlessBefore: NEGATED,
  },
  {
    code: 'attack_plan',
    category: 'violence_instructions',
    match: g(
      '(?:砸|打|敲|捅|刺|砍|踢|扎|割|勒|掐|烫|烧|踹)',
      OTHER_ZH,
      '的?',
      BODY_ZH,
      '|(?:对着|朝着?|往|对准)',
      OTHER_ZH,
      '的?',
      BODY_ZH,
      '[^，。]{0,4}(?:捅|砍|刺|打|砸|踢|扎)|',
      '(?:勒|掐|捂|闷|压|卡)住?',
      OTHER_ZH,
      '的?(?:脖子|喉咙|嘴|口鼻|鼻子|脸)|',
      '(?:把|将)(?:他|她|他们|她们|对方)[^，。]{0,4}(?:推|扔|丢|按)(?:进|到|下|入)[^，。]{0,4}(?:河|湖|江|海|水|楼|井|池|悬崖)|',
      '往死里(?:打|揍|踢|砍)|让(?:他|她|对方)永远(?:开不了口|闭嘴|醒不过来|消失)|',
      '(?:他|她|对方)(?:家|房间|屋|车)(?:的|里的)?[^，。]{0,4}(?:煤气|燃气|刹车|阀门)[^，。]{0,4}(?:打开|剪断|弄坏|松开|拧开)|',
      '(?:他|她|对方)(?:就)?(?:站不起来|没气|没命|断气|醒不过来)了',
    ),
    unless: once(STORY.source, '|历史|古代|防身|课上'),
    unlessBefore: NEGATED,
  },

  // sexual_minors
  {
    code: 'sexualised_minor',
    category: 'sexual_minors',
    match: g(SEXUAL_EN, '|', SEXUAL_ZH),
    with: g(MINOR_EN, '|', MINOR_ZH),
    unless: PROTECTIVE,
    unlessBefore: NEGATED,
  },
  {
    code: 'sexual_content',
    category: 'sexual_minors',
    match: g(SEXUAL_EN, '|', SEXUAL_ZH),
    unless: PROTECTIVE,
    unlessBefore: NEGATED,
    minor: true,
  },

  // romance_minors
  {
    code: 'pet_name',
    category: 'romance_minors',
    match: g(
      '\\bmy\\s+(?:love|darling|dear(?:est)?|sweetheart|sweetie|honey|babe|baby|beloved|lover|angel|princess|prince)\\b',
      '(?!\\s+(?:of|for|brother|sister|cousin|girl|boy|doll|steps?|teeth|tooth|photos?|pictures?))|',
      '(?:^|[,.!?;:\\n]\\s*|\\b(?:hi|hey|hello|night|morning|oh|here|thanks|yes|okay|ok|well),?\\s+)',
      '(?:darling|sweetheart|babe|baby|honey|love|cutie)(?=\\s*[,.!?;:\\n]|\\s*$)|',
      '\\b(?:hi|hey|hello|morning|night|good\\s+(?:morning|night|evening)|goodnight|bye),?\\s+',
      '(?:beautiful|gorgeous|handsome|pretty|princess|angel|cutie|sweetie|sexy)(?=\\s*[,.!?;:\\n]|\\s*$)|',
      '我的(?:小)?(?:公主|王子|女孩|男孩|心肝|甜心|小可爱)|',
      '亲爱的(?=[，,。！!？?～~\\s]|你|$)|',
      '(?:^|[，,。！!？?\\s～~])宝贝(?:儿)?|宝贝(?:儿)?(?=[，,。！!？?～~\\s]|$)|我的宝贝(?!书|东西)|老公|老婆',
    ),
    minor: true,
  },
  {
    code: 'kiss',
    category: 'romance_minors',
    match: g(
      '\\bkiss(?:es|ing)?\\s+(?:you|your)\\b|\\b(?:xoxo|mwah|muah)\\b|',
      '(?<![母父双乡至表])亲(?:你|一下你|亲你)|吻你|亲亲|么么(?:哒)?|(?<![母父双乡至表])(?:亲|吻)了(?:亲|吻|一下)?你|',
      '\\bgives?\\s+you\\s+(?:a|an)\\s+(?:\\w+\\s+){0,2}kiss|\\bkiss\\s+on\\s+(?:the|your)\\s+(?:lips|cheek|forehead|neck|mouth)|\\b(?:blows?|sends?)\\s+(?:you\\s+)?a\\s+kiss',
    ),
    unlessBefore: NEGATED,
    minor: true,
  },
  {
    code: 'relationship',
    category: 'romance_minors',
    match: g(
      "\\bi(?:'m|\\s+am)\\s+(?:so\\s+|totally\\s+|completely\\s+|madly\\s+)?(?:in\\s+love|falling\\s+for\\s+you)\\b|",
      "\\bi(?:'ve|\\s+have)?\\s+(?:fallen|fell)\\s+(?:in\\s+love\\s+with|for)\\s+you\\b|\\bi\\s+have\\s+a\\s+crush\\s+on\\s+you\\b|",
      '\\b(?:be|become)\\s+my\\s+(?:girlfriend|boyfriend|partner|wife|husband|lover|valentine|gf|bf)\\b|',
      "\\byou(?:'re|\\s+are)\\s+(?:all\\s+|only\\s+)?(?:mine|my\\s+(?:girlfriend|boyfriend|wife|husband|lover|gf|bf))\\b|\\bi(?:'m|\\s+am)\\s+(?:all\\s+|only\\s+)?yours\\b|",
      "\\b(?:date|marry)\\s+me\\b|\\bmarry(?:ing)?\\s+you\\b|\\bon\\s+a\\s+date\\s+with\\s+me\\b|\\bour\\s+(?:date|first\\s+kiss|honeymoon|wedding)\\b|\\bi(?:'ll|\\s+will)\\s+be\\s+your\\s+(?:girlfriend|boyfriend|wife|husband)\\b|",
      '\\blove\\s+of\\s+my\\s+life\\b|\\b(?:only|perfect)\\s+(?:girl|boy|one)\\s+for\\s+me\\b|\\bthe\\s+one\\s+for\\s+me\\b|\\bbe\\s+mine\\b|',
      '\\bromantic\\s+(?:date|dinner|evening|night|getaway|walk|weekend)\\b|\\btake\\s+you\\s+(?:out\\s+)?(?:on|for)\\s+a\\s+(?:date|romantic)|',
      '\\bgo(?:ing)?\\s+on\\s+a\\s+date\\s+(?:with\\s+me|together)\\b|\\b(?:be|become)\\s+your\\s+(?:boyfriend|girlfriend|bf|gf|husband|wife|lover)\\b|',
      '\\b(?:cute|adorable)\\s+when\\s+you\\s+blush\\b|',
      '(?:做|当)你的(?:男朋友|女朋友|男友|女友|老公|老婆|恋人|对象)|(?:当|做|是)(?:一对)?(?:小)?情侣|',
      '做我的(?:女朋友|男朋友|女友|男友|老婆|老公|恋人)|当我的(?:女朋友|男朋友|女友|男友)|(?:我们|跟我|和我)(?:去)?约会|约会吧|',
      '我只属于你|我(?:爱上|喜欢上)(?:了)?你|(?:恋爱|谈恋爱|在一起|交往)(?:吧|好不好)|(?:和我|跟我)(?:在一起|交往)|嫁给我|娶你',
    ),
    unlessBefore: NEGATED,
    minor: true,
  },
];
