import { describe, expect, it } from '@jest/globals';
import { PresenceBook } from './presence-book.js';

const SELF = 'pod-a';

function connectedBook(): PresenceBook {
  const book = new PresenceBook();
  book.setConnected(true);
  return book;
}

describe('PresenceBook', () => {
  it('knows a user to be only here once read, and not before', () => {
    const book = connectedBook();
    expect(book.socketJoined('u1')).toBe(true);
    expect(book.localOnly('u1')).toBe(false);
    book.read('u1', [SELF], SELF, book.epoch);
    expect(book.localOnly('u1')).toBe(true);
    expect(book.localOnly('u2')).toBe(false);
  });

  it('counts sockets: only the first joins and the last leaves', () => {
    const book = connectedBook();
    expect(book.socketJoined('u1')).toBe(true);
    expect(book.socketJoined('u1')).toBe(false);
    expect(book.socketLeft('u1')).toBe(false);
    expect(book.socketLeft('u1')).toBe(true);
    expect(book.userIds()).toEqual([]);
    expect(book.socketLeft('u1')).toBe(false);
  });

  it('adds what another pod says to what was read, and drops a pod that left', () => {
    const book = connectedBook();
    book.socketJoined('u1');
    book.heard('pod-b', 'u1', true, SELF);
    book.read('u1', [SELF], SELF, book.epoch); // read before pod-b wrote itself: still counted
    expect(book.localOnly('u1')).toBe(false);
    book.heard('pod-c', 'u1', true, SELF);
    book.heard('pod-b', 'u1', false, SELF);
    expect(book.localOnly('u1')).toBe(false);
    book.heard('pod-c', 'u1', false, SELF);
    expect(book.localOnly('u1')).toBe(true);
    book.heard(SELF, 'u1', true, SELF); // its own announcement
    expect(book.localOnly('u1')).toBe(true);
  });

  it('is sure of nobody while its subscription is down, nor after it until read again', () => {
    const book = connectedBook();
    book.socketJoined('u1');
    book.read('u1', [SELF], SELF, book.epoch);
    book.setConnected(false);
    expect(book.localOnly('u1')).toBe(false);
    book.setConnected(true);
    expect(book.localOnly('u1')).toBe(false);
    book.read('u1', [SELF], SELF, book.epoch);
    expect(book.localOnly('u1')).toBe(true);
  });

  it('ignores a read sent before the subscription changed', () => {
    const book = connectedBook();
    book.socketJoined('u1');
    const before = book.epoch;
    book.setConnected(false);
    book.setConnected(true);
    book.read('u1', [SELF], SELF, before);
    expect(book.localOnly('u1')).toBe(false);
  });

  it('ignores news of users it holds no socket of', () => {
    const book = connectedBook();
    book.heard('pod-b', 'u9', true, SELF);
    book.read('u9', ['pod-b'], SELF, book.epoch);
    expect(book.userIds()).toEqual([]);
  });

  it('gives a stretch that holds while the user stays here alone and never comes back', () => {
    const book = connectedBook();
    book.socketJoined('u1');
    book.socketJoined('u2');
    expect(book.localStretch('u1')).toBeNull();
    book.read('u1', [SELF], SELF, book.epoch);
    book.read('u2', [SELF], SELF, book.epoch);
    const first = book.localStretch('u1');
    expect(first).not.toBeNull();
    expect(book.localStretch('u2')).not.toBe(first);
    // Another socket here, and news of other users, do not end it.
    book.socketJoined('u1');
    book.heard('pod-b', 'u2', true, SELF);
    expect(book.localStretch('u1')).toBe(first);
    expect(book.localStretch('u2')).toBeNull();
    // Another pod held the user for a while: a new stretch, even though it left again.
    book.heard('pod-b', 'u1', true, SELF);
    expect(book.localStretch('u1')).toBeNull();
    book.heard('pod-b', 'u1', false, SELF);
    const second = book.localStretch('u1');
    expect(second).not.toBeNull();
    expect(second).not.toBe(first);
    // So does a break in the subscription, and a user who left and came back.
    book.setConnected(false);
    book.setConnected(true);
    book.read('u1', [SELF], SELF, book.epoch);
    const third = book.localStretch('u1');
    expect([first, second]).not.toContain(third);
    book.socketLeft('u1');
    book.socketLeft('u1');
    book.socketJoined('u1');
    book.read('u1', [SELF], SELF, book.epoch);
    expect([first, second, third]).not.toContain(book.localStretch('u1'));
  });
});
