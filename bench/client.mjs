// The load driver for bench/run: the same client code against every server, on loopback, in one run.
import http from 'node:http';
import { createHmac, randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { execSync } from 'node:child_process';

const [mediaup, tus, fsyncUrl, token] = process.argv.slice(2);
const MiB = 1024 * 1024;
const TOTAL = 256 * MiB, SEG = 8 * MiB, N = TOTAL / SEG, ROUNDS = 3;
const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
const seg = randomBytes(SEG);
Buffer.from('\0\0\0\x18ftypmp42\0\0\0\0mp42isom', 'binary').copy(seg);

function request(url, method, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (Array.isArray(body)) body.forEach((b) => req.write(b));
    else if (body) req.write(body);
    req.end();
  });
}
const ok = (r, what) => { if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.body}`); return r; };
const auth = { authorization: `Bearer ${token}` };

async function mediaupInit(total) {
  const r = ok(await request(`${mediaup}/2/media/upload/initialize`, 'POST', { ...auth, 'content-type': 'application/json' },
    JSON.stringify({ media_type: 'video/mp4', media_category: 'tweet_video', total_bytes: total })), 'initialize');
  return JSON.parse(r.body).data.id;
}
// a boundary as twitter-api-v2 makes one (26 dashes and 24 random digits, as Firefox's; the Java SDK's and browsers' are
// 38-51 characters too): the server's boundary search skips ahead by the boundary's length, so a short one is slower
const boundary = () => '-'.repeat(26) + Array.from({ length: 24 }, () => Math.floor(Math.random() * 10)).join('');
async function mediaupAppend(id, i, part = seg) {
  const b = boundary();
  const head = Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="segment_index"\r\n\r\n${i}\r\n--${b}\r\nContent-Disposition: form-data; name="media"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${b}--\r\n`);
  ok(await request(`${mediaup}/2/media/upload/${id}/append`, 'POST',
    { ...auth, 'content-type': `multipart/form-data; boundary=${b}`, 'content-length': head.length + part.length + tail.length },
    [head, part, tail]), 'append');
}
// the same segment as base64 JSON ({"segment_index", "media"}), sent in three pieces so the client builds no big string
const b64 = new Map();
async function mediaupJsonAppend(id, i, part) {
  if (!b64.has(part.length)) b64.set(part.length, Buffer.from(part.toString('base64')));
  const head = Buffer.from(`{"segment_index":${i},"media":"`), body = b64.get(part.length), tail = Buffer.from('"}');
  ok(await request(`${mediaup}/2/media/upload/${id}/append`, 'POST',
    { ...auth, 'content-type': 'application/json', 'content-length': head.length + body.length + tail.length }, [head, body, tail]),
    'json append');
}
// the same segment as the raw body (mediaup's extension: application/octet-stream, segment_index in the query)
async function mediaupRawAppend(id, i, part) {
  ok(await request(`${mediaup}/2/media/upload/${id}/append?segment_index=${i}`, 'POST',
    { ...auth, 'content-type': 'application/octet-stream', 'content-length': part.length }, part), 'raw append');
}
// 1 MiB segments, as twitter-api-v2 and xdk send them: 64 MiB per round
const SMALL_TOTAL = 64 * MiB, small = seg.subarray(0, MiB);

// sequential appends of `total` bytes in pieces of `part`, to mediaup and to tus
async function mediaupSequential(total, part, append = mediaupAppend) {
  const id = await mediaupInit(total);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < total / part.length; i++) await append(id, i, part);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}
// tus PATCHes: to @tus/server, or (headers with mediaup's token and a filetype) to mediaup's tus endpoint
const mediaupTusHeaders = { ...auth, 'upload-metadata': `filetype ${Buffer.from('video/mp4').toString('base64')}` };
async function tusSequential(total, part, base = tus, extra = {}) {
  const c = ok(await request(`${base}/files`, 'POST', { ...extra, 'tus-resumable': '1.0.0', 'upload-length': String(total) }),
    'tus create');
  const loc = new URL(c.headers.location, base).toString();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < total / part.length; i++) {
    ok(await request(loc, 'PATCH', { ...extra, 'tus-resumable': '1.0.0', 'upload-offset': String(i * part.length),
      'content-type': 'application/offset+octet-stream', 'content-length': part.length }, part), 'tus patch');
  }
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

