// Drives headless Chromium (puppeteer-core) at the dashboard of `ferry mon --web`:
//   node mon_web_check.mjs URL SCREENSHOT RUNNER_NAME...
// Prints READY once every runner's lane is on the page (the caller then starts a build), then
// waits for a job's source file in the jobs table and for a lit slot, takes a screenshot and
// prints the source it saw. Any failure (timeout, a page error, a CSP violation) exits 1.
// PUPPETEER_DIR names the directory puppeteer-core was installed into (npm --prefix).
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, screenshot, ...runners] = process.argv.slice(2);
const require = createRequire(join(process.env.PUPPETEER_DIR, 'node_modules', 'x.js'));
const puppeteer = require('puppeteer-core');
const timeout = 60000 * Number(process.env.FERRY_TIME_FACTOR || 1);

const profile = mkdtempSync(join(process.env.TEST_TMP || tmpdir(), 'chromium-'));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  userDataDir: profile,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--disable-dev-shm-usage'],
});
let failed = false;
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  const problems = [];
  page.on('pageerror', e => problems.push('page error: ' + e.message));
  page.on('console', m => { if (m.type() === 'error') problems.push('console error: ' + m.text()); });
  const response = await page.goto(url, { waitUntil: 'domcontentloaded', timeout });
  if (!response.ok()) throw new Error(`GET ${url}: ${response.status()}`);

  // Each runner by name, in a lane of its own.
  for (const name of runners) {
    await page.waitForFunction(
      n => [...document.querySelectorAll('#runners .lane-name')].some(e => e.textContent === n),
      { timeout }, name);
  }
  console.log('READY');

  // A job of the build: its source file in the jobs table, and a lit slot box.
  const source = await page.waitForFunction(
    () => [...document.querySelectorAll('#job-rows td.source')]
      .map(e => e.textContent).find(t => t.endsWith('.c')),
    { timeout, polling: 50 });
  const seen = await source.jsonValue();
  await page.waitForSelector('.slot.lit', { timeout });
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log('JOB ' + seen);
  if (problems.length) throw new Error(problems.join('; '));
} catch (e) {
  console.error('mon_web_check: ' + e.message);
  failed = true;
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
