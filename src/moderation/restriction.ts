/**
 * What is in force for a user, and how an action changes it: plain values, no I/O. The stored
 * row (user_restrictions) is what `applyAction` returns for the events appended so far.
 */
export interface Restriction {
  mutedUntil: Date | null;
  suspendedUntil: Date | null;
  banned: boolean;
}

export type RestrictingAction = 'mute' | 'unmute' | 'suspend' | 'ban' | 'unban';

/** The longest a mute may run. */
export const MUTE_MAX_MIN = 28 * 24 * 60;

export const NO_RESTRICTION: Restriction = {
  mutedUntil: null,
  suspendedUntil: null,
  banned: false,
};

/**
 * The restriction after `action`: mute and suspend set their end, unmute ends a mute, unban
 * ends a ban and a suspension (the account is whole again), ban holds until an unban.
 */
export function applyAction(
  current: Restriction,
  action: RestrictingAction,
  until: Date | null,
): Restriction {
  switch (action) {
    case 'mute':
      return { ...current, mutedUntil: until };
    case 'unmute':
      return { ...current, mutedUntil: null };
    case 'suspend':
      return { ...current, suspendedUntil: until };
    case 'ban':
      return { ...current, banned: true };
    case 'unban':
      return { ...current, banned: false, suspendedUntil: null };
  }
}

/**
 * What stops the user from sending now, the gravest first: a ban, a suspension, a mute. Null
 * when nothing does (a restriction whose time has passed no longer counts).
 */
export function sendingBlock(
  r: Restriction | null,
  now: Date,
): { code: 'banned' | 'suspended' | 'muted'; until: Date | null } | null {
  if (!r) return null;
  if (r.banned) return { code: 'banned', until: null };
  if (r.suspendedUntil && r.suspendedUntil > now)
    return { code: 'suspended', until: r.suspendedUntil };
  if (r.mutedUntil && r.mutedUntil > now) return { code: 'muted', until: r.mutedUntil };
  return null;
}