// the practical limit of a durable acknowledgement: receive a body, write it, fsync it once, answer
async function fsyncSequential(total, part) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < total / part.length; i++) {
    ok(await request(`${fsyncUrl}/seg/${i}`, 'POST', { 'content-length': part.length }, part), 'fsync');
  }
  return Number(process.hrtime.bigint() - t0) / 1e9;
}
const runs = {
  mediaup: () => mediaupSequential(TOTAL, seg),
  async mediaupParallel4() {
    const id = await mediaupInit(TOTAL);
    const t0 = process.hrtime.bigint();
    let next = 0;
    await Promise.all([0, 1, 2, 3].map(async () => { for (let i; (i = next++) < N;) await mediaupAppend(id, i); }));
    return Number(process.hrtime.bigint() - t0) / 1e9;
  },
  tus: () => tusSequential(TOTAL, seg),
  mediaupJson: () => mediaupSequential(TOTAL, seg, mediaupJsonAppend),
  mediaupTus: () => tusSequential(TOTAL, seg, mediaup, mediaupTusHeaders),
  mediaupRaw: () => mediaupSequential(TOTAL, seg, mediaupRawAppend),
  mediaup1M: () => mediaupSequential(SMALL_TOTAL, small),
  tus1M: () => tusSequential(SMALL_TOTAL, small),
  mediaupJson1M: () => mediaupSequential(SMALL_TOTAL, small, mediaupJsonAppend),
  mediaupTus1M: () => tusSequential(SMALL_TOTAL, small, mediaup, mediaupTusHeaders),
  mediaupRaw1M: () => mediaupSequential(SMALL_TOTAL, small, mediaupRawAppend),
  fsync: () => fsyncSequential(TOTAL, seg),
  fsync1M: () => fsyncSequential(SMALL_TOTAL, small),
};

// BENCH_ONLY=tus1M,mediaup1M (names of `runs`): only those, printed, then exit — for profiling one path
const only = process.env.BENCH_ONLY?.split(',');
const selected = only?.filter((n) => n in runs)
  ?? ['fsync', 'tus', 'mediaup', 'mediaupParallel4', 'mediaupJson', 'mediaupTus', 'fsync1M', 'tus1M', 'mediaup1M', 'mediaupJson1M',
    'mediaupTus1M'];
// WARMUP_ROUNDS unmeasured rounds first (a JVM runs a 1 MiB append at ~0.6x its steady speed in its first rounds; see
// docs/benchmarks.md), then what they wrote is flushed: a server that does not fsync (tus) would otherwise be throttled
// by the kernel's dirty-page limit on writes it never waited for, and the comparison would flatter the one that does
const warmup = Number(process.env.WARMUP_ROUNDS ?? 0);
// JIT_WARMUP appends of 1 MiB to mediaup before that: a JVM runs its request path interpreted and on C1 for its first
// ~1,500 requests (docs/benchmarks.md, "Cold servers"), while V8 compiles the peers' in a few rounds; a server that has
// been up a while is warm, and the cold figures are measured apart
const jitWarmup = Number(process.env.JIT_WARMUP ?? 0);
if (selected.some((n) => n.startsWith('mediaup'))) for (let done = 0; done < jitWarmup; done += 64) await mediaupSequential(SMALL_TOTAL, small);
for (let r = 0; r < warmup; r++) for (const name of selected) await runs[name]();
if (warmup > 0) { execSync('sync'); await new Promise((ok) => setTimeout(ok, 2000)); }
const best = {};
for (let r = 0; r < ROUNDS; r++) {
  for (const name of selected) {
    const secs = await runs[name]();
    best[name] = Math.min(best[name] ?? Infinity, secs);
  }
}
const mbps = (name) => (name.endsWith('1M') ? SMALL_TOTAL : TOTAL) / MiB / best[name];

