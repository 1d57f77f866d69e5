/**
 * Deterministic synthetic chat text for the memory benches: a seeded generator of user messages
 * (English, Chinese, or both in one message; activities, people, places, feelings and the
 * relative dates people use) and of the companion's short replies, so that every run of a bench
 * sees the same data.
 */

import { seededRandom } from '../src/common/seeded-random.js';

/** A user's language: 60% English, 30% Chinese, 10% both in one message in the benches. */
export type Lang = 'en' | 'zh' | 'mixed';

const EN = {
  names: ['Lily', 'Ben', 'Amy', 'Tom', 'Sara', 'Max', 'Nina', 'Leo', 'Maya', 'Sam', 'Zoe', 'Ian'],
  relations: ['sister', 'brother', 'mom', 'dad', 'best friend', 'cousin', 'boss', 'roommate'],
  activities: [
    'went hiking',
    'painted a sunset',
    'took a pottery class',
    'went running',
    'studied for the chemistry exam',
    'cooked dumplings',
    'did yoga',
    'watched a movie',
    'visited the museum',
    'played basketball',
    'adopted a puppy',
    'started a new job',
  ],
  places: ['in the park', 'at the beach', 'in Seattle', 'at the library', 'downtown', 'at home'],
  times: ['yesterday', 'last weekend', 'on Tuesday', 'two weeks ago', 'this morning', 'last night'],
  feelings: ['lonely', 'anxious', 'happy', 'tired', 'excited', 'stressed', 'proud', 'calm'],
  replies: [
    'That sounds wonderful, tell me more about it.',
    'I remember you mentioned that before. How do you feel about it now?',
    'It makes sense to feel that way after such a week.',
    'I am glad you shared this with me.',
    'What was the best part of it?',
  ],
};
const ZH = {
  names: ['小美', '阿明', '丽丽', '小王', '佳佳', '大伟', '婷婷', '小李'],
  relations: ['妹妹', '哥哥', '妈妈', '爸爸', '好朋友', '表姐', '同事', '室友'],
  activities: [
    '去爬山',
    '画画',
    '上陶艺课',
    '去跑步',
    '准备化学考试',
    '包饺子',
    '练瑜伽',
    '看电影',
  ],
  places: ['在公园', '在海边', '在北京', '在图书馆', '在家里', '在医院'],
  times: ['昨天', '上周末', '上周二', '三天前', '今天早上', '前天晚上'],
  feelings: ['孤独', '焦虑', '开心', '很累', '兴奋', '压力很大', '骄傲', '平静'],
  replies: [
    '听起来真不错，能多说一点吗？',
    '我记得你之前提到过，现在感觉怎么样？',
    '经历了这样的一周，有这种感觉很正常。',
    '谢谢你愿意跟我分享。',
  ],
};

/** A generator seeded with `seed`: the same seed, the same sequence of texts and numbers. */
export function syntheticText(seed: number) {
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];

  function englishSentence(): string {
    return random() < 0.5
      ? `I ${pick(EN.activities)} with my ${pick(EN.relations)} ${pick(EN.names)} ${pick(EN.places)} ${pick(EN.times)}.`
      : `I feel ${pick(EN.feelings)} ${pick(EN.times)} because my ${pick(EN.relations)} ${pick(EN.activities)}.`;
  }
  function chineseSentence(): string {
    return random() < 0.5
      ? `我${pick(ZH.times)}和${pick(ZH.relations)}${pick(ZH.names)}${pick(ZH.places)}${pick(ZH.activities)}了。`
      : `${pick(ZH.times)}我觉得很${pick(ZH.feelings)}，因为${pick(ZH.relations)}${pick(ZH.activities)}了。`;
  }
  function message(lang: Lang, role: 'user' | 'assistant'): string {
    const sentence = () =>
      lang === 'en'
        ? englishSentence()
        : lang === 'zh'
          ? chineseSentence()
          : `${chineseSentence()} ${englishSentence()}`;
    if (role === 'assistant') return lang === 'zh' ? pick(ZH.replies) : pick(EN.replies);
    const n = 1 + Math.floor(random() * 3);
    return Array.from({ length: n }, sentence).join(' ');
  }
  function question(lang: Lang): string {
    if (lang === 'zh')
      return `你还记得我${pick(ZH.times)}和${pick(ZH.relations)}${pick(ZH.activities)}的事吗？`;
    return `Do you remember when my ${pick(EN.relations)} ${pick(EN.names)} and I ${pick(EN.activities)}?`;
  }

  return { random, pick, message, question };
}
