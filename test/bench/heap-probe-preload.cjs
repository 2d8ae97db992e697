// BENCH ONLY, preloaded with `node --require` into the hub of the fleet bench (test/bench/fleet-load.bench.ts):
// on SIGUSR2, forces two full garbage collections and prints the heap as one JSON log line
// ({"msg":"bench heap","probe":n,...}) on stdout, where the bench reads the hub's log. Never loaded outside the bench.
//
// BENCH_HUB_CPU_PROFILE=<file>: a CPU profile of the first fleet's load phases, from the second probe (that
// fleet connected) to the third (its phases done), written at the third. `--cpu-prof` is not allowed in
// NODE_OPTIONS, hence the in-process inspector, which answers synchronously.
'use strict';
const fs = require('node:fs');
const inspector = require('node:inspector');
const v8 = require('node:v8');
const vm = require('node:vm');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const profileFile = process.env.BENCH_HUB_CPU_PROFILE;
let session;
let probe = 0;

// BENCH_HUB_START_PROFILE=<file>: a CPU profile from the hub's start to the first probe (a reconnect storm).
const startProfile = process.env.BENCH_HUB_START_PROFILE;
if (startProfile) {
  session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
}

process.on('SIGUSR2', () => {
  if (startProfile && session && probe === 0) {
    session.post('Profiler.stop', (error, result) => {
      if (error) process.stderr.write(`bench cpu profile: ${error.message}\n`);
      else fs.writeFileSync(startProfile, JSON.stringify(result.profile));
    });
    session.disconnect();
    session = undefined;
  }
  gc();
  gc();
  probe += 1;
  const { heapUsed, external, arrayBuffers, rss } = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ level: 30, msg: 'bench heap', probe, heapUsed, external, arrayBuffers, rss })}\n`);
  if (profileFile && probe === 2) {
    session = new inspector.Session();
    session.connect();
    session.post('Profiler.enable');
    session.post('Profiler.setSamplingInterval', { interval: 1000 });
    session.post('Profiler.start');
  }
  if (session && probe === 3) {
    session.post('Profiler.stop', (error, result) => {
      if (error) process.stderr.write(`bench cpu profile: ${error.message}\n`);
      else fs.writeFileSync(profileFile, JSON.stringify(result.profile));
    });
    session.disconnect();
    session = undefined;
  }
});
