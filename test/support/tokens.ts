import jwt from 'jsonwebtoken';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256!';

export function tokenFor(
  userId: string,
  options: jwt.SignOptions & { roles?: string[] } = {},
): string {
  const { roles, ...sign } = options;
  return jwt.sign(roles ? { roles } : {}, TEST_JWT_SECRET, {
    subject: userId,
    expiresIn: '1h',
    algorithm: 'HS256',
    ...sign,
  });
}