// initialize requests per second at 64 concurrent clients, per credential kind
const body = JSON.stringify({ media_type: 'image/png', media_category: 'tweet_image', total_bytes: 1000 });
const enc = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const app = JSON.parse(process.env.MEDIAUP_APP), o1 = JSON.parse(process.env.MEDIAUP_OAUTH1);
function oauth1Header(url) {
  // RFC 5849 HMAC-SHA1 user context, the way twitter-api-v2 signs a JSON POST (no body parameters)
  const p = { oauth_consumer_key: app.consumer_key, oauth_nonce: randomBytes(16).toString('hex'), oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: String(Math.floor(Date.now() / 1000)), oauth_token: o1.oauth_token, oauth_version: '1.0' };
  const params = Object.keys(p).sort().map((k) => `${enc(k)}=${enc(p[k])}`).join('&');
  const base = `POST&${enc(url)}&${enc(params)}`;
  p.oauth_signature = createHmac('sha1', `${enc(app.consumer_secret)}&${enc(o1.oauth_token_secret)}`).update(base).digest('base64');
  return 'OAuth ' + Object.keys(p).map((k) => `${enc(k)}="${enc(p[k])}"`).join(', ');
}
// OAuth 1.0a headers are signed before the clock starts: the client shares the 2 cores, and what is measured is the
// server's verification, not the load generator's HMACs
let signed = [], next = 0;
const presign = (n) => { signed = Array.from({ length: n }, () => oauth1Header(`${mediaup}/2/media/upload/initialize`)); next = 0; };
const credentials = {
  opaque: () => `Bearer ${token}`,
  jwt: () => `Bearer ${process.env.MEDIAUP_JWT}`,
  oauth1: () => next < signed.length ? signed[next++] : oauth1Header(`${mediaup}/2/media/upload/initialize`),
};
// the same 64-concurrent loop against GET /healthz (no auth, no body, no database): what this machine's client and
// HTTP stack can do at all, the ceiling initialize is read against
async function initLoad(kind, ms, path = '/2/media/upload/initialize', method = 'POST') {
  let count = 0, errors = 0;
  const latencies = [];
  const t0 = Date.now(), until = t0 + ms;
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (Date.now() < until) {
      const s0 = process.hrtime.bigint();
      const r = method === 'GET' ? await request(`${mediaup}${path}`, 'GET', {}, null)
        : await request(`${mediaup}${path}`, method, { authorization: credentials[kind](), 'content-type': 'application/json' }, body);
      latencies.push(Number(process.hrtime.bigint() - s0) / 1e6);
      if (r.status === 200) count++; else errors++;
    }
  }));
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { rate: count / ((Date.now() - t0) / 1000), errors, p50: at(0.5), p99: at(0.99), p999: at(0.999) };
}
if (only) {
  for (const name of only.filter((n) => n in runs)) console.log(`${name}: ${mbps(name).toFixed(2)} MiB/s`);
  if (only.includes('init')) { // BENCH_ONLY=init: opaque initializes alone
    await initLoad('opaque', 5000);
    for (let round = 0; round < 3; round++) {
      const r = await initLoad('opaque', 4000);
      console.log(`initialize opaque: ${Math.round(r.rate)} req/s p50/p99/p99.9 ${r.p50.toFixed(2)}/${r.p99.toFixed(2)}/${r.p999.toFixed(2)} ms`);
      const c = await initLoad('opaque', 4000, '/healthz', 'GET');
      console.log(`GET /healthz ceiling: ${Math.round(c.rate)} req/s p50/p99 ${c.p50.toFixed(2)}/${c.p99.toFixed(2)} ms`);
    }
  }
  process.exit(0);
}
// warm every path up first (JIT), then interleave the kinds for 3 rounds of 4 s and keep each kind's best:
// whatever else the machine does then weighs on all three alike
const init = {};
for (const kind of ['opaque', 'jwt', 'oauth1']) {
  if (kind === 'oauth1') presign(60000);
  await initLoad(kind, 5000);
}
let ceiling = null;
for (let round = 0; round < 3; round++) {
  const c = await initLoad('opaque', 4000, '/healthz', 'GET');
  if (!ceiling || c.rate > ceiling.rate) ceiling = c;
  for (const kind of ['opaque', 'jwt', 'oauth1']) {
    if (kind === 'oauth1') presign(70000);
    const r = await initLoad(kind, 4000);
    if (!init[kind] || r.rate > init[kind].rate) init[kind] = r;
  }
}

const f = (x) => x.toFixed(2);
console.log(`sequential append, 256 MiB in 8 MiB segments (best of ${ROUNDS}):`);
console.log(`  minimal receive+fsync server : ${f(mbps('fsync'))} MiB/s`);
console.log(`  @tus/server 2.4.5 file store : ${f(mbps('tus'))} MiB/s`);
console.log(`  mediaup (multipart, fsynced) : ${f(mbps('mediaup'))} MiB/s`);
console.log(`  mediaup, 4 parallel segments : ${f(mbps('mediaupParallel4'))} MiB/s`);
console.log(`ratios: mediaup/tus = ${f(mbps('mediaup') / mbps('tus'))}x (target >= 2.0), mediaup/limit = ${f(mbps('mediaup') / mbps('fsync'))}x (target >= 0.75), parallel4/sequential = ${f(mbps('mediaupParallel4') / mbps('mediaup'))}x`);
console.log(`1 MiB segments (64 MiB, best of ${ROUNDS}): tus ${f(mbps('tus1M'))} MiB/s (${Math.round(mbps('tus1M'))} req/s), `
  + `mediaup ${f(mbps('mediaup1M'))} MiB/s (${Math.round(mbps('mediaup1M'))} req/s) = ${f(mbps('mediaup1M') / mbps('tus1M'))}x tus (target >= 0.9)`);
