// Drives mediaup's web console (/console) in Debian's Chromium as a person would, and checks each page with axe-core.
// Usage: node console.mjs <mode> <base url> <json args>
//   mode "user":  sign in with args.token (keyboard only), drop a video and two pictures, reload during the video's
//                 upload and resume it, watch it process, play and seek, edit alt text, attach subtitles, see usage,
//                 delete a picture, see usage change; the admin page is refused.
//   mode "admin": sign in with args.token, revoke the token whose id is args.revokeId, create a token.
//   mode "oauth": sign in through the issuer (authorization code + PKCE).
// Screenshots (desktop and 360 px, light and dark) go to args.shots. Prints one JSON line with what happened.
import { readFileSync, statSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { launch } from './browser.mjs';

const [mode, base, argsJson] = process.argv.slice(2);
const args = JSON.parse(argsJson);
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const out = { errors: [], axe: {}, steps: [] };
mkdirSync(args.shots, { recursive: true });

const browser = await launch();
const step = (name, data = {}) => out.steps.push({ name, ...data });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  let injected429 = 0; // the one refusal this script makes on purpose (Chromium logs it as a failed resource)
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (m.text().includes('status of 429') && injected429++ === 0) return;
    out.errors.push(m.text());
  });
  page.on('pageerror', (e) => out.errors.push(String(e)));

  // axe-core, evaluated through the DevTools protocol (the page's policy forbids injected script tags, rightly)
  const axe = async (name) => {
    await page.evaluate(axeSource);
    const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    out.axe[name] = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
  };
  const shot = async (name) => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${args.shots}/${name}-desktop.png` });
    await page.setViewportSize({ width: 360, height: 780 });
    await page.waitForTimeout(150);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await page.screenshot({ path: `${args.shots}/${name}-360.png` });
    if (overflow > 1) out.errors.push(`${name}: the page is ${overflow} px wider than a 360 px screen`);
    await page.setViewportSize({ width: 1280, height: 900 });
  };
  const heading = (text) => page.waitForFunction((t) => document.querySelector('main h1')?.textContent === t, text, { timeout: 30_000 });
  const go = async (hash, title) => { await page.evaluate((h) => { location.hash = h; }, hash); await heading(title); };

  if (mode === 'oauth') {
    await page.goto(`${base}/console/`);
    await page.click('#issuer-sign-in');
    await heading('Library');
    const state = await page.evaluate(() => ({ url: location.href, token: sessionStorage.getItem('mediaup.token') }));
    await go('#/account', 'Account');
    step('oauth', { url: state.url, jwt: /^ey[^.]+\.[^.]+\.[^.]+$/.test(state.token ?? ''), user: await page.textContent('#user-id') });
  }

  if (mode === 'admin') {
    await page.goto(`${base}/console/`);
    await page.fill('#token', args.token);
    await page.press('#token', 'Enter');
    await heading('Library');
    step('admin-nav', { visible: await page.isVisible('#nav-admin') });
    await go('#/admin', 'Admin');
    await page.waitForSelector(`button:has-text("Revoke token ${args.revokeId}")`);
    await axe('admin');
    await shot('admin');
    await page.click(`button:has-text("Revoke token ${args.revokeId}")`);
    await page.click('dialog button[value="yes"]');
    await page.waitForFunction((id) => document.querySelector('main [role=status]')?.textContent === `Revoked token ${id}`, args.revokeId);
    await page.fill('#new-token-user', '9901');
    await page.click('button:has-text("Create token")');
    await page.waitForSelector('#shown-once input');
    step('admin', { created: await page.inputValue('#shown-once input') });
  }

  if (mode === 'user') {
    await page.goto(`${base}/console/`);
    await page.waitForSelector('#token');
    await axe('sign-in');
    await shot('sign-in');
    // keyboard only: the token field has focus; type, Enter
    await page.keyboard.type(args.token);
    await page.keyboard.press('Enter');
    await heading('Library');
    step('signed-in', { adminNav: await page.isVisible('#nav-admin') });
    await axe('library-empty');

    // by keyboard to the upload page: Tab until the "Upload" link of the navigation has focus, then Enter
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.getAttribute('href') === '#/upload'
        && document.activeElement.closest('nav'))) break;
    }
    await page.keyboard.press('Enter');
    await heading('Upload');

    // drop the video and two pictures (a real drop event with the files, as a drag from the desktop makes)
    const files = [args.video, args.picture1, args.picture2].map((p) => ({
      name: basename(p), type: p.endsWith('.mp4') ? 'video/mp4' : p.endsWith('.png') ? 'image/png' : 'image/jpeg',
      lastModified: Math.floor(statSync(p).mtimeMs), b64: readFileSync(p).toString('base64'),
    }));
    const drop = (list) => page.evaluate((list) => {
      const dt = new DataTransfer();
      for (const f of list) {
        const bin = atob(f.b64);
        const bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        dt.items.add(new File([bytes], f.name, { type: f.type, lastModified: f.lastModified }));
      }
      const zone = document.getElementById('drop');
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, list);
    // the video's appends (its 2 MiB segments) pass a gate the script opens, so that pause and the reload land in the
    // middle of its upload whatever the machine's speed; a picture's first append is refused with 429 and Retry-After,
    // as a busy server would, and must be retried
    let videoAppends = 0, videoRouted = 0, refused = 0, open1, open2;
    const gate1 = new Promise((ok) => { open1 = ok; }); // holds segments 3 to 5
    const gate2 = new Promise((ok) => { open2 = ok; }); // holds the rest
    page.on('response', (r) => { if (r.url().includes('/append') && r.ok() && r.request().postDataBuffer()?.length > 1e6) videoAppends++; });
    await page.route('**/append', async (route) => {
      const size = route.request().postDataBuffer()?.length ?? 0;
      const n = size > 1e6 ? ++videoRouted : 0;
      if (n > 5) await gate2;
      else if (n > 2) await gate1;
      else if (size <= 1e6 && refused++ === 0) {
        return route.fulfill({ status: 429, headers: { 'retry-after': '1', 'content-type': 'application/json' },
          body: JSON.stringify({ title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 }) });
      }
      await route.continue().catch(() => {});
    });
    await drop(files);
    await page.waitForSelector('li.upload >> nth=2');
    const categories = await page.$$eval('li.upload select', (s) => s.map((x) => x.value));
    await axe('upload-queued');
    await page.click('#start');
    await page.waitForFunction(() => [...document.querySelectorAll('li.upload')].filter((li) => li.dataset.state === 'done').length >= 2,
      null, { timeout: 60_000 });
    await page.waitForFunction(() => !!document.querySelector('li.upload progress'));
    while (videoAppends < 2) await page.waitForTimeout(50);
    // pause while three segments wait at the gate: they finish, no new one starts; resume goes on
    await page.click('li.upload[data-name="walk.mp4"] button:has-text("Pause")');
    await page.waitForFunction(() => document.querySelector('li.upload[data-name="walk.mp4"] .state').textContent === 'Paused');
    open1();
    while (videoAppends < 5) await page.waitForTimeout(50);
    await page.waitForTimeout(1500);
    const whilePaused = videoAppends;
    const pausedHeld = videoAppends === 5;
    await shot('upload-progress');
    await page.click('li.upload[data-name="walk.mp4"] button:has-text("Resume")');
    await page.waitForFunction(() => document.querySelector('li.upload[data-name="walk.mp4"] .state').textContent.startsWith('Uploading'));
    while (videoRouted < 6) await page.waitForTimeout(50); // the next segments wait at the gate: reload now
    const before = videoAppends;
    await page.reload();
    open2();
    await heading('Upload');
    const interrupted = await page.isVisible('text=Interrupted uploads');
    await page.unroute('**/append');
    await drop(files.slice(0, 1));
    const resumeNote = await page.textContent('li.upload .hint >> nth=1');
    await page.click('#start');
    await page.waitForFunction(() => document.querySelector('li.upload')?.dataset.state === 'done'
      || document.querySelector('li.upload')?.dataset.state === 'failed', null, { timeout: 180_000 });
    const videoState = await page.textContent('li.upload .state');
    const resumedSegments = Number(await page.getAttribute('li.upload', 'data-resumed'));
    step('upload', { categories, appendsBeforeReload: before, pausedHeld, whilePaused, refused, interrupted, resumeNote, videoState, resumedSegments,
      videoId: await page.evaluate(() => document.querySelector('li.upload a')?.getAttribute('href')) });

    // the video: play, seek, alt text, subtitles
    await page.click('li.upload a');
    await page.waitForSelector('#player');
    const played = await page.evaluate(async () => {
      const v = document.getElementById('player');
      v.muted = true;
      const until = (ev) => new Promise((ok, fail) => { v.addEventListener(ev, ok, { once: true }); setTimeout(() => fail(new Error(`no ${ev}`)), 30_000); });
      if (v.readyState < 1) await until('loadedmetadata');
      await v.play();
      while (v.currentTime < 0.3) await new Promise((ok) => setTimeout(ok, 50));
      v.pause();
      const seeked = until('seeked');
      v.currentTime = Math.min(2, v.duration - 0.5);
      await seeked;
      if (v.readyState < 2) await until('loadeddata');
      return { duration: v.duration, at: v.currentTime, readyState: v.readyState, hls: !!window.consolePlayer?.hls, height: v.videoHeight };
    });
    const mediaKey = await page.evaluate(() => location.hash.split('/')[2]);
    await page.fill('#alt-text', args.altText);
    const counter = await page.textContent('#alt-count');
    await page.click('button:has-text("Save alt text")');
    await page.waitForSelector('text=Saved');
    await page.setInputFiles('#sub-file', args.subtitles);
    await page.selectOption('#sub-lang', 'EN');
    await page.fill('#sub-name', 'English');
    await page.click('button:has-text("Attach subtitles")');
    await page.waitForSelector('button:has-text("Remove English")', { timeout: 60_000 });
    await page.waitForSelector('#player');
    const tracks = await page.$$eval('#player track', (t) => t.map((x) => x.label));
    await page.waitForSelector('.chart canvas, .chart .u-wrap', { state: 'attached' });
    await axe('detail-video');
    await shot('detail-video');
    await page.click('#theme');
    await axe('detail-video-dark');
    await shot('detail-video-dark');
    await page.click('#theme');
    const original = await page.getAttribute('a[download]', 'href');
    const originalBytes = (await (await fetch(original)).arrayBuffer()).byteLength;
    await page.click('button:has-text("Remove English")');
    await page.waitForSelector('text=No subtitles yet.', { timeout: 30_000 });
    const tracksAfter = await page.$$eval('#player track', (t) => t.length);
    // the storyboard: scrubbing shows the thumbnail of the time pointed at, letting go seeks there
    await page.waitForSelector('#scrub');
    // as a pointer drags it: input events while it moves (the preview), change when let go (the seek)
    await page.evaluate(() => {
      const r = document.getElementById('scrub');
      r.value = '2.5';
      r.dispatchEvent(new Event('input', { bubbles: true }));
    });
    const scrub = await page.evaluate(() => {
      const p = document.getElementById('scrub-preview');
      return { shown: !p.hidden, tile: p.dataset.tile, sprite: p.style.backgroundImage.includes('storyboard.jpg'),
        time: document.getElementById('scrub-time').textContent };
    });
    await page.locator('#scrub').dispatchEvent('change');
    await page.waitForFunction(() => Math.abs(document.getElementById('player').currentTime - 2.5) < 0.6, null, { timeout: 15_000 });
    scrub.seeked = true;
    await axe('detail-video-scrubbed');
    step('video', { played, mediaKey, counter, tracks, originalBytes, tracksAfter, scrub });

    // usage, then delete a picture (from its page, confirmed), then usage again
    await go('#/account', 'Account');
    await axe('account');
    await shot('account');
    const storedBefore = await page.textContent('#stored-text');
    await go('#/library', 'Library');
    await page.waitForSelector('.media-card');
    const listed = await page.$$eval('.media-card', (c) => c.map((x) => x.dataset.type));
    await page.selectOption('#type-filter', 'photo');
    const photosShown = await page.$$eval('.media-card', (c) => c.filter((x) => !x.hidden).length);
    await page.selectOption('#type-filter', 'all');
    await axe('library');
    await shot('library');
    await page.click('#theme');
    await axe('library-dark');
    await shot('library-dark');
    await page.click('#theme');
    const placeholders = await page.$$eval('.media-card', (c) => c.filter((x) => x.querySelector('.with-placeholder')).length);
    await page.click('.media-card[data-type="photo"] a.thumb');
    await page.waitForSelector('img.picture');
    const pictureKey = await page.evaluate(() => location.hash.split('/')[2]);
    // the focal point: typed, saved as metadata, read back
    await page.fill('#focus-x', '-0.5');
    await page.fill('#focus-y', '0.25');
    await page.click('button:has-text("Save focal point")');
    await page.waitForSelector('text=Focal point saved');
    const focus = (await (await fetch(`${base}/2/media/${pictureKey}?media.fields=x_focus`,
      { headers: { Authorization: `Bearer ${args.token}` } })).json()).data.x_focus;
    await axe('detail-picture');
    await shot('detail-picture');
    await page.click('#delete');
    await page.click('dialog button[value="yes"]');
    await heading('Library');
    await go('#/account', 'Account');
    const storedAfter = await page.textContent('#stored-text');
    const storedHint = await page.textContent('#stored-hint');
    // several at once from the library: select what is left of the pictures, delete, confirm
    await go('#/library', 'Library');
    await page.waitForSelector('.media-card');
    const cardsBefore = await page.locator('.media-card').count();
    for (const box of await page.$$('.media-card[data-type="photo"] input[type=checkbox]')) await box.check();
    await page.click('button:has-text("Delete selected")');
    await page.click('dialog button[value="yes"]');
    await page.waitForFunction((n) => document.querySelectorAll('.media-card').length < n, cardsBefore);
    const cardsAfter = await page.locator('.media-card').count();
    step('manage', { listed, photosShown, pictureKey, storedBefore, storedAfter, storedHint, cardsBefore, cardsAfter, placeholders, focus });

    // a file that is not what it claims: the upload fails with X's error text
    await go('#/upload', 'Upload');
    await drop([{ name: 'broken.mp4', type: 'video/mp4', lastModified: 1, b64: Buffer.alloc(300_000, 7).toString('base64') }]);
    await page.click('#start');
    await page.waitForFunction(() => document.querySelector('li.upload[data-name="broken.mp4"]')?.dataset.state === 'failed',
      null, { timeout: 60_000 });
    step('broken', { state: await page.textContent('li.upload[data-name="broken.mp4"] .state') });

    // not an admin: no admin link, and the page says so
    await page.evaluate(() => { location.hash = '#/admin'; });
    await page.waitForSelector('text=These pages need a token with the mediaup.admin scope.');
    step('not-admin', { adminNav: await page.isVisible('#nav-admin') });
  }
} catch (e) {
  out.failure = String(e?.stack ?? e);
  try { out.page = await browser.contexts()[0]?.pages()[0]?.innerText('main'); } catch { /* the page is gone */ }
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
