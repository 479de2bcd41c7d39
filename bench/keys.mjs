// For bench/run: an RSA key pair, its public half as a JWKS file for mediaup, and a signed JWT access token on stdout.
import { generateKeyPairSync, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';

const [jwksPath, user] = process.argv.slice(2);
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
writeFileSync(jwksPath, JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'bench', alg: 'RS256', use: 'sig' }] }));
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const data = `${b64({ alg: 'RS256', kid: 'bench', typ: 'JWT' })}.${b64({ sub: user, iss: 'bench', aud: 'mediaup', scope: 'media.write', exp: Math.floor(Date.now() / 1000) + 3600 })}`;
console.log(`${data}.${sign('RSA-SHA256', Buffer.from(data), privateKey).toString('base64url')}`);
