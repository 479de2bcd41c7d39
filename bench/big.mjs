// A 16 GiB upload through a server with a 256 MiB heap (bench/big starts it): 32 MiB multipart segments, two at a time,
// streamed from a repeating random block (never held whole here either); the server's RSS sampled every 200 ms from
// /proc from the first append to the end of processing; then FINALIZE's latency against a 16 MiB upload's.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFileSync, appendFileSync } from 'node:fs';

const [base, token, pid, headSmall, headBig, totalStr] = process.argv.slice(2);
const MiB = 1 << 20, SEG = Number(process.env.SEG_MIB ?? 32) * MiB, TOTAL = Number(totalStr ?? 16 * 1024 * MiB);
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
const block = randomBytes(MiB);

function request(path, method, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(base + path, { method, headers: { authorization: `Bearer ${token}`, ...headers }, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    body?.(req) ?? req.end();
  });
}
const json = (r, what) => { if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.body}`); return JSON.parse(r.body).data; };

let peakRss = 0;
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, rss()); }, 200);

async function upload(total, label, headFile) {
  const head = readFileSync(headFile); // a real clip whose padding box covers the whole upload, so it really processes
  const init = json(await request('/2/media/upload/initialize', 'POST', { 'content-type': 'application/json' },
    (req) => req.end(JSON.stringify({ media_type: 'video/mp4', media_category: 'tweet_video', total_bytes: total }))), 'initialize');
  const id = init.id, n = Math.ceil(total / SEG);
  const t0 = Date.now();
  let next = 0;
  await Promise.all([0, 1].map(async () => {
    for (let i; (i = next++) < n;) {
      const size = Math.min(SEG, total - i * SEG), b = `big${i}`;
      const pre = Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="segment_index"\r\n\r\n${i}\r\n--${b}\r\n`
        + 'Content-Disposition: form-data; name="media"\r\nContent-Type: application/octet-stream\r\n\r\n');
      const post = Buffer.from(`\r\n--${b}--\r\n`);
      json(await request(`/2/media/upload/${id}/append`, 'POST',
        { 'content-type': `multipart/form-data; boundary=${b}`, 'content-length': pre.length + size + post.length },
        async (req) => {
          req.write(pre);
          for (let off = 0; off < size; off += MiB) {
            let piece = block.subarray(0, Math.min(MiB, size - off));
            if (i === 0 && off === 0) piece = Buffer.concat([head, block.subarray(head.length, piece.length)]);
            if (!req.write(piece)) await new Promise((r) => req.once('drain', r));
          }
          req.end(post);
        }), `append ${i}`);
    }
  }));
  const appendSecs = (Date.now() - t0) / 1000;
  const f0 = process.hrtime.bigint();
  json(await request(`/2/media/upload/${id}/finalize`, 'POST', {}), 'finalize');
  const finalizeMs = Number(process.hrtime.bigint() - f0) / 1e6;
  let state;
  const p0 = Date.now();
  do {
    await new Promise((r) => setTimeout(r, 200));
    state = json(await request(`/2/media/upload?command=STATUS&media_id=${id}`, 'GET', {}), 'status').processing_info?.state ?? 'succeeded';
  } while (state !== 'succeeded' && state !== 'failed');
  console.log(`${label}: appended in ${appendSecs.toFixed(1)} s (${(total / MiB / appendSecs).toFixed(0)} MiB/s), FINALIZE ${finalizeMs.toFixed(1)} ms, `
    + `processing ${state} after ${((Date.now() - p0) / 1000).toFixed(1)} s`);
  return finalizeMs;
}

await upload(16 * MiB, '16 MiB (warm-up)', headSmall); // the first requests of a fresh JVM are slow: not what is compared
const small = await upload(16 * MiB, '16 MiB', headSmall);
peakRss = 0;
const big = await upload(TOTAL, `${(TOTAL / 1024 / MiB).toFixed(0)} GiB`, headBig);
clearInterval(sampler);
console.log(`peak RSS during the big upload and its processing: ${(peakRss / MiB).toFixed(0)} MiB (target <= 300 MB = 286 MiB)`);
console.log(`FINALIZE: ${big.toFixed(1)} ms vs ${small.toFixed(1)} ms for 16 MiB = ${(big / small).toFixed(2)}x (target <= 2)`);
if (process.env.BENCH_CSV) appendFileSync(process.env.BENCH_CSV, `16 GiB through -Xmx256m,peak RSS,${(peakRss / MiB).toFixed(0)},MiB\n`
  + `16 GiB through -Xmx256m,FINALIZE 16 GiB,${big.toFixed(1)},ms\n16 GiB through -Xmx256m,FINALIZE 16 MiB,${small.toFixed(1)},ms\n`);
agent.destroy();
