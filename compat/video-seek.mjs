// A real browser plays a delivery URL: headless Chromium (Debian's, driven by playwright-core) loads it into a
// <video>, waits for the metadata, seeks to the given second and waits until a frame there is decoded. Chromium's
// media stack fetches with Range requests, so this is the Range/ETag path as a player uses it.
// Usage: node video-seek.mjs <url> <seconds>. Prints {duration, width, height, seekedTo, readyState, fetches} as JSON.
import { launch } from './browser.mjs';

const [url, at] = process.argv.slice(2);
const browser = await launch();
try {
  const page = await browser.newPage();
  const fetches = [];
  // each response's headers are read asynchronously: keep the reads, and let them all finish before the browser closes
  // (a read still pending at close rejects, and an unhandled rejection would fail the run after it printed its answer)
  const reads = [];
  page.on('response', (r) => {
    if (!r.url().startsWith(url.split('?')[0])) return;
    reads.push(r.request().allHeaders().then((h) => fetches.push({ status: r.status(), range: h.range ?? null }), () => {}));
  });
  const result = await page.evaluate(async ({ url, at }) => {
    const v = document.createElement('video');
    v.muted = true;
    v.preload = 'metadata'; // fetch little up front, so the seek needs a ranged request of its own
    document.body.appendChild(v);
    const once = (name) => new Promise((resolve, reject) => {
      v.addEventListener(name, resolve, { once: true });
      v.addEventListener('error', () => reject(new Error(`media error ${v.error?.code}: ${v.error?.message}`)), { once: true });
    });
    const loaded = once('loadedmetadata');
    v.src = url;
    await loaded;
    const seeked = once('seeked');
    v.currentTime = at;
    await seeked;
    if (v.readyState < 2) await once('loadeddata');
    return { duration: v.duration, width: v.videoWidth, height: v.videoHeight, seekedTo: v.currentTime, readyState: v.readyState };
  }, { url, at: Number(at) });
  await Promise.allSettled(reads);
  console.log(JSON.stringify({ ...result, fetches }));
} finally {
  await browser.close();
}
