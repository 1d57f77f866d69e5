import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { detectForget, type ForgetIntent } from './forget-intent.js';

interface Labelled {
  text: string;
  lang: 'en' | 'zh' | 'mixed';
  label: 'last' | 'topic' | 'unclear' | 'none';
  topic?: string;
}

// The labelled set, written before the detector was tuned (see its README for the rules).
const SET: Labelled[] = readFileSync(
  join(process.cwd(), 'test/fixtures/forget/forget-intents.jsonl'),
  'utf8',
)
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as Labelled);

const deletes = (intent: ForgetIntent | null) =>
  intent?.scope === 'last' || intent?.scope === 'topic';
const positives = SET.filter((l) => l.label === 'last' || l.label === 'topic');
/** Positives said in one sentence (a second sentence would be a request of its own). */
const oneSentence = positives.filter((l) => !/[.!?。！？]\s*\S/.test(l.text));

describe('detectForget', () => {
  it.each([
    'Forget that.',
    'please forget it',
    "Don't remember that!",
    'forget what I just said',
    '忘了吧',
    '请把刚才说的忘掉',
    '别记住这个',
    '那件事忘了吧',
  ])('hears "%s" as forgetting the last thing said', (text) => {
    expect(detectForget(text)).toEqual({ scope: 'last' });
  });

  it.each([
    ['Please forget everything about my sister.', 'sister'],
    ['forget what I told you about the exam', 'exam'],
    ['stop remembering about my ex!', 'ex'],
    ['把关于我姐姐的事都忘掉', '姐姐'],
    ['关于考试的事别记着了', '考试'],
  ])('hears "%s" as forgetting a topic (%s)', (text, topic) => {
    expect(detectForget(text)).toEqual({ scope: 'topic', topic });
  });

  it.each([
    'I always forget my keys',
    'I forgot about the meeting today',
    "Don't forget to remind me tomorrow",
    'Can you remember that I like tea?',
    '我总是忘记带钥匙',
    '别忘了明天提醒我',
  ])('does not hear "%s" as a request to forget', (text) => {
    expect(detectForget(text)).toBeNull();
  });

  describe('the last thing said', () => {
    it.each([
      // English: bare, polite, with a reason, at the end of a longer message
      'FORGET THAT',
      'Please forget what I just said.',
      'forget what i just said lol',
      'Actually, forget that.',
      "Ugh, I shouldn't have said that. Please forget it.",
      'Please delete that last message from your memory.',
      'Scratch that from your memory.',
      'pls delete that from ur memory',
      'forget I said anything',
      'Please forget my previous message.',
      'ignore what I just said',
      'Please pretend I never said that.',
      "I don't want you to remember that.",
      "I'd rather you didn't remember that.",
      "i'd prefer if you didn't remember that",
      "Don't store that, please.",
      "I'm sorry but please forget that",
      'please just forget that 🙏',
      // Chinese
      '刚才那句话忘了吧',
      '别记这个',
      '这个别记',
      '把我刚才说的删掉',
      '当我没说',
      '就当我没说过吧',
      '我刚才说的话你忘了吧',
      '唉，我不该说这个的，忘了吧',
      '刚才说的太丢人了，赶紧忘掉',
      '别把这个记下来',
      '上面那段话请删掉，谢谢',
      // Mixed
      'forget 我刚才说的',
      '刚才那句 please forget it',
      'sorry that was TMI, 忘掉吧',
    ])('"%s"', (text) => {
      expect(detectForget(text)).toEqual({ scope: 'last' });
    });
  });

  describe('a topic, normalised', () => {
    it.each([
      ['ok whatever. please forget what I said about my job', 'job'],
      ['stop remembering that I told you about my debt', 'debt'],
      ["don't bring up my sister again", 'sister'],
      ['delete what you know about my health', 'health'],
      ["Please forget what I told you about my dad's drinking.", "dad's drinking"],
      ['Never bring up my weight again.', 'weight'],
      ['Please stop bringing up my divorce.', 'divorce'],
      ['Erase everything I said about Jake.', 'jake'],
      ['Please forget my phone number.', 'phone number'],
      ["From now on, don't mention my job.", 'job'],
      ["I don't want you to bring up my mom ever again.", 'mom'],
      ['delete all the info you have on my brother', 'brother'],
      [
        "It's been a rough week and honestly I don't even know why I told you all of that, but please forget what I said about my boss.",
        'boss',
      ],
      ['以后别再提我前男友了', '前男友'],
      ['把我工作的事都忘掉', '工作'],
      ['别再提我爸了', '爸'],
      ['关于我妈生病的事，你忘了吧', '妈生病'],
      ['我的体重你别再提了', '体重'],
      ['请忘掉我跟你说的关于我前夫的一切', '前夫'],
      ['我和前女友的事请你全部忘掉', '我和前女友'],
      ['那个渣男的事你忘掉吧', '渣男'],
      ['谢谢你听我说这么多。不过关于我哥的事，请你忘掉吧', '哥'],
      ['我之前说的关于我老板的话，都删掉吧', '老板'],
      ["don't bring up 我前男友 again", '前男友'],
      ['以后别再提 my ex 了', 'ex'],
      ['please forget everything about 我姐姐', '姐姐'],
      ['把 my ex 的事都删了吧', 'ex'],
    ])('"%s" -> %s', (text, topic) => {
      expect(detectForget(text)).toEqual({ scope: 'topic', topic });
    });
  });

  describe('unclear: the companion asks', () => {
    it.each([
      // vague, everything, a time, a pronoun
      ['can you forget some of the things I said?', null],
      ['Forget everything I ever told you.', null],
      ['Forget what I said yesterday.', null],
      ['stop bringing him up', null],
      ['有些事你能不能别记着', null],
      ['把我说过的都忘了吧', null],
      ['我昨天说的那些你忘了吧', null],
      ['别再提他了', null],
      ['别再提了', null],
      // asked, hedged
      ['Could you forget what I told you about my ex?', 'ex'],
      ['can you stop bringing up my weight?', 'weight'],
      ['maybe you should forget that', null],
      ['你能忘掉我刚才说的吗', null],
      ['可以把我前男友的事忘掉吗？', '前男友'],
      ['能不能别再提我工作的事了？', '工作'],
      ['stop bringing up 我的体重 好吗', '体重'],
      // "forget it" alone, "never mind"-like
      ['forget it.', null],
      ['just forget it', null],
      ['forget about it', null],
      ['算了，忘了吧', null],
      ['forget it 吧', null],
      ['没事，当我没问', null],
      ["Forget that, let's talk about something else.", null],
      // complaints, "don't want to talk about it any more"
      ['Why do you keep bringing up my sister?', 'sister'],
      ["I don't want to talk about my ex anymore.", 'ex'],
      ['你为什么老提我前男友', '前男友'],
      ['我不想再聊我前任了', '前任'],
    ])('"%s" (topic %s)', (text, topic) => {
      expect(detectForget(text)).toEqual({ scope: 'unclear', topic });
    });
  });

  describe('mentions that are not requests', () => {
    it.each([
      // "I forgot", talk about the past
      ['I forgot my keys again.'],
      ["I'll never forget what happened with my sister."],
      ["I'll never forget her."],
      ['I forgot to take my meds this morning.'],
      ['我忘了'],
      ['我忘了带伞'],
      ['小时候的事我大多都忘了'],
      ['我把钥匙忘在家里了'],
      // questions to the companion
      ['did you forget?'],
      ['can you forget things?'],
      ["Do you remember my sister's name?"],
      ['你忘了吗？'],
      ['你忘了吧？'],
      ['你还记得我上次说的吗'],
      ['你会忘记我说过的话吗？'],
      ['你能忘记事情吗？'],
      ['你把我前男友的事忘了吗？'],
      ['你把我生日忘了！'],
      // reminders, requests to remember, negations
      ["don't forget the party"],
      ["Please remember that my sister's name is Anna."],
      ["I don't want you to forget that."],
      ["No, don't forget that, it's important."],
      ["Wait, don't delete that!"],
      ['别忘了提醒我'],
      ['不要忘了我说过的话'],
      ['我不想让你忘掉这件事'],
      ['这个你记一下'],
      ['别记错了'],
      ['不要记错我的生日'],
      // the user's own wish to forget
      ['I want to forget everything about my ex.'],
      ['Help me forget about her.'],
      ["I'd rather forget that night ever happened."],
      ['我想忘掉他'],
      // what others said
      ['My mom told me to forget about him.'],
      ['I told my sister to stop bringing up my ex.'],
      ['Stop bringing up the past, he told me.'],
      ['他让我把那件事忘了'],
      ['我跟我妈说别再提我工作的事了'],
      ['我爸总说过去的事就别提了'],
      // quotes, titles, lyrics
      ["'Forget me not' is my favourite song."],
      ['My favourite line is "forget about it" from Donnie Brasco.'],
      ['忘了我吧 是首老歌'],
      ['我跟他说“忘了吧”，他就哭了'],
      ['那部电影叫《忘了我是谁》，挺好看的'],
      // hypotheticals
      ['If I told you to forget something, would you actually delete it?'],
      ['如果我让你忘掉一些事，你会照做吗？'],
      // other senses of the words
      ['忘记密码了怎么办'],
      ['我的记忆力越来越差了'],
      ['remember me?'],
      ['How do I delete my account?'],
      ['Remove the second paragraph and make it shorter.'],
      ['帮我把这段话改短一点，删掉第二句'],
      ['把这段文字翻译成英文，删掉多余的部分'],
      ['以后别再提醒我喝水了'],
      ['不要再问我为什么了'],
      // never mind, changing the subject, dismissals
      ["Forget it, I'll figure it out myself."],
      ['Ugh, forget it, never mind.'],
      ['Forget the party, tell me about your day.'],
      ["Don't mention it!"],
      ["Let's not talk about that right now."],
      ['唉，别提了，今天倒霉透了'],
      ['我们别聊这个了'],
      ['忘了就忘了吧，不重要'],
      // mixed
      ['我 forgot 带钥匙 lol'],
      ['别 forget 明天的 meeting'],
      ['我妈让我 forget about him'],
    ])('"%s"', (text) => {
      expect(detectForget(text)).toBeNull();
    });
  });

  describe('properties over the labelled set', () => {
    it('a question mark anywhere never gives last or topic', () => {
      for (const line of SET) {
        for (const variant of [`${line.text}?`, `${line.text}？`, `? ${line.text}`]) {
          expect({ text: variant, deletes: deletes(detectForget(variant)) }).toEqual({
            text: variant,
            deletes: false,
          });
        }
      }
    });

    it('a request inside quotes is never carried out', () => {
      for (const line of positives) {
        for (const variant of [
          `My friend texted me "${line.text}" lol`,
          `他发给我“${line.text}”`,
        ]) {
          expect({ text: variant, deletes: deletes(detectForget(variant)) }).toEqual({
            text: variant,
            deletes: false,
          });
        }
      }
    });

    it('a request reported from someone else is never carried out', () => {
      for (const line of oneSentence.filter((l) => l.lang === 'en')) {
        const variant = `My sister said ${line.text}`;
        expect({ text: variant, deletes: deletes(detectForget(variant)) }).toEqual({
          text: variant,
          deletes: false,
        });
      }
    });

    it('a hypothetical is never carried out', () => {
      for (const line of oneSentence) {
        const variant = line.lang === 'en' ? `What if I said ${line.text}` : `如果我说${line.text}`;
        expect({ text: variant, deletes: deletes(detectForget(variant)) }).toEqual({
          text: variant,
          deletes: false,
        });
      }
    });

    it('case, surrounding space and full-width punctuation change nothing', () => {
      for (const line of SET) {
        const expected = detectForget(line.text);
        expect(detectForget(`  ${line.text.toUpperCase()} \n`)).toEqual(expected);
        expect(detectForget(line.text.replace(/,/g, '，').replace(/!/g, '！'))).toEqual(expected);
      }
    });

    it('the request is found after a long message, and nothing is read in the middle', () => {
      const filler = 'we talked for hours about everything and nothing. '.repeat(30);
      expect(detectForget(`${filler}Please forget what I said about my job.`)).toEqual({
        scope: 'topic',
        topic: 'job',
      });
      expect(detectForget(`${filler}Please forget that. ${filler}`)).toBeNull();
      expect(detectForget('x'.repeat(100_000))).toBeNull();
    });

    it('every topic it returns is non-empty and trimmed', () => {
      for (const line of SET) {
        const intent = detectForget(line.text);
        if (intent && intent.scope !== 'last' && intent.topic !== null) {
          expect(intent.topic).toBe(intent.topic.trim());
          expect(intent.topic.length).toBeGreaterThan(0);
        }
      }
    });
  });

  it('holds precision >= 0.99 and recall >= 0.9 on the labelled set', () => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let topicChecked = 0;
    let topicCorrect = 0;
    let noneUnclear = 0;
    const errors: string[] = [];
    for (const line of SET) {
      const intent = detectForget(line.text);
      const expected = line.label === 'last' || line.label === 'topic';
      const predicted = deletes(intent);
      if (expected && predicted) tp++;
      else if (predicted) fp++;
      else if (expected) fn++;
      if (expected !== predicted) errors.push(`${line.label}: ${line.text}`);
      if (line.label === 'topic' && intent?.scope === 'topic') {
        topicChecked++;
        if (intent.topic === line.topic) topicCorrect++;
      }
      if (line.label === 'none' && intent?.scope === 'unclear') noneUnclear++;
      // "forget that" heard as a topic would delete far more than was asked.
      if (line.label === 'last' && intent?.scope === 'topic') errors.push(`as topic: ${line.text}`);
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    expect({ precision: precision >= 0.99, recall: recall >= 0.9, errors }).toMatchObject({
      precision: true,
      recall: true,
    });
    expect(errors.filter((e) => e.startsWith('as topic'))).toEqual([]);
    expect(topicCorrect / topicChecked).toBeGreaterThanOrEqual(0.9);
    expect(noneUnclear / SET.filter((l) => l.label === 'none').length).toBeLessThanOrEqual(0.05);
  });

  it('takes a few microseconds a message', () => {
    const texts = SET.map((l) => l.text);
    for (const text of texts) detectForget(text);
    const rounds = 20;
    const started = performance.now();
    for (let r = 0; r < rounds; r++) for (const text of texts) detectForget(text);
    const microsEach = ((performance.now() - started) * 1000) / (rounds * texts.length);
    // Generous for slow CI machines; typically far below.
    expect(microsEach).toBeLessThan(200);
  });
});
