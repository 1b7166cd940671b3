// History screen in headless Chromium at 390x844 (touch) and 1280x800: reached by tapping the
// navigation, every range's change checked against the simulator's series fetched directly
// (through the worker with the page's session), the readout by pointer/touch and keys, the
// range surviving a reload and back/forward, loading and error states, axe, screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { APP_URL, demoAccounts, sim } from './harness.mjs';
import {
  VIEWPORTS, launch, newPage, assertAccessible, press, shot, dayText, assertEmptyState,
} from './browser-kit.mjs';
import {
  trackRequests, wasmLoads, signIn, tapNav, apiData, assertNoSideScroll,
  shownCents, differenceCents, exactCents,
} from './screens-harness.mjs';

const RANGES = ['1d', '1m', '3m', '6m', '1y', 'all'];

let browser;
before(async () => {
  await sim.reset();
  browser = await launch();
});
after(async () => browser?.close());

const figure = '[data-testid=history-figure]';

/** Waits until the figures on screen are those of `range` and nothing is loading. */
async function settled(page, range) {
  await page.waitForSelector(`${figure}[data-range="${range}"][aria-busy=false] [data-testid=history-chart]`);
}

/** The simulator's series for `range`, as tastytrade sends it. */
async function series(page, account, range) {
  const items = (await apiData(page, `/accounts/${account}/net-liq/history?time-back=${range}`)).items;
  assert.ok(items.length > 0, `${range}: the simulator has a series`);
  for (const p of items) assert.ok(p.close && p.time, `${range}: every point has a close and a time`);
  return items;
}

/** The screen shows `items`' change, end value, point count, high and low. */
async function assertFigures(page, range, items) {
  const first = items[0].close;
  const last = items[items.length - 1].close;
  const text = (id) => page.locator(`${figure} [data-testid=${id}]`).first().innerText();
  assert.equal(shownCents(await text('history-change')), differenceCents(last, first), `${range} change`);
  assert.equal(shownCents(await text('history-value')), exactCents(last), `${range} end value`);
  const pct = Number((await text('history-change-pct')).replace(/[^0-9.+-]/g, ''));
  const want = (Number(last) - Number(first)) / Number(first) * 100;
  assert.ok(Math.abs(pct - want) <= 0.006, `${range} change %: ${pct} vs ${want}`);
  const closes = items.map((p) => Number(p.close));
  const high = items[closes.indexOf(Math.max(...closes))].close;
  const low = items[closes.indexOf(Math.min(...closes))].close;
  assert.equal(shownCents(await text('history-high')), exactCents(high), `${range} high`);
  assert.equal(shownCents(await text('history-low')), exactCents(low), `${range} low`);
  const points = await page.locator('[data-testid=history-chart]').getAttribute('data-points');
  assert.equal(Number(points), items.length, `${range} points drawn`);
  // The change's colour follows its sign.
  const cls = await page.locator(`${figure} [data-testid=history-change]`).getAttribute('class');
  const sign = Math.sign(Number(differenceCents(last, first)));
  assert.match(cls, sign > 0 ? /pl-up/ : sign < 0 ? /pl-down/ : /pl-flat/, `${range} colour`);
}

/** Each range in a sentence (app/src/features/history/series.rs `in_sentence`). */
const SPANS = {
  '1d': 'the last trading day', '1m': 'the past month', '3m': 'the past 3 months',
  '6m': 'the past 6 months', '1y': 'the past year', all: 'all time',
};

/**
 * The range buttons share the control's width equally, each label fits its button (none is
 * clipped), and the control spans the screen's width on a phone (at most 420 px wider up).
 */
async function assertRangeButtonsFit(page, vp) {
  const at = await page.evaluate(() => {
    const control = document.querySelector('.segmented[aria-label=Range]');
    return {
      control: control.getBoundingClientRect().width,
      main: document.querySelector('main').clientWidth,
      buttons: [...control.querySelectorAll('[data-testid=history-range]')].map((b) => ({
        range: b.dataset.range, width: b.getBoundingClientRect().width, text: b.scrollWidth, box: b.clientWidth,
      })),
    };
  });
  assert.equal(at.buttons.length, 6);
  for (const b of at.buttons) {
    assert.ok(b.text <= b.box, `${vp.name}: the ${b.range} label (${b.text} px) fits its button (${b.box} px)`);
    assert.ok(Math.abs(b.width - at.buttons[0].width) <= 1, `${vp.name}: equal buttons ${JSON.stringify(at.buttons)}`);
  }
  const want = Math.min(at.main, 420);
  assert.ok(Math.abs(at.control - want) <= 1, `${vp.name}: the range control is ${at.control} px wide, not ${want}`);
}

/**
 * The chart's text alternative for screen readers names the range, its first and last values
 * with their dates, and the high and the low with theirs (dates for daily points, the local time
 * for intraday ones), formatted in the page's locale and time zone.
 */
