// Delivery benchmark for bench/run: the same 1 GiB file from mediaup (delivery URL) and from nginx (sendfile), in the
// same run, two profiles: 8 concurrent readers walking the file in 4 MiB ranges, and 100 concurrent clients reading
// random 1 MiB ranges (what a CDN's misses or many players seeking look like). Prints MiB/s, latencies and ratios.
import http from 'node:http';

const [mediaupUrl, nginxUrl, sizeStr] = process.argv.slice(2);
const SIZE = Number(sizeStr), RANGE = 4 * 1024 * 1024, READERS = 8, ROUNDS = 3;
const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
const auth = process.env.MEDIAUP_AUTH; // credentials for mediaup's URL when it is not a signed one

function get(url, from, to) {
  return new Promise((resolve, reject) => {
    const headers = { range: `bytes=${from}-${to}` };
    if (auth && url.includes('/media/')) headers.authorization = auth;
    http.get(url, { agent, headers }, (res) => {
      let n = 0;
      res.on('data', (c) => { n += c.length; });
      res.on('end', () => (res.statusCode === 206 && n === to - from + 1 ? resolve(n) : reject(new Error(`${url}: ${res.statusCode}, ${n} bytes`))));
    }).on('error', reject);
  });
}

async function run(url) {
  const slice = Math.ceil(SIZE / READERS);
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: READERS }, async (_, r) => {
    for (let off = r * slice; off < Math.min(SIZE, (r + 1) * slice); off += RANGE)
      await get(url, off, Math.min(off + RANGE, (r + 1) * slice, SIZE) - 1);
  }));
  return SIZE / 1048576 / (Number(process.hrtime.bigint() - t0) / 1e9);
}

// 100 clients, each one request at a time, random 1 MiB ranges (aligned to nothing), for `ms`
const CLIENTS = 100, SMALL = 1024 * 1024;
async function randomRanges(url, ms) {
  const latencies = [];
  let bytes = 0;
  const t0 = Date.now(), until = t0 + ms;
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (Date.now() < until) {
      const from = Math.floor(Math.random() * (SIZE - SMALL));
      const s0 = process.hrtime.bigint();
      const n = await get(url, from, from + SMALL - 1); // (not `bytes += await`: that reads bytes before waiting)
      bytes += n;
      latencies.push(Number(process.hrtime.bigint() - s0) / 1e6);
    }
  }));
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { mibps: bytes / 1048576 / ((Date.now() - t0) / 1000), rps: latencies.length / ((Date.now() - t0) / 1000), p50: at(0.5), p99: at(0.99) };
}

const best = { mediaup: 0, nginx: 0 };
const only = process.env.BENCH_ONLY; // "random" or "mediaup-random": one profile (or one server) alone, for profiling
for (let i = 0; i < (only ? 0 : ROUNDS); i++) {
  best.nginx = Math.max(best.nginx, await run(nginxUrl));
  best.mediaup = Math.max(best.mediaup, await run(mediaupUrl));
}
const rnd = {};
if (only === 'mediaup-random') {
  for (let i = 0; i < 4; i++) console.log(`mediaup: ${(await randomRanges(mediaupUrl, 5000)).mibps.toFixed(0)} MiB/s`);
  process.exit(0);
}
await randomRanges(nginxUrl, 2000); // warm-up: connections, JIT
await randomRanges(mediaupUrl, 2000);
for (let i = 0; i < ROUNDS; i++) {
  for (const [name, url] of [['nginx', nginxUrl], ['mediaup', mediaupUrl]]) {
    const r = await randomRanges(url, 5000);
    if (!rnd[name] || r.mibps > rnd[name].mibps) rnd[name] = r;
  }
}
console.log(`delivery of ${SIZE / 1048576} MiB, ${READERS} concurrent ranged readers (4 MiB ranges, best of ${ROUNDS}):`);
console.log(`  nginx 1.22 (sendfile)        : ${best.nginx.toFixed(0)} MiB/s`);
console.log(`  mediaup (delivery, ranges)   : ${best.mediaup.toFixed(0)} MiB/s`);
console.log(`ratio: mediaup/nginx = ${(best.mediaup / best.nginx).toFixed(2)}x (target >= 0.7)`);
console.log(`${CLIENTS} concurrent clients, random 1 MiB ranges (best of ${ROUNDS} x 5 s):`);
for (const name of ['nginx', 'mediaup']) {
  const r = rnd[name];
  console.log(`  ${name.padEnd(28)} : ${r.mibps.toFixed(0)} MiB/s, ${r.rps.toFixed(0)} req/s, p50/p99 ${r.p50.toFixed(1)}/${r.p99.toFixed(1)} ms`);
}
console.log(`ratio: mediaup/nginx = ${(rnd.mediaup.mibps / rnd.nginx.mibps).toFixed(2)}x (target >= 0.9)`);
if (process.env.BENCH_CSV) {
  const { appendFileSync } = await import('node:fs');
  appendFileSync(process.env.BENCH_CSV, `delivery ranged reads,nginx (sendfile),${best.nginx.toFixed(0)},MiB/s\n`
    + `delivery ranged reads,mediaup,${best.mediaup.toFixed(0)},MiB/s\n`
    + `delivery 100 clients random 1 MiB,nginx (sendfile),${rnd.nginx.mibps.toFixed(0)},MiB/s\n`
    + `delivery 100 clients random 1 MiB,mediaup,${rnd.mediaup.mibps.toFixed(0)},MiB/s\n`);
}
agent.destroy();
