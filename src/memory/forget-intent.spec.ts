import { describe, expect, it } from '@jest/globals';
import { detectForget } from './forget-intent.js';

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
});
