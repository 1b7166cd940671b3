// Report, not a test: round-trip time of proxied API calls through the worker (wrangler dev +
// simulator, both local). Signs in once, warms up, then times N sequential calls and prints the
// percentiles. Usage: APP_URL=… SIM_URL=… node e2e/bench/proxy-latency.mjs [N]
import { api, signIn, sim } from '../harness.mjs';

const N = Number(process.argv[2] ?? 200);
await sim.config({ 'latency-ms': 0 });
const { cookie } = await signIn();
const path = '/api/customers/me/accounts';
for (let i = 0; i < 20; i++) await (await api(path, cookie)).arrayBuffer();

const times = [];
for (let i = 0; i < N; i++) {
  const t0 = performance.now();
  const res = await api(path, cookie);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`call ${i}: ${res.status}`);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const pct = (p) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))].toFixed(2);
console.log(`proxied GET ${path}: ${N} sequential calls, p50 ${pct(50)} ms, p90 ${pct(90)} ms, p99 ${pct(99)} ms, max ${times.at(-1).toFixed(2)} ms`);
