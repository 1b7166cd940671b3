// Report, not a test: Lighthouse (mobile settings: a mid-range phone, slow 4G and 4x CPU
// slowdown, simulated) on the sign-in page and on the signed-in positions screen, with the
// Debian Chromium. Prints performance, accessibility, best-practices and LCP for each.
// Usage (servers up): APP_URL=… SIM_URL=… node e2e/bench/lighthouse.mjs
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { APP_URL, demoAccounts, signIn } from '../harness.mjs';

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function audit(label, url, extraHeaders) {
  const result = await lighthouse(url, {
    port: chrome.port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance', 'accessibility', 'best-practices'],
    extraHeaders,
  });
  const { categories, audits, runtimeError } = result.lhr;
  // A run Lighthouse could not complete says why instead of printing zeros.
  if (runtimeError) console.log(`${label.padEnd(22)} Lighthouse could not measure: ${runtimeError.code} ${runtimeError.message}`);
  const score = (c) => Math.round((categories[c]?.score ?? 0) * 100);
  const lcp = audits['largest-contentful-paint']?.numericValue;
  const metric = (id) => audits[id]?.displayValue ?? '?';
  const failing = Object.values(audits)
    .filter((a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode === 'binary')
    .map((a) => a.id);
  console.log(`${label.padEnd(22)} performance ${score('performance')}  accessibility ${score('accessibility')}  `
    + `best-practices ${score('best-practices')}  LCP ${(lcp / 1000).toFixed(2)} s`
    + `  [FCP ${metric('first-contentful-paint')}, TBT ${metric('total-blocking-time')}, `
    + `CLS ${metric('cumulative-layout-shift')}, SI ${metric('speed-index')}]`
    + (failing.length ? `  (failing: ${failing.join(', ')})` : ''));
  const lcpElement = audits['largest-contentful-paint-element']?.details?.items?.[0]?.items?.[0]?.node;
  if (lcpElement) console.log(`${''.padEnd(22)} LCP element: ${lcpElement.snippet?.slice(0, 120)}`);
  return result.lhr;
}

try {
  console.log('Lighthouse 12 (mobile: simulated slow 4G, 4x CPU slowdown), Debian Chromium:');
  await audit('sign-in page', APP_URL + '/');
  const { cookie } = await signIn();
  const [first] = demoAccounts().map((a) => a['account-number']);
  await audit('signed-in positions', `${APP_URL}/accounts/${first}/positions`, { Cookie: cookie });
} finally {
  await chrome.kill();
}
