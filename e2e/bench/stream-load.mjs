// Report, not a test: the live watchlist under load. For N = 1,000 and N = 100 load symbols
// (LD0001…, simulator/README.md "Market"), each moving 5 times a second (tick-rate 5), on the
// watchlist screen at 390 px in headless Chromium: long tasks, main-thread busy time, the latency
// from a DXLink message arriving to the DOM showing it, JS heap and wasm memory, and the load the
// simulator offered. Never fails on a figure; exits 1 only when it could not measure (saying why).
// Usage (servers up): APP_URL=… SIM_URL=… [BENCH_SECONDS=30] node e2e/bench/stream-load.mjs
import { APP_URL, SIM_URL } from '../harness.mjs';
import { VIEWPORTS, launch, newPage, signInQuickly } from '../browser-kit.mjs';
import { apiWrite } from '../screens-harness.mjs';
import { market, marketStats } from '../market-kit.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const SIZES = [1000, 100];
const TICKS_PER_SEC = 5;
const WARM_UP_MS = 2000;
const phone = VIEWPORTS.find((v) => v.name === 'phone');
const loadSymbol = (i) => `LD${String(i).padStart(4, '0')}`;
const listName = (n) => `Bench load ${n}`;
const listPath = (n) => `/watchlists/${encodeURIComponent(listName(n))}`;

/**
 * Runs in the page before the app: wraps WebSocket to time each incoming message (the listener
 * added in the constructor runs before the app's own handler, in the same task), keeps the wasm
 * exports Trunk hands over (`TrunkApplicationStarted`), and records long tasks from the start.
 * `start()` opens the window: a MutationObserver then samples, for each changed `watch-last` /
 * `watch-change` cell, the time since the latest message that arrived before the change.
 */
