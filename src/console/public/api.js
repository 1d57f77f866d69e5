// The operator REST API (docs/operator.md) and the signed-in operator's token, kept for this tab
// only (sessionStorage): closing the tab signs out.

const TOKEN_KEY = 'console.token';

export const OPERATOR_ROLES = ['moderator', 'admin', 'analyst'];

/** A refusal of the API: its HTTP status and its stable code. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  signIn(token) {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

/**
 * Who the token names and its roles, read to choose what to show; the server checks the token
 * on every request. Null when it is not a JWT.
 */
export function claimsOf(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(payload));
    const raw = claims.roles ?? claims.role;
    const roles = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : [];
    return { operatorId: String(claims.sub ?? ''), roles: roles.map(String) };
  } catch {
    return null;
  }
}

/** Calls `/v1/operator<path>` with the token; throws an ApiError with the answer's code. */
export async function api(path, { method = 'GET', body } = {}) {
  const headers = { authorization: `Bearer ${session.token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`/v1/operator${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    throw new ApiError(res.status, data?.code ?? `http_${res.status}`, data?.message ?? '');
  }
  return data;
}
