import { describe, expect, it } from '@jest/globals';
import { EMOTION_LABELS } from './emotion-labels.js';
import { LexiconTextEmotionClassifier, classifyText } from './lexicon-text-emotion.js';
import { TEXT_CUES, TEXT_EMOTION_JSON_SCHEMA, normalizeTextEmotion } from './text-emotion.js';
import { tokenizeText } from './tokenize-text.js';

describe('classifyText (English)', () => {
  it('reads plain feelings with their label, valence and arousal', () => {
    const happy = classifyText('I am so happy today');
    expect(happy.label).toBe('joy');
    expect(happy.valence).toBeGreaterThan(0.6);
    expect(happy.arousal).toBeGreaterThan(0.3);

    const tired = classifyText('I am exhausted');
    expect(tired.label).toBe('fatigue');
    expect(tired.valence).toBeLessThan(-0.2);
    expect(tired.arousal).toBeLessThan(-0.3);

    expect(classifyText('I feel so lonely').label).toBe('loneliness');
    expect(classifyText('I am worried about the exam').label).toBe('anxiety');
    expect(classifyText('I am furious with him').label).toBe('anger');
    expect(classifyText('ugh, this is so annoying').label).toBe('frustration');
  });

  it('flips and damps negated terms, and softens "not very"', () => {
    const happy = classifyText('I am happy');
    const notHappy = classifyText('I am not happy');
    const notVeryHappy = classifyText('I am not very happy');
    expect(notHappy.valence).toBeLessThan(-0.3);
    expect(Math.abs(notHappy.valence)).toBeLessThan(happy.valence);
    expect(notVeryHappy.valence).toBeLessThan(0);
    expect(notVeryHappy.valence).toBeGreaterThan(notHappy.valence);
    expect(notHappy.label).toBe('sadness');
    expect(notHappy.cues).toContain('negation');
    // contractions negate too, and a negated worry is mildly positive
    expect(classifyText("I'm not worried").valence).toBeGreaterThan(0);
    expect(classifyText("I don't feel good").valence).toBeLessThan(0);
    expect(classifyText("I'm not okay").valence).toBeLessThan(-0.3);
  });

  it('scales by intensifiers and diminishers', () => {
    const plain = classifyText('I am tired').valence;
    const very = classifyText('I am very tired').valence;
    const bit = classifyText('I am a bit tired').valence;
    expect(very).toBeLessThan(plain);
    expect(bit).toBeGreaterThan(plain);
    expect(bit).toBeLessThan(0);
    expect(classifyText('I am very tired').cues).toContain('intensifier');
    expect(classifyText('I am a bit tired').cues).toContain('diminisher');
  });

  it('reads emoji and emoticons, and a repeated emoji counts less than twice', () => {
    expect(classifyText('😭').label).toBe('sadness');
    expect(classifyText('😭').valence).toBeLessThan(-0.3);
    expect(classifyText('see you tomorrow :)').valence).toBeGreaterThan(0.2);
    expect(classifyText('see you tomorrow :(').valence).toBeLessThan(-0.2);
    expect(classifyText('T_T').label).toBe('sadness');
    expect(classifyText('so tired 😴').cues).toContain('emoji');
    const once = classifyText('😡').valence;
    const thrice = classifyText('😡😡😡').valence;
    expect(thrice).toBeLessThan(once);
    expect(thrice).toBeGreaterThan(3 * once);
    // URLs are not emoticons
    expect(classifyText('see https://example.com').cues).not.toContain('emoji');
  });

  it('raises arousal with repeated exclamation marks and capitals', () => {
    const calm = classifyText('I got the job');
    const excited = classifyText('I got the job!!!');
    expect(excited.arousal).toBeGreaterThan(calm.arousal);
    expect(excited.cues).toContain('emphasis');
    const stretched = classifyText('sooo happyyy');
    expect(stretched.label).toBe('joy');
    expect(stretched.cues).toEqual(expect.arrayContaining(['intensifier', 'emphasis']));
    expect(stretched.valence).toBeGreaterThan(classifyText('so happy').valence);
    expect(classifyText('coool').valence).toBeGreaterThan(0);
    const shouted = classifyText('I am SO ANGRY at them');
    expect(shouted.cues).toContain('emphasis');
    expect(shouted.valence).toBeLessThan(classifyText('I am so angry at them').valence);
  });

  it('marks hedges: "I\'m fine" is weak, uncertain evidence of being fine', () => {
    const fine = classifyText("I'm fine");
    expect(fine.hedged).toBe(true);
    expect(fine.valence).toBeGreaterThan(0);
    expect(fine.valence).toBeLessThan(0.2);
    expect(fine.confidence).toBeLessThan(0.35);

    const whatever = classifyText("I'm fine, whatever");
    expect(whatever.hedged).toBe(true);
    expect(whatever.valence).toBeLessThan(fine.valence);

    expect(classifyText("don't worry, I'm fine").hedged).toBe(true);
    expect(classifyText("I'm just tired").hedged).toBe(true);
    // a genuinely good day is not a hedge
    const good = classifyText('I had a great day and I feel fine');
    expect(good.hedged).toBe(false);
    expect(good.valence).toBeGreaterThan(0.5);
  });

  it('weights the clause after "but" more', () => {
    const result = classifyText('I got the job but I am exhausted');
    expect(result.label).toBe('fatigue');
    expect(result.valence).toBeLessThan(0);
    expect(result.cues).toContain('contrast');
    expect(classifyText('I am exhausted but I got the job, so happy').valence).toBeGreaterThan(0);
  });

  it('says neutral, with low confidence, when it finds no emotion words', () => {
    const result = classifyText('The meeting moved to 3 pm on Thursday.');
    expect(result).toMatchObject({ valence: 0, label: 'neutral', hedged: false });
    expect(result.confidence).toBeLessThanOrEqual(0.3);
    expect(classifyText('').label).toBe('neutral');
  });

  it('never claims more than 0.85 confidence', () => {
    const strong = classifyText('I am so so happy!!! best day ever 😄😄 love it');
    expect(strong.confidence).toBeLessThanOrEqual(0.85);
    expect(strong.confidence).toBeGreaterThan(0.7);
  });
});

