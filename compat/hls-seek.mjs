// A real player plays an HLS playlist: hls.js (Media Source Extensions) in headless Chromium, on a page of another
// origin — so delivery's CORS headers are part of the test — loads the master playlist (each URI in it a signed URL
// delivery wrote), seeks to the given second and waits until a frame there is decoded.
// Usage: node hls-seek.mjs <master-url> <seconds>. Prints {duration, levels, height, seekedTo, readyState} as JSON.
import { launch } from './browser.mjs';
import { createRequire } from 'node:module';

const hlsJs = createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js');
const [url, at] = process.argv.slice(2);
const browser = await launch();
try {
  const page = await browser.newPage();
  await page.setContent('<!doctype html><html><body></body></html>'); // origin "null": every fetch is cross-origin
  await page.addScriptTag({ path: hlsJs });
  const result = await page.evaluate(async ({ url, at }) => {
    if (!Hls.isSupported()) throw new Error('this Chromium has no Media Source Extensions');
    const v = document.createElement('video');
    v.muted = true;
    document.body.appendChild(v);
    const hls = new Hls();
    const failed = new Promise((_, reject) => hls.on(Hls.Events.ERROR, (_e, d) => {
      if (d.fatal) reject(new Error(`hls.js: ${d.type} ${d.details} ${d.response?.code ?? ''}`));
    }));
    const event = (name) => Promise.race([new Promise((resolve) => v.addEventListener(name, resolve, { once: true })), failed]);
    const parsed = Promise.race([new Promise((resolve) => hls.on(Hls.Events.MANIFEST_PARSED, (_e, d) => resolve(d.levels.length))), failed]);
    const metadata = event('loadedmetadata');
    hls.loadSource(url);
    hls.attachMedia(v);
    const levels = await parsed;
    await metadata;
    const seeked = event('seeked');
    v.currentTime = at;
    await seeked;
    if (v.readyState < 2) await event('loadeddata');
    return { duration: v.duration, levels, height: v.videoHeight, seekedTo: v.currentTime, readyState: v.readyState };
  }, { url, at: Number(at) });
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
}
