import { describe, expect, it } from '@jest/globals';
import { categoryId, parseGuardAnswer } from './guard-answer.js';

describe('parseGuardAnswer', () => {
  it('reads the prompt form: Safety and Categories', () => {
    expect(parseGuardAnswer('Safety: Unsafe\nCategories: Suicide & Self-Harm')).toEqual({
      safety: 'unsafe',
      categories: ['suicide_self_harm'],
    });
    expect(
      parseGuardAnswer('Safety: Controversial\nCategories: Politically Sensitive Topics'),
    ).toEqual({ safety: 'controversial', categories: ['politically_sensitive_topics'] });
  });

  it('drops None: a safe answer has no categories', () => {
    expect(parseGuardAnswer('Safety: Safe\nCategories: None')).toEqual({
      safety: 'safe',
      categories: [],
    });
  });

  it('reads the response form, with its Refusal line', () => {
    expect(parseGuardAnswer('Safety: Safe\nCategories: None\nRefusal: Yes')).toEqual({
      safety: 'safe',
      categories: [],
    });
    expect(parseGuardAnswer('Safety: Unsafe\nCategories: Violent\nRefusal: No')).toEqual({
      safety: 'unsafe',
      categories: ['violent'],
    });
  });

  it('gives every category of the model its id', () => {
    const names: Array<[string, string]> = [
      ['Violent', 'violent'],
      ['Non-violent Illegal Acts', 'non_violent_illegal_acts'],
      ['Sexual Content or Sexual Acts', 'sexual_content'],
      ['PII', 'pii'],
      ['Suicide & Self-Harm', 'suicide_self_harm'],
      ['Unethical Acts', 'unethical_acts'],
      ['Politically Sensitive Topics', 'politically_sensitive_topics'],
      ['Copyright Violation', 'copyright_violation'],
      ['Jailbreak', 'jailbreak'],
    ];
    for (const [name, id] of names) expect(categoryId(name)).toBe(id);
  });

  it('reads several categories, without repeats', () => {
    expect(
      parseGuardAnswer('Safety: Unsafe\nCategories: Violent, Suicide & Self-Harm, violent'),
    ).toEqual({ safety: 'unsafe', categories: ['violent', 'suicide_self_harm'] });
    expect(parseGuardAnswer('Safety: Unsafe\nCategories: PII; Jailbreak')?.categories).toEqual([
      'pii',
      'jailbreak',
    ]);
  });

  it('is tolerant of case, white space, markdown and extra lines', () => {
    const variants = [
      'safety: UNSAFE\ncategories: suicide & self-harm',
      '  Safety :  Unsafe  \r\n  Categories :   Suicide & Self-Harm  \r\n',
      '\n\nSafety: Unsafe\n\nCategories: Suicide & Self-Harm\n\n',
      '**Safety**: Unsafe\n**Categories**: Suicide & Self-Harm',
      'Here is my assessment.\nSafety: Unsafe\nCategories: Suicide & Self-Harm\nRefusal: No\nThanks',
      'Safety: Unsafe Categories: Suicide & Self-Harm Refusal: No',
      'Safety：Unsafe\nCategories：Suicide & Self-Harm',
      'Safety: Unsafe\nCategory: Suicide & Self-Harm',
    ];
    for (const v of variants) {
      expect(parseGuardAnswer(v)).toEqual({ safety: 'unsafe', categories: ['suicide_self_harm'] });
    }
  });

  it('keeps an unknown label as its snake case, but not prose', () => {
    expect(parseGuardAnswer('Safety: Unsafe\nCategories: Hate Speech')?.categories).toEqual([
      'hate_speech',
    ]);
    expect(
      parseGuardAnswer(
        'Safety: Unsafe\nCategories: this message seems to be about something rather worrying indeed',
      )?.categories,
    ).toEqual([]);
  });

  it('answers with no categories when the line is missing', () => {
    expect(parseGuardAnswer('Safety: Controversial')).toEqual({
      safety: 'controversial',
      categories: [],
    });
  });

  it('gives null for garbage', () => {
    for (const content of [
      '',
      'I cannot help with that.',
      'Safety: maybe',
      'Safety:',
      'Categories: Violent',
      'Unsafe',
      'safetynet: safe',
      '{"safety":"unsafe"}',
    ]) {
      expect(parseGuardAnswer(content)).toBeNull();
    }
    expect(parseGuardAnswer(undefined as unknown as string)).toBeNull();
  });
});