describe('classifyText (Chinese)', () => {
  it('reads feelings without word spaces', () => {
    expect(classifyText('今天好开心').label).toBe('joy');
    expect(classifyText('今天好开心').valence).toBeGreaterThan(0.6);
    expect(classifyText('我好累啊').label).toBe('fatigue');
    expect(classifyText('一个人好孤独').label).toBe('loneliness');
    expect(classifyText('明天面试，好紧张').label).toBe('anxiety');
    expect(classifyText('老板又骂我，气死了').label).toBe('anger');
    expect(classifyText('烦死了').label).toBe('frustration');
  });

  it('handles negation: 不开心, 不是很开心, 一点也不开心', () => {
    const happy = classifyText('我很开心').valence;
    const unhappy = classifyText('我不开心');
    const notVery = classifyText('我不是很开心').valence;
    const notAtAll = classifyText('我一点也不开心').valence;
    expect(unhappy.label).toBe('sadness');
    expect(unhappy.valence).toBeLessThan(-0.4);
    expect(notVery).toBeLessThan(0);
    expect(notVery).toBeGreaterThan(unhappy.valence);
    expect(notAtAll).toBeLessThan(notVery);
    expect(happy).toBeGreaterThan(0.5);
    expect(classifyText('别担心').valence).toBeGreaterThan(0);
  });

  it('scales by 有点 / 特别 / 死了', () => {
    const plain = classifyText('累').valence;
    expect(classifyText('有点累').valence).toBeGreaterThan(plain);
    expect(classifyText('特别累').valence).toBeLessThan(plain);
    expect(classifyText('累死了').valence).toBeLessThan(plain);
    expect(classifyText('有点累').cues).toContain('diminisher');
  });

  it('does not read emotions into unrelated compounds (天气 is not 气, 好像 is not 好)', () => {
    expect(classifyText('明天天气怎么样').label).toBe('neutral');
    expect(classifyText('好像要下雨了').valence).toBe(0);
    expect(classifyText('不好意思，我迟到了').valence).toBe(0);
    expect(classifyText('我们积累了很多经验').valence).toBe(0);
  });

  it('marks 没事 / 随便 / 算了 as hedges and reads Chinese chat emoticons', () => {
    expect(classifyText('没事').hedged).toBe(true);
    expect(classifyText('没事').confidence).toBeLessThan(0.35);
    expect(classifyText('随便吧').hedged).toBe(true);
    expect(classifyText('算了').valence).toBeLessThan(0);
    expect(classifyText('哈哈哈哈').label).toBe('joy');
    expect(classifyText('555').label).toBe('sadness');
    expect(classifyText('房间号555号').label).toBe('neutral'); // a number, not crying
    expect(classifyText('特别特别难过😭😭').valence).toBeLessThan(-0.9);
  });

  it('folds full-width punctuation: ！！ counts as emphasis', () => {
    expect(classifyText('烦死了！！').cues).toContain('emphasis');
    expect(classifyText('我没事……').cues).toContain('trailing_off');
  });
});

