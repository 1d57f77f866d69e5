import jwt from 'jsonwebtoken';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256!';

export function tokenFor(
  userId: string,
  options: jwt.SignOptions & { roles?: string[]; claims?: Record<string, unknown> } = {},
): string {
  const { roles, claims, ...sign } = options;
  return jwt.sign({ ...claims, ...(roles ? { roles } : {}) }, TEST_JWT_SECRET, {
    subject: userId,
    expiresIn: '1h',
    algorithm: 'HS256',
    ...sign,
  });
}
