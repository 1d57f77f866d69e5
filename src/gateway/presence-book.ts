/**
 * Which of this pod's users have sockets on other pods too, as far as this pod knows: plain
 * values, no I/O (UserPresence feeds it from Redis). An event for a user whose every socket is
 * here needs no trip through the Redis adapter. The book errs one way only: when it is not sure
 * (not yet read, Redis unreachable, a pod that left without saying so), the user counts as held
 * elsewhere too and events go through Redis as they always did.
 */
export class PresenceBook {
  private readonly users = new Map<string, PresenceEntry>();
  private connected = false;
  /** Changes with every change of the subscription: a read from before it no longer counts. */
  private generation = 0;
  /** The last stretch given out (see `localStretch`); never reused. */
  private stretches = 0;

  get epoch(): number {
    return this.generation;
  }

  /** A socket of the user here. True when it is the first: the pod must say so and read. */
  socketJoined(userId: string): boolean {
    const entry = this.users.get(userId);
    if (entry) {
      entry.sockets++;
      return false;
    }
    this.users.set(userId, { sockets: 1, elsewhere: null, known: false, stretch: 0 });
    return true;
  }

  /** A socket of the user left. True when it was the last one here. */
  socketLeft(userId: string): boolean {
    const entry = this.users.get(userId);
    if (!entry) return false;
    if (--entry.sockets > 0) return false;
    this.users.delete(userId);
    return true;
  }

  /**
   * What Redis holds for the user (the pods with a socket of theirs), read after this pod's own
   * entry was written. Added to what was heard meanwhile, never replacing it. `epoch`: the book's
   * epoch when the read was sent; a read sent before the subscription last changed is ignored.
   */
  read(userId: string, pods: readonly string[], self: string, epoch: number): void {
    const entry = this.users.get(userId);
    if (!entry || epoch !== this.generation) return;
    for (const pod of pods) if (pod !== self) add(entry, pod);
    entry.known = true;
    entry.stretch = ++this.stretches;
  }

  /** Another pod said it has (or no longer has) a socket of the user. */
  heard(pod: string, userId: string, joined: boolean, self: string): void {
    if (pod === self) return;
    const entry = this.users.get(userId);
    if (!entry) return;
    entry.stretch = ++this.stretches;
    if (joined) add(entry, pod);
    else if (entry.elsewhere) {
      entry.elsewhere = entry.elsewhere.filter((p) => p !== pod);
      if (entry.elsewhere.length === 0) entry.elsewhere = null;
    }
  }

  /**
   * The pod's subscription to what other pods say. While it is down, and after it comes back
   * until each user is read again, nothing is certain: every user counts as held elsewhere.
   */
  setConnected(connected: boolean): void {
    this.connected = connected;
    this.generation++;
    for (const entry of this.users.values()) entry.known = false;
  }

  /** True only when the user's every socket is on this pod, for certain. */
  localOnly(userId: string): boolean {
    return this.localStretch(userId) !== null;
  }

  /**
   * While the user's every socket is on this pod, for certain: a number that stays the same for
   * as long as that holds without a break, and that no other stretch (of any user) ever had.
   * Null otherwise. Whatever another pod may have done for the user (it held a socket of theirs,
   * or this pod could not have heard of one) falls between two different stretches, so what this
   * pod counted for the user alone within one stretch is all there is to count.
   */
  localStretch(userId: string): number | null {
    if (!this.connected) return null;
    const entry = this.users.get(userId);
    return entry !== undefined && entry.known && entry.elsewhere === null ? entry.stretch : null;
  }

  /** The users with a socket here. */
  userIds(): string[] {
    return [...this.users.keys()];
  }
}

interface PresenceEntry {
  /** Sockets of the user on this pod. */
  sockets: number;
  /** Other pods known to hold a socket of the user; null for none (most users: kept small). */
  elsewhere: string[] | null;
  /** Redis was read for the user since this pod's subscription last (re)started. */
  known: boolean;
  /** Given anew by every read of the user and everything heard of them (`localStretch`). */
  stretch: number;
}

function add(entry: PresenceEntry, pod: string): void {
  if (!entry.elsewhere) entry.elsewhere = [pod];
  else if (!entry.elsewhere.includes(pod)) entry.elsewhere.push(pod);
}
