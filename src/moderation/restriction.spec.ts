import { describe, expect, it } from '@jest/globals';
import { applyAction, NO_RESTRICTION, sendingBlock } from './restriction.js';

const now = new Date('2026-12-01T00:00:00Z');
const later = new Date('2026-12-02T00:00:00Z');
const earlier = new Date('2026-11-30T00:00:00Z');

describe('restrictions', () => {
  it('blocks a muted user until the mute ends, and not after', () => {
    const muted = applyAction(NO_RESTRICTION, 'mute', later);
    expect(sendingBlock(muted, now)).toEqual({ code: 'muted', until: later });
    expect(sendingBlock(muted, new Date(later.getTime() + 1))).toBeNull();
  });

  it('lets an unmuted user send again', () => {
    const muted = applyAction(NO_RESTRICTION, 'mute', later);
    expect(sendingBlock(applyAction(muted, 'unmute', null), now)).toBeNull();
  });

  it('names the gravest restriction first: ban, then suspension, then mute', () => {
    let r = applyAction(NO_RESTRICTION, 'mute', later);
    r = applyAction(r, 'suspend', later);
    expect(sendingBlock(r, now)?.code).toBe('suspended');
    r = applyAction(r, 'ban', null);
    expect(sendingBlock(r, now)).toEqual({ code: 'banned', until: null });
  });

  it('ends a ban and a suspension with an unban, but keeps a mute', () => {
    let r = applyAction(NO_RESTRICTION, 'suspend', later);
    r = applyAction(r, 'ban', null);
    r = applyAction(r, 'mute', later);
    r = applyAction(r, 'unban', null);
    expect(r.banned).toBe(false);
    expect(r.suspendedUntil).toBeNull();
    expect(sendingBlock(r, now)?.code).toBe('muted');
  });

  it('ignores restrictions whose time has passed', () => {
    const r = { mutedUntil: earlier, suspendedUntil: earlier, banned: false };
    expect(sendingBlock(r, now)).toBeNull();
    expect(sendingBlock(null, now)).toBeNull();
  });
});
