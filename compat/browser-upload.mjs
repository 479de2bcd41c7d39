// Runs an upload page of examples/ (uppy: Uppy's Dashboard + tus; chunked: X's chunked endpoints with fetch) in
// Debian's Chromium, as a page of another origin than mediaup: a tiny backend (this script) serves the page (and Uppy's
// bundle from node_modules/uppy/dist) and answers POST /grant by asking mediaup for an upload grant with its own user
// token (MEDIAUP_TOKEN never reaches the browser). The chunked page is stopped after 3 segments, reloaded, and must
// resume from the segments listing.
// Usage: node browser-upload.mjs <uppy|chunked> <file> <media type> <page port> [allowed origin for the grant]
// Env: MEDIAUP_BASE_URL, MEDIAUP_TOKEN, MEDIAUP_TUS_PROTOCOL (uppy: tus-v1, or tus-js-client's IETF modes
// ietf-draft-03 / ietf-draft-05). Prints one JSON line: {origin, grant_id, result, appendsAfterReload, errors}.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { launch } from './browser.mjs';

const [example, file, type, port, grantOrigin] = process.argv.slice(2);
const base = process.env.MEDIAUP_BASE_URL;
const examples = new URL(`../examples/${example}/`, import.meta.url).pathname;
const dist = new URL('./node_modules/uppy/dist/', import.meta.url).pathname;
const types = { html: 'text/html', mjs: 'text/javascript', css: 'text/css' };
let grantId = null;

const server = createServer(async (req, res) => {
  const path = req.url.split('?')[0];
  if (path === '/grant' && req.method === 'POST') {
    const origin = `http://127.0.0.1:${port}`;
    const g = await fetch(`${base}/2/media/upload/grants`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${process.env.MEDIAUP_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ media_category: 'tweet_video', media_types: [type], uploads: 1, expires_in_secs: 600,
        allowed_origins: [grantOrigin ?? origin] }),
    }).then((r) => r.json());
    grantId = g.data.id;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    return res.end(JSON.stringify({ api: base, endpoint: `${base}/files/`, token: g.data.token }));
  }
  const name = path === '/' ? 'index.html' : basename(path);
  const dir = name.startsWith('uppy.min') ? dist : examples;
  let body;
  try {
    body = readFileSync(join(dir, name));
  } catch {
    return res.writeHead(404).end();
  }
  res.writeHead(200, { 'Content-Type': types[name.split('.').pop()] ?? 'application/octet-stream' });
  res.end(body);
});
await new Promise((ok) => server.listen(Number(port), '127.0.0.1', ok));

const browser = await launch();
const errors = [];
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  const pick = async (query) => {
    await page.goto(`http://127.0.0.1:${port}/${query}`);
    await page.waitForFunction(() => window.uppy !== undefined || window.ready === true, null, { timeout: 30_000 });
    await page.locator('input[type=file]').first().setInputFiles({ name: basename(file), mimeType: type, buffer: readFileSync(file) });
    await page.waitForFunction(() => window.uploadResult !== undefined, null, { timeout: 120_000 });
    return page.evaluate(() => window.uploadResult);
  };
  let appendsAfterReload = null;
  if (example === 'chunked') {
    const stopped = await pick('?stopAfter=3');
    if (!stopped.stopped) throw new Error(`the page did not stop: ${JSON.stringify(stopped)}`);
    appendsAfterReload = 0;
    page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/append')) appendsAfterReload++; });
  }
  const protocol = process.env.MEDIAUP_TUS_PROTOCOL;
  const result = await pick(protocol ? `?protocol=${protocol}` : '');
  console.log(JSON.stringify({ origin: `http://127.0.0.1:${port}`, grant_id: grantId, result, appendsAfterReload, errors }));
} finally {
  await browser.close();
  server.close();
}
