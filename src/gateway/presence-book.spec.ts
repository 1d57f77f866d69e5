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
});
