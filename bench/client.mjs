// The load driver for bench/run: the same client code against every server, on loopback, in one run.
import http from 'node:http';
import { randomBytes } from 'node:crypto';

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
async function mediaupAppend(id, i) {
  const b = `mediaupbench${i}`;
  const head = Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="segment_index"\r\n\r\n${i}\r\n--${b}\r\nContent-Disposition: form-data; name="media"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${b}--\r\n`);
  ok(await request(`${mediaup}/2/media/upload/${id}/append`, 'POST',
    { ...auth, 'content-type': `multipart/form-data; boundary=${b}`, 'content-length': head.length + SEG + tail.length }, [head, seg, tail]), 'append');
}

const runs = {
  async mediaup() {
    const id = await mediaupInit(TOTAL);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await mediaupAppend(id, i);
    return Number(process.hrtime.bigint() - t0) / 1e9;
  },
  async mediaupParallel4() {
    const id = await mediaupInit(TOTAL);
    const t0 = process.hrtime.bigint();
    let next = 0;
    await Promise.all([0, 1, 2, 3].map(async () => { for (let i; (i = next++) < N;) await mediaupAppend(id, i); }));
    return Number(process.hrtime.bigint() - t0) / 1e9;
  },
  async tus() {
    const c = ok(await request(`${tus}/files`, 'POST', { 'tus-resumable': '1.0.0', 'upload-length': String(TOTAL) }), 'tus create');
    const loc = new URL(c.headers.location, tus).toString();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) {
      ok(await request(loc, 'PATCH', { 'tus-resumable': '1.0.0', 'upload-offset': String(i * SEG),
        'content-type': 'application/offset+octet-stream', 'content-length': SEG }, seg), 'tus patch');
    }
    return Number(process.hrtime.bigint() - t0) / 1e9;
  },
  async fsync() {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) ok(await request(`${fsyncUrl}/seg/${i}`, 'POST', { 'content-length': SEG }, seg), 'fsync');
    return Number(process.hrtime.bigint() - t0) / 1e9;
  },
};

const best = {};
for (let r = 0; r < ROUNDS; r++) {
  for (const name of ['fsync', 'tus', 'mediaup', 'mediaupParallel4']) {
    const secs = await runs[name]();
    best[name] = Math.min(best[name] ?? Infinity, secs);
  }
}
const mbps = (name) => TOTAL / MiB / best[name];

// initialize requests per second at 64 concurrent clients: 10 s of warm-up (JIT), then 5 s measured
const body = JSON.stringify({ media_type: 'image/png', media_category: 'tweet_image', total_bytes: 1000 });
async function initLoad(ms) {
  let count = 0, errors = 0;
  const t0 = Date.now(), until = t0 + ms;
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (Date.now() < until) {
      const r = await request(`${mediaup}/2/media/upload/initialize`, 'POST', { ...auth, 'content-type': 'application/json' }, body);
      if (r.status === 200) count++; else errors++;
    }
  }));
  return { rate: count / ((Date.now() - t0) / 1000), errors };
}
await initLoad(10000);
const { rate: initRate, errors } = await initLoad(5000);

const f = (x) => x.toFixed(2);
console.log(`sequential append, 256 MiB in 8 MiB segments (best of ${ROUNDS}):`);
console.log(`  minimal receive+fsync server : ${f(mbps('fsync'))} MiB/s`);
console.log(`  @tus/server 2.4.5 file store : ${f(mbps('tus'))} MiB/s`);
console.log(`  mediaup (multipart, fsynced) : ${f(mbps('mediaup'))} MiB/s`);
console.log(`  mediaup, 4 parallel segments : ${f(mbps('mediaupParallel4'))} MiB/s`);
console.log(`ratios: mediaup/tus = ${f(mbps('mediaup') / mbps('tus'))}x (target >= 2.0), mediaup/limit = ${f(mbps('mediaup') / mbps('fsync'))}x (target >= 0.75), parallel4/sequential = ${f(mbps('mediaupParallel4') / mbps('mediaup'))}x`);
console.log(`initialize at 64 concurrent: ${Math.round(initRate)} req/s (target >= 5000)${errors ? `, ${errors} errors` : ''}`);
agent.destroy();
