import { describe, expect, it } from '@jest/globals';
import { decodeCursor, encodeCursor } from './moderation.service.js';

describe('the queue cursor', () => {
  it('gives back the sort key it was made from', () => {
    const key = {
      priority: 1,
      createdAt: '2026-12-03 03:08:33.123456+00',
      id: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    };
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
  });

  it('refuses a cursor the API did not give with invalid_cursor', () => {
    for (const bad of ['nonsense', encodeCursor({ priority: 1, createdAt: 'x', id: 'y' })]) {
      expect(() => decodeCursor(bad)).toThrow(
        expect.objectContaining({ response: expect.objectContaining({ code: 'invalid_cursor' }) }),
      );
    }
  });
});