console.log(`  the receive+fsync server (one fsync per request, the limit of a durable answer): ${f(mbps('fsync1M'))} MiB/s = `
  + `${f(mbps('fsync1M') / mbps('tus1M'))}x tus; mediaup = ${f(mbps('mediaup1M') / mbps('fsync1M'))}x of it`);
console.log(`  mediaup base64 JSON ${f(mbps('mediaupJson1M'))} MiB/s = ${f(mbps('mediaupJson1M') / mbps('tus1M'))}x, `
  + `mediaup tus PATCH ${f(mbps('mediaupTus1M'))} MiB/s = ${f(mbps('mediaupTus1M') / mbps('tus1M'))}x tus`);
console.log(`8 MiB: mediaup base64 JSON ${f(mbps('mediaupJson'))} MiB/s = ${f(mbps('mediaupJson') / mbps('tus'))}x, `
  + `mediaup tus PATCH ${f(mbps('mediaupTus'))} MiB/s = ${f(mbps('mediaupTus') / mbps('tus'))}x tus`);
console.log(`targets: sequential 8 MiB mediaup/tus = ${f(mbps('mediaup') / mbps('tus'))}x (target >= 1.3), `
  + `4 parallel/tus sequential = ${f(mbps('mediaupParallel4') / mbps('tus'))}x (target >= 1.5)`);
for (const kind of ['opaque', 'jwt', 'oauth1']) {
  const { rate, errors, p50, p99, p999 } = init[kind];
  const cost = kind === 'opaque' ? '(target >= 10000, p99 < 20 ms)' : `(${f(100 * (1 - rate / init.opaque.rate))} % below opaque)`;
  console.log(`initialize at 64 concurrent, ${kind.padEnd(6)} : ${Math.round(rate)} req/s, p50/p99/p99.9 ${f(p50)}/${f(p99)}/${f(p999)} ms `
    + `${cost}${errors ? `, ${errors} errors` : ''}`);
}
console.log(`GET /healthz at 64 concurrent (no auth, no body, no database; the ceiling of this client and HTTP stack here): `
  + `${Math.round(ceiling.rate)} req/s, p50/p99 ${f(ceiling.p50)}/${f(ceiling.p99)} ms; initialize opaque = `
  + `${f(init.opaque.rate / ceiling.rate)}x of it`);
// the figures as CSV rows (metric, subject, value, unit) for bench/Charts.java
if (process.env.BENCH_CSV) {
  const rows = [];
  const mediaupRows = [['mediaup', 'mediaup multipart'], ['mediaupJson', 'mediaup base64 JSON'], ['mediaupTus', 'mediaup tus PATCH']];
  for (const [name, label] of [['fsync', 'receive+fsync server'], ['tus', '@tus/server 2.4.5'], ...mediaupRows,
    ['mediaupParallel4', 'mediaup 4 parallel']]) rows.push(['append 8 MiB segments', label, f(mbps(name)), 'MiB/s']);
  for (const [name, label] of [['fsync', 'receive+fsync server'], ['tus', '@tus/server 2.4.5'], ...mediaupRows]) {
    rows.push(['append 1 MiB segments', label, f(mbps(name.replace(/^(fsync|tus|mediaup)(Json|Tus)?$/, '$1$21M'))), 'MiB/s']);
  }
  rows.push(['initialize req/s (Node client)', 'GET /healthz (ceiling)', Math.round(ceiling.rate), 'req/s']);
  for (const kind of ['opaque', 'jwt', 'oauth1']) {
    rows.push(['initialize req/s (Node client)', kind, Math.round(init[kind].rate), 'req/s']);
    for (const q of ['p50', 'p99', 'p999']) rows.push([`initialize latency ${kind}`, q.replace('p999', 'p99.9'), f(init[kind][q]), 'ms']);
  }
  appendFileSync(process.env.BENCH_CSV, rows.map((r) => r.join(',')).join('\n') + '\n');
}
agent.destroy();