async function assertTextAlternative(page, range, items) {
  const closes = items.map((p) => Number(p.close));
  const picked = {
    first: items[0], last: items[items.length - 1],
    high: items[closes.indexOf(Math.max(...closes))], low: items[closes.indexOf(Math.min(...closes))],
  };
  const want = await page.evaluate(({ picked, intraday, span }) => {
    const lang = navigator.language;
    const money = (close) => new Intl.NumberFormat(lang, { style: 'currency', currency: 'USD' }).format(close);
    // tastytrade's `2026-12-04 14:30:00+00` as ISO 8601.
    const iso = (time) => time.trim().replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
    const when = (time) => {
      if (!intraday) {
        return new Date(`${time.slice(0, 10)}T12:00:00`)
          .toLocaleDateString(lang, { year: 'numeric', month: 'short', day: 'numeric' });
      }
      const d = new Date(iso(time));
      const options = { hour: 'numeric', minute: '2-digit', month: 'short', day: 'numeric' };
      if (d.getFullYear() !== new Date().getFullYear()) options.year = 'numeric';
      return d.toLocaleString(lang, options);
    };
    const at = (p) => `${money(p.close)} on ${when(p.time)}`;
    return `Net liquidating value over ${span}: ${at(picked.first)}, ${at(picked.last)}; `
      + `high ${at(picked.high)}, low ${at(picked.low)}.`;
  }, { picked, intraday: range === '1d', span: SPANS[range] });
  const shown = await page.locator(`${figure} [data-testid=history-summary] .sr-only`).textContent();
  assert.equal(shown, want, `${range}: the text alternative`);
}

/**
 * Moves the readout to point `i` with the mouse (desktop) or a tap (phone); returns the point it
 * shows, which may be a neighbour when points are closer than the input's pixel resolution.
 */
async function pointAt(page, vp, i, n) {
  const box = await page.locator('[data-testid=history-chart]').boundingBox();
  const x = box.x + (n === 1 ? box.width / 2 : (box.width * i) / (n - 1));
  const y = box.y + box.height / 2;
  if (vp.hasTouch) await page.touchscreen.tap(x, y);
  else await page.mouse.move(x, y);
  const slack = box.width / Math.max(n - 1, 1) < 2 ? 1 : 0;
  await page.waitForFunction(({ i, slack }) => {
    const shown = Number(document.querySelector('[data-testid=history-readout]')?.dataset.index);
    return Math.abs(shown - i) <= slack;
  }, { i, slack });
  return Number(await page.locator('[data-testid=history-readout]').getAttribute('data-index'));
}

async function readout(page) {
  return {
    value: shownCents(await page.locator('[data-testid=readout-value]').innerText()),
    date: await page.locator('[data-testid=readout-date]').innerText(),
    now: Number(await page.locator('[data-testid=history-chart]').getAttribute('aria-valuenow')),
  };
}