function instrumentPage() {
  const bench = { messages: 0, bytes: 0, lastMessageAt: 0, latencies: [], longTasks: [], wasm: null };
  window.__bench = bench;
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        bench.lastMessageAt = performance.now();
        bench.messages++;
        if (typeof e.data === 'string') bench.bytes += e.data.length;
      });
    }
  };
  addEventListener('TrunkApplicationStarted', (e) => { bench.wasm = e.detail?.wasm ?? null; });
  try {
    new PerformanceObserver((list) => {
      for (const t of list.getEntries()) bench.longTasks.push({ start: t.startTime, duration: t.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    bench.longTasks = null; // this browser has no longtask entries: reported as "?"
  }

  const CELLS = new Set(['watch-last', 'watch-change']);
  bench.wasmBytes = () => bench.wasm?.memory?.buffer?.byteLength ?? null;
  bench.start = () => {
    bench.windowStart = performance.now();
    Object.assign(bench, { messages: 0, bytes: 0, latencies: [] });
    bench.observer = new MutationObserver((records) => {
      const now = performance.now();
      const changed = new Set();
      for (const r of records) {
        const el = r.target.nodeType === Node.TEXT_NODE ? r.target.parentElement : r.target;
        const cell = el?.closest?.('[data-testid=watch-last], [data-testid=watch-change]');
        if (cell && CELLS.has(cell.dataset.testid)) changed.add(cell);
      }
      for (let i = 0; i < changed.size; i++) bench.latencies.push(now - bench.lastMessageAt);
    });
    bench.observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  };
  bench.stop = () => {
    bench.observer.disconnect();
    const wallMs = performance.now() - bench.windowStart;
    const sorted = bench.latencies.sort((a, b) => a - b);
    const pct = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : null);
    const long = bench.longTasks?.filter((t) => t.start >= bench.windowStart);
    return {
      wallMs, messages: bench.messages, bytes: bench.bytes,
      domUpdates: sorted.length, p50: pct(50), p95: pct(95), max: sorted.at(-1) ?? null,
      longTasks: long?.length ?? null, longTaskMs: long?.reduce((s, t) => s + t.duration, 0) ?? null,
    };
  };
}

/** Replaces the benchmark's list of `n` load symbols (through the worker, as the app writes). */
async function replaceList(page, n) {
  await apiWrite(page, 'DELETE', listPath(n));
  const entries = Array.from({ length: n }, (_, i) => ({ symbol: loadSymbol(i + 1), 'instrument-type': 'Equity' }));
  const res = await apiWrite(page, 'POST', '/watchlists', { name: listName(n), 'watchlist-entries': entries });
  if (res.status() !== 201) throw new Error(`creating the list of ${n}: ${res.status()} ${await res.text()}`);
}

/** The simulator's counters summed over its sockets: messages and events sent. */
async function feedCounters() {
  const stats = await marketStats();
  const events = (stats.sockets ?? []).reduce((s, k) => s + (k['events-sent'] ?? 0), 0);
  return { messages: stats['messages-sent'] ?? null, events, sockets: stats['open-sockets'] };
}

async function cdpFigures(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return {
    at: m.Timestamp, task: m.TaskDuration, script: m.ScriptDuration, layout: m.LayoutDuration,
    style: m.RecalcStyleDuration, heap: usedSize,
  };
}

async function measure(browser, n) {
  const { context, page, errors } = await newPage(browser, phone);
  try {
    await context.addInitScript(instrumentPage);
    await signInQuickly(page);
    await replaceList(page, n);
    await market('tick-rate', { 'ticks-per-sec': 0 });
    await page.goto(APP_URL + listPath(n));
    await page.waitForFunction((count) => {
      const cells = [...document.querySelectorAll('[data-testid=watch-last]')];
      return cells.length === count && cells.every((c) => /\d/.test(c.textContent))
        && document.querySelector('[data-testid=stream-status]')?.dataset.state === 'live';
    }, n, { timeout: 90000, polling: 500 }).catch(async (e) => {
      const shown = await page.evaluate(() => ({
        rows: document.querySelectorAll('[data-testid=watch-last]').length,
        status: document.querySelector('[data-testid=stream-status]')?.dataset.state,
      })).catch(() => ({}));
      throw new Error(`the list never showed ${n} priced rows, live (rows ${shown.rows}, stream ${shown.status}; ${errors.join(' | ') || e.message})`);
    });
    if (await page.evaluate(() => window.__bench?.wasmBytes() == null)) {
      console.log(`N=${n}: the wasm memory was not captured (no TrunkApplicationStarted with the exports)`);
    }

    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
    await market('tick-rate', { 'ticks-per-sec': TICKS_PER_SEC });
    await page.waitForTimeout(WARM_UP_MS);

    const feedBefore = await feedCounters();
    const cdpBefore = await cdpFigures(cdp);
    const wasmBefore = await page.evaluate(() => window.__bench.wasmBytes());
    await page.evaluate(() => window.__bench.start());
    await page.waitForTimeout(SECONDS * 1000);
    const win = await page.evaluate(() => window.__bench.stop());
    const cdpAfter = await cdpFigures(cdp);
    const wasmAfter = await page.evaluate(() => window.__bench.wasmBytes());
    const feedAfter = await feedCounters();

    const secs = win.wallMs / 1000;
    // Both samples carry the renderer's own clock (`Timestamp`), so the share is of that interval.
    const busy = (k) => (100 * (cdpAfter[k] - cdpBefore[k])) / (cdpAfter.at - cdpBefore.at);
    return {
      n,
      eventsPerSymbolSec: (feedAfter.events - feedBefore.events) / n / secs,
      simMessagesPerSec: feedAfter.messages == null ? null : (feedAfter.messages - feedBefore.messages) / secs,
      messagesPerSec: win.messages / secs,
      kbPerSec: win.bytes / 1024 / secs,
      domPerSec: win.domUpdates / secs,
      longTasks: win.longTasks, longTaskMs: win.longTaskMs, simSockets: feedAfter.sockets,
      busy: busy('task'), script: busy('script'), layout: busy('layout'), style: busy('style'),
      p50: win.p50, p95: win.p95, max: win.max,
      heap: [cdpBefore.heap, cdpAfter.heap], wasm: [wasmBefore, wasmAfter],
    };
  } finally {
    await market('tick-rate', { 'ticks-per-sec': 0 }).catch(() => {});
    await apiWrite(page, 'DELETE', listPath(n)).catch(() => {});
    await context.close();
  }
}

const mb = (b) => (b == null ? '?' : (b / 1e6).toFixed(1));
const ms = (x) => (x == null ? '?' : `${Math.round(x)} ms`);
const whole = (x) => Math.round(x).toLocaleString('en-US');
const fixed = (x, d = 1) => (x == null ? '?' : x.toFixed(d));

function line(r) {
  return `N=${String(r.n).padEnd(5)} ${fixed(r.eventsPerSymbolSec)} ev/sym/s  msgs/s ${fixed(r.messagesPerSec)}`
    + ` (sim ${fixed(r.simMessagesPerSec)}${r.simSockets === 1 ? '' : ` over ${r.simSockets} sockets`},`
    + ` ${fixed(r.kbPerSec, 0)} KB/s)  DOM upd/s ${whole(r.domPerSec)}`
    + `  long tasks ${r.longTasks ?? '?'} (${ms(r.longTaskMs)})  busy ${Math.round(r.busy)} %`
    + ` (script ${Math.round(r.script)}, style ${Math.round(r.style)}, layout ${Math.round(r.layout)})`
    + `  p50 ${ms(r.p50)}  p95 ${ms(r.p95)}  max ${ms(r.max)}`
    + `  heap ${mb(r.heap[0])}→${mb(r.heap[1])} MB  wasm ${mb(r.wasm[0])}→${mb(r.wasm[1])} MB`;
}

// Put back afterwards: 0 under scripts/e2e.sh, the simulator's default under scripts/run.sh.
const rateBefore = (await (await fetch(`${SIM_URL}/sim/market`)).json())['ticks-per-sec'] ?? 0;
const browser = await launch();
let measuredAll = true;
try {
  console.log(`Streaming load: the watchlist screen at 390 px, headless Chromium, tick-rate ${TICKS_PER_SEC}/s, `
    + `${SECONDS} s per N after ${WARM_UP_MS / 1000} s of warm-up:`);
  for (const n of SIZES) {
    try {
      console.log(line(await measure(browser, n)));
    } catch (e) {
      measuredAll = false;
      console.log(`N=${n}  could not measure: ${e.message}`);
    }
  }
  console.log('How: ev/sym/s = DXLink events the simulator sent per symbol per second (/sim/market/stats'
    + ' events-sent); msgs/s = WebSocket messages the page received (sim = messages the simulator sent;'
    + ' fewer in the page = a backlog in the browser);'
    + ' DOM upd/s = watch-last/watch-change cells whose text changed (MutationObserver); long tasks ='
    + ' PerformanceObserver longtask (> 50 ms) in the window; busy = CDP Performance.getMetrics'
    + ' TaskDuration delta / its Timestamp delta (the observers\' own work included; style/layout/script'
    + ' the same for RecalcStyle/Layout/ScriptDuration); p50/p95 = from the latest message reaching the'
    + ' page\'s JS (WebSocket wrapped in an init script; a busy page receives it late) to the'
    + ' MutationObserver callback for each changed cell (DOM written, before paint); heap = CDP Runtime.getHeapUsage used size; wasm ='
    + ' the app\'s memory.buffer.byteLength (exports from TrunkApplicationStarted); start→end of window.');
} finally {
  await market('tick-rate', { 'ticks-per-sec': rateBefore }).catch(() => {});
  await browser.close();
}
if (!measuredAll) process.exitCode = 1;
