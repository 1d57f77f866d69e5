import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { TokenVerifier } from './token-verifier.js';

const secret = 'a-secret-of-at-least-thirty-two-characters';

describe('TokenVerifier', () => {
  it('accepts an HS256 token and reads sub and roles', () => {
    const v = new TokenVerifier({ secret });
    const token = jwt.sign({ roles: ['operator'] }, secret, { subject: 'user-42', expiresIn: 60 });
    expect(v.verify(token)).toMatchObject({
      userId: 'user-42',
      roles: ['operator'],
      expiresAt: expect.any(Number),
    });
  });

  it('accepts RS256 with the public key and refuses an HS256 token signed with that key (alg confusion)', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const v = new TokenVerifier({ publicKey: pem });
    expect(
      v.verify(jwt.sign({}, privateKey, { algorithm: 'RS256', subject: 'u1', expiresIn: 60 }))
        ?.userId,
    ).toBe('u1');
    expect(
      v.verify(jwt.sign({}, pem, { algorithm: 'HS256', subject: 'u1', expiresIn: 60 })),
    ).toBeNull();
  });

  it('refuses expired tokens, other issuers and audiences, odd subjects and non-strings', () => {
    const v = new TokenVerifier({ secret, issuer: 'idp', audience: 'companion' });
    const ok = { issuer: 'idp', audience: 'companion', subject: 'u1', expiresIn: 60 };
    expect(v.verify(jwt.sign({}, secret, ok))?.userId).toBe('u1');
    expect(v.verify(jwt.sign({}, secret, { ...ok, expiresIn: -1 }))).toBeNull();
    expect(v.verify(jwt.sign({}, secret, { ...ok, issuer: 'other' }))).toBeNull();
    expect(v.verify(jwt.sign({}, secret, { ...ok, audience: 'other' }))).toBeNull();
    expect(v.verify(jwt.sign({}, secret, { ...ok, subject: 'has spaces' }))).toBeNull();
    expect(v.verify(jwt.sign({}, secret, { ...ok, subject: 'x'.repeat(129) }))).toBeNull();
    expect(v.verify(42)).toBeNull();
    expect(v.verify(undefined)).toBeNull();
  });

  it('refuses a token without exp, and one that lives longer than the maximum', () => {
    const v = new TokenVerifier({ secret, maxLifetimeSec: 3600 });
    expect(v.verify(jwt.sign({}, secret, { subject: 'u1' }))).toBeNull();
    expect(v.verify(jwt.sign({}, secret, { subject: 'u1', expiresIn: 7200 }))).toBeNull();
    expect(v.verify(jwt.sign({}, secret, { subject: 'u1', expiresIn: 3600 }))?.userId).toBe('u1');
  });

  it('reads the OIDC locale and zoneinfo claims when they are valid, and ignores them when not', () => {
    const v = new TokenVerifier({ secret });
    const sign = (claims: object) => jwt.sign(claims, secret, { subject: 'u1', expiresIn: 60 });
    expect(v.verify(sign({ locale: 'zh-cn', zoneinfo: 'Asia/Shanghai' }))).toMatchObject({
      locale: 'zh-CN',
      timeZone: 'Asia/Shanghai',
    });
    const odd = v.verify(sign({ locale: 42, zoneinfo: 'Mars/Olympus' }))!;
    expect(odd.locale).toBeUndefined();
    expect(odd.timeZone).toBeUndefined();
  });
});
