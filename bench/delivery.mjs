// Delivery benchmark for bench/run: the same 1 GiB file from mediaup (delivery URL) and from nginx (sendfile),
// read by 8 concurrent ranged readers in 4 MiB ranges, in the same run. Prints MiB/s and the ratio.
import http from 'node:http';

const [mediaupUrl, nginxUrl, sizeStr] = process.argv.slice(2);
const SIZE = Number(sizeStr), RANGE = 4 * 1024 * 1024, READERS = 8, ROUNDS = 3;
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
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

const best = { mediaup: 0, nginx: 0 };
for (let i = 0; i < ROUNDS; i++) {
  best.nginx = Math.max(best.nginx, await run(nginxUrl));
  best.mediaup = Math.max(best.mediaup, await run(mediaupUrl));
}
console.log(`delivery of ${SIZE / 1048576} MiB, ${READERS} concurrent ranged readers (4 MiB ranges, best of ${ROUNDS}):`);
console.log(`  nginx 1.22 (sendfile)        : ${best.nginx.toFixed(0)} MiB/s`);
console.log(`  mediaup (delivery, ranges)   : ${best.mediaup.toFixed(0)} MiB/s`);
console.log(`ratio: mediaup/nginx = ${(best.mediaup / best.nginx).toFixed(2)}x (target >= 0.7)`);
if (process.env.BENCH_CSV) {
  const { appendFileSync } = await import('node:fs');
  appendFileSync(process.env.BENCH_CSV, `delivery ranged reads,nginx (sendfile),${best.nginx.toFixed(0)},MiB/s\n`
    + `delivery ranged reads,mediaup,${best.mediaup.toFixed(0)},MiB/s\n`);
}
agent.destroy();
