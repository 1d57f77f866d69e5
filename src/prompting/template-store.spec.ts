import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TemplateStore } from './template-store.js';

describe('TemplateStore', () => {
  it('renders the shipped companion/v1 system prompt', () => {
    const store = new TemplateStore(resolve(import.meta.dirname, '../../prompts'), 'companion/v1');
    const text = store.render('system', {
      companionName: 'Mira',
      userName: '',
      today: '2026-11-22',
    });
    expect(text).toMatch(/^You are Mira/);
    expect(text).toMatch(/Today is 2026-11-22\.$/);
    expect(store.version).toMatch(/^companion\/v1@[0-9a-f]{8}$/);
  });

  it('versions a set by its content and fails on an undefined variable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prompts-'));
    mkdirSync(join(dir, 'x', 'v1'), { recursive: true });
    writeFileSync(join(dir, 'x', 'v1', 'system.njk'), 'Hi {{ name }}');
    const a = new TemplateStore(dir, 'x/v1');
    expect(a.render('system', { name: 'Ann' })).toBe('Hi Ann');
    expect(() => a.render('system', {})).toThrow();
    writeFileSync(join(dir, 'x', 'v1', 'system.njk'), 'Hello {{ name }}');
    expect(new TemplateStore(dir, 'x/v1').version).not.toBe(a.version);
    expect(() => new TemplateStore(dir, 'x/v2')).toThrow(/not found/);
  });
});
