// Opens mediaup's /docs (Swagger UI) in Debian's Chromium, signs in with a token, and runs "Try it out" on one
// operation against the same server. Usage: node docs-try.mjs <base url> <token> <operation element id>
// Prints one JSON line: {operations, status, errors}.
import { launch } from './browser.mjs';

const [base, token, operation] = process.argv.slice(2);
const browser = await launch();
const errors = [];
try {
  const page = await browser.newPage();
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}/docs/`);
  await page.waitForSelector('.opblock', { timeout: 30_000 });
  const operations = await page.locator('.opblock').count();
  await page.fill('#token', token);
  await page.click('#token-form button[type=submit]');
  await page.click(`#${operation} .opblock-summary`);
  await page.click(`#${operation} .try-out__btn`);
  await page.click(`#${operation} .execute`);
  const cell = page.locator(`#${operation} .live-responses-table tbody .response-col_status`).first();
  await cell.waitFor({ timeout: 30_000 });
  const status = (await cell.innerText()).trim();
  console.log(JSON.stringify({ operations, status, errors }));
} finally {
  await browser.close();
}