for (const vp of VIEWPORTS) {
  test(`${vp.name}: history ranges, change, readout, reload, back/forward, states`, async () => {
    const { context, page, errors } = await newPage(browser, vp);
    const requests = trackRequests(page);
    const account = demoAccounts()[0]['account-number'];
    await signIn(page, vp);
    const wasmAtSignIn = wasmLoads(requests);

    // Reached by tapping the navigation; the default range is 1M, loading shows a placeholder.
    await sim.config({ 'latency-ms': 700 });
    await tapNav(page, vp, 'History');
    await page.waitForSelector(`${figure} .sk-chart`);
    await sim.config({ 'latency-ms': 0 });
    assert.equal(new URL(page.url()).pathname, `/accounts/${account}/history`);
    await settled(page, '1m');
    assert.equal(await page.locator('[data-testid=history-range][aria-pressed=true]').getAttribute('data-range'), '1m');
    await assertFigures(page, '1m', await series(page, account, '1m'));
    await assertNoSideScroll(page, vp, 'history 1M');
    await assertRangeButtonsFit(page, vp);
    await assertAccessible(page, vp, 'history');
    await shot(page, vp, 'history-1m');

    // Every range: the button is pressed, the address says it, the figures match the series.
    for (const range of RANGES) {
      await press(page, vp, `[data-testid=history-range][data-range="${range}"]`);
      await page.waitForURL((u) => u.searchParams.get('range') === range);
      await settled(page, range);
      const pressed = await page.locator('[data-testid=history-range][aria-pressed=true]').evaluateAll(
        (els) => els.map((e) => e.dataset.range));
      assert.deepEqual(pressed, [range]);
      const items = await series(page, account, range);
      await assertFigures(page, range, items);
      await assertTextAlternative(page, range, items);
      await assertNoSideScroll(page, vp, `history ${range}`);

      // The readout follows the pointer or finger to a point, and shows its close and date.
      const n = items.length;
      const i = await pointAt(page, vp, Math.floor(n / 3), n);
      const r = await readout(page);
      assert.equal(r.value, exactCents(items[i].close), `${range} readout value at ${i}`);
      assert.equal(r.now, i, `${range} aria-valuenow`);
      if (range !== '1d') assert.equal(r.date, dayText(items[i].time), `${range} readout date`);
      if (range === '1d' || range === '1y') await shot(page, vp, `history-${range}-readout`);
    }

    // Keyboard: the chart takes focus, arrows/Home/End move the readout.
    const items = await series(page, account, 'all');
    await page.locator('[data-testid=history-chart]').focus();
    await page.keyboard.press('End');
    assert.equal((await readout(page)).now, items.length - 1);
    await page.keyboard.press('ArrowLeft');
    let r = await readout(page);
    assert.equal(r.now, items.length - 2);
    assert.equal(r.value, exactCents(items[items.length - 2].close));
    await page.keyboard.press('Home');
    r = await readout(page);
    assert.equal(r.now, 0);
    assert.equal(r.date, dayText(items[0].time));
    assert.match(await page.locator('[data-testid=history-chart]').getAttribute('aria-valuetext'), /\$[\d,]+\.\d\d, /);

    // Tapping through the screen never fetched the app again.
    assert.equal(wasmLoads(requests), wasmAtSignIn, 'no wasm fetched after sign-in');

    // Deep link: a reload keeps the range; back leaves the screen, forward returns to it.
    await press(page, vp, '[data-testid=history-range][data-range="3m"]');
    await settled(page, '3m');
    await page.reload();
    await settled(page, '3m');
    assert.equal(await page.locator('[data-testid=history-range][aria-pressed=true]').getAttribute('data-range'), '3m');
    await assertFigures(page, '3m', await series(page, account, '3m'));
    await page.goBack();
    await page.waitForURL((u) => u.pathname === `/accounts/${account}/positions`);
    await page.waitForSelector('[data-testid=position-row]');
    await page.goForward();
    await page.waitForURL((u) => u.pathname.endsWith('/history') && u.searchParams.get('range') === '3m');
    await settled(page, '3m');

    // An error from tastytrade shows with a retry that works.
    await sim.failNext({ 'path-prefix': `/accounts/${account}/net-liq/history`, status: 500 });
    await press(page, vp, '[data-testid=history-range][data-range="6m"]');
    const panel = page.locator(`${figure} [data-testid=error-panel]`);
    await panel.waitFor();
    await shot(page, vp, 'history-error');
    await press(page, vp, `${figure} [data-testid=error-panel] button`);
    await settled(page, '6m');
    await assertFigures(page, '6m', await series(page, account, '6m'));

    assert.deepEqual(errors.filter((e) => !/500|Internal Server Error/.test(e)), [], 'console errors');
    await context.close();
  });

  test(`${vp.name}: history in dark mode`, async () => {
    const { context, page } = await newPage(browser, vp, { colorScheme: 'dark' });
    await signIn(page, vp);
    const account = demoAccounts()[1]['account-number'];
    await page.goto(`${APP_URL}/accounts/${account}/history?range=1y`);
    await settled(page, '1y');
    await assertFigures(page, '1y', await series(page, account, '1y'));
    await assertAccessible(page, vp, 'history dark');
    await assertNoSideScroll(page, vp, 'history dark');
    await shot(page, vp, 'history-dark');
    await context.close();
  });
}

for (const vp of VIEWPORTS) {
  test(`${vp.name}: an account without history shows the empty state for every range`, async () => {
    const { context, page, errors } = await newPage(browser, vp);
    const account = demoAccounts()[1]['account-number'];
    await signIn(page, vp);
    // A new account: tastytrade has no net-liq series for it (simulator/README.md, empty-history).
    await sim.config({ 'empty-history': [account] });
    try {
      assert.deepEqual((await apiData(page, `/accounts/${account}/net-liq/history?time-back=1y`)).items, []);
      await page.goto(`${APP_URL}/accounts/${account}/history?range=1y`);
      for (const range of ['1y', '1d', 'all']) {
        if (range !== '1y') {
          await press(page, vp, `[data-testid=history-range][data-range="${range}"]`);
          await page.waitForURL((u) => u.searchParams.get('range') === range);
        }
        await assertEmptyState(page, `${figure}[data-range="${range}"][aria-busy=false] [data-testid=history-empty]`,
          'No history for this range', `tastytrade has no net liquidating value for ${SPANS[range]}.`);
        // No figures, no chart, and the summary for screen readers is hidden with them.
        for (const id of ['history-chart', 'history-value', 'history-change']) {
          assert.equal(await page.locator(`${figure} [data-testid=${id}]`).count(), 0, `${range}: no ${id}`);
        }
        assert.equal(await page.locator(`${figure} [data-testid=history-summary]`).isHidden(), true);
        assert.equal(await page.locator('[data-testid=history-range][aria-pressed=true]').getAttribute('data-range'), range);
      }
      await assertAccessible(page, vp, 'history, empty');
      await assertNoSideScroll(page, vp, 'history, empty');
      await shot(page, vp, 'history-empty');
    } finally {
      await sim.reset();
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
}
