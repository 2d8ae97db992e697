// BENCH ONLY, preloaded into the fleet bench's hub with
//   BENCH_HUB_NODE_OPTIONS="--require $PWD/test/bench/hub-load-probe.cjs" [BENCH_HUB_PROBE_OUT=<file>]
// Every 5 s it appends to the file (default hub-load-probe.log in the working directory): the main thread's
// time on a CPU and waiting for one (/proc schedstat: a hub starved by the machine is not a slow hub), GC
// time, event-loop delay p50/p99/max, and the SQLite statements that took the most time (count, total, max).
// Never loaded outside the bench (issue 12).
'use strict';
const fs = require('node:fs');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const Database = require(require.resolve('better-sqlite3', { paths: [require('node:path').join(__dirname, '../../central-hub')] }));
const out = process.env.BENCH_HUB_PROBE_OUT || 'hub-load-probe.log';
const stats = new Map();
let patched = false;
const origPrepare = Database.prototype.prepare;
Database.prototype.prepare = function (text) {
  const st = origPrepare.apply(this, arguments);
  if (!patched) {
    patched = true;
    const proto = Object.getPrototypeOf(st);
    for (const m of ['all', 'run', 'get']) {
      const orig = proto[m];
      proto[m] = function () {
        const t0 = process.hrtime.bigint();
        try { return orig.apply(this, arguments); } finally {
          const d = Number(process.hrtime.bigint() - t0) / 1e6;
          const k = m + ' ' + this.source.replace(/\s+/g, ' ').slice(0, 110);
          const s = stats.get(k) || (stats.set(k, { n: 0, ms: 0, max: 0 }), stats.get(k));
          s.n++; s.ms += d; if (d > s.max) s.max = d;
        }
      };
    }
  }
  return st;
};
const h = monitorEventLoopDelay({ resolution: 10 }); h.enable();
let last = process.cpuUsage();
const { PerformanceObserver } = require('node:perf_hooks');
let gcMs = 0; new PerformanceObserver((l) => { for (const e of l.getEntries()) gcMs += e.duration; }).observe({ entryTypes: ['gc'] });
const sched = () => { const f = fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' '); return { run: Number(f[0]) / 1e6, wait: Number(f[1]) / 1e6 }; };
let lastSched = sched();
setInterval(() => {
  const cpu = process.cpuUsage(last); last = process.cpuUsage();
  const top = [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
  const total = [...stats.values()].reduce((a, s) => a + s.ms, 0);
  const sc = sched(); const mainRun = sc.run - lastSched.run, mainWait = sc.wait - lastSched.wait; lastSched = sc;
  let txt = `${new Date().toISOString()} main thread on-cpu ${(mainRun/50).toFixed(0)}% runqueue-wait ${(mainWait/50).toFixed(0)}% gc ${(gcMs/50).toFixed(0)}%; cpu ${( (cpu.user + cpu.system) / 1e4 / 5).toFixed(0)}% eld p50 ${(h.percentile(50) / 1e6).toFixed(1)} p99 ${(h.percentile(99) / 1e6).toFixed(1)} max ${(h.max / 1e6).toFixed(0)} ms; sql total ${total.toFixed(0)} ms/5s\n`;
  for (const [k, s] of top) txt += `  ${s.ms.toFixed(0).padStart(6)} ms ${String(s.n).padStart(6)}x max ${s.max.toFixed(1)} ${k}\n`;
  fs.appendFileSync(out, txt);
  stats.clear(); h.reset(); gcMs = 0;
}, 5000).unref();