describe('tokenizeText', () => {
  it('matches the longest lexicon entry in Chinese and multi-word phrases in English', () => {
    const words = (text: string): string[] =>
      tokenizeText(text).flatMap((t) => (t.kind === 'word' ? [t.text] : []));
    expect(words('我一点也不开心')).toEqual(['我', '一点也不', '开心']);
    expect(words('今天天气不错')).toEqual(['今', '天', '天气', '不错']);
    expect(words('I am burned out')).toEqual(['i', 'am', 'burned out']);
    expect(words("I can't wait")).toEqual(['i', "can't wait"]);
  });
});

describe('LexiconTextEmotionClassifier', () => {
  it('implements the async interface and returns schema-valid results', async () => {
    const classifier = new LexiconTextEmotionClassifier();
    const result = await classifier.classify('有点累，但是见到你很开心', 'zh');
    expect(normalizeTextEmotion(result)).toEqual(result);
    expect(result.label).toBe('joy');
    expect(result.cues).toEqual(expect.arrayContaining(['contrast', 'diminisher']));
  });
});

describe('TEXT_EMOTION_JSON_SCHEMA', () => {
  it('describes every TextEmotion field, all required, as strict mode wants', () => {
    const sample = classifyText('I am happy');
    expect(Object.keys(TEXT_EMOTION_JSON_SCHEMA.properties).sort()).toEqual(
      Object.keys(sample).sort(),
    );
    expect([...TEXT_EMOTION_JSON_SCHEMA.required].sort()).toEqual(Object.keys(sample).sort());
    expect(TEXT_EMOTION_JSON_SCHEMA.additionalProperties).toBe(false);
    expect(TEXT_EMOTION_JSON_SCHEMA.properties.label.enum).toEqual([...EMOTION_LABELS]);
    expect(TEXT_EMOTION_JSON_SCHEMA.properties.cues.items.enum).toEqual([...TEXT_CUES]);
    expect(JSON.parse(JSON.stringify(TEXT_EMOTION_JSON_SCHEMA))).toEqual(TEXT_EMOTION_JSON_SCHEMA);
  });

  it('normalizeTextEmotion clamps a model answer and refuses a malformed one', () => {
    expect(
      normalizeTextEmotion({
        valence: -3,
        arousal: 0.5,
        label: 'sadness',
        confidence: 2,
        hedged: 'yes',
        cues: ['hedge', 'made-up', 'hedge'],
      }),
    ).toEqual({
      valence: -1,
      arousal: 0.5,
      label: 'sadness',
      confidence: 1,
      hedged: false,
      cues: ['hedge'],
    });
    expect(normalizeTextEmotion({ valence: 0, arousal: 0, label: 'bored', confidence: 1 })).toBe(
      null,
    );
    expect(normalizeTextEmotion('joy')).toBe(null);
  });
});
