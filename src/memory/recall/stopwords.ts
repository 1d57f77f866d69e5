/**
 * Words that say nothing about what a message is about. English: function words, pronouns,
 * auxiliaries and chat filler ("yeah", "lol"), compared after lower-casing and before stemming.
 * Question words are here too: "when" and "where" say what kind of answer is wanted, not which
 * memory holds it.
 */
export const ENGLISH_STOPWORDS: ReadonlySet<string> = new Set(
  `a about above after again against all am an and any are aren as at be because been before being
  below between both but by can cannot could couldn did didn do does doesn doing don down during
  each few for from further had hadn has hasn have haven having he her here hers herself him
  himself his how i if in into is isn it its itself just me more most my myself no nor not now of
  off on once only or other ought our ours ourselves out over own same shan she should shouldn so
  some such than that the their theirs them themselves then there these they this those through
  to too under until up very was wasn we were weren what when where which while who whom why will
  with won would wouldn you your yours yourself yourselves ll re ve d s t m also been get got
  gets getting go goes going gone went really just like yeah yes yep ok okay oh hey hi hello lol
  haha wow um uh hmm thanks thank pretty much many lot lots thing things something anything
  everything kind sort gonna wanna let lets us im ive youre thats dont cant wont isnt didnt
  doesnt whats one ones`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * Chinese function words and particles as `Intl.Segmenter` cuts them: pronouns, 的/了/吗-style
 * particles, common auxiliaries, question words. Single content characters (猫, 药, 病) are kept.
 */
export const CHINESE_STOPWORDS: ReadonlySet<string> = new Set(
  `的 地 得 了 着 过 吗 呢 吧 啊 呀 哦 嗯 哈 嘛 啦 哎 喔 噢 么 我 你 您 他 她 它 我们 你们 他们 她们 它们 咱们
  自己 这 那 这个 那个 这些 那些 这样 那样 这么 那么 这里 那里 是 在 有 没 没有 不 也 都 就 还 又 很 太 更
  最 和 与 跟 同 或 或者 而 但 但是 可是 因为 所以 如果 就是 只是 还是 把 被 给 对 从 向 到 让 会 要 想
  能 可以 可能 应该 一 一个 一些 一下 一点 一直 什么 怎么 怎么样 怎样 为什么 哪 哪里 哪儿 谁 几 多少 吗 呢
  上 下 里 中 个 些 说 去 来 做 真的 其实 然后 已经 觉得 还有 时候 什么时候`
    .split(/\s+/)
    .filter(Boolean),
);
