import { mount } from 'svelte';
import '../shared/theme.css';
import { ProblemLog } from '../shared/background';
import { browserClock, browserTimers } from '../shared/timers';
import App from './App.svelte';
import { AuthClient } from './auth-client';
import { ConsoleController } from './console-controller';
import { ConsoleData } from './console-data';
import { consoleState } from './console-state.svelte';
import { consoleSocket, HubLink } from './hub-link';
import { HashRouter } from './router';
import { SessionStore, type KeyValueStore } from './session';

/** How often relative times ("3 min ago") are recomputed. */
const TICK_MS = 5_000;

function tabStorage(): KeyValueStore | null {
  try {
    return window.sessionStorage;
  } catch {
    // Storage disabled by policy: the session lasts as long as the page.
    return null;
  }
}

const problems = new ProblemLog();
const data = new ConsoleData(consoleState, problems.report, browserTimers, browserClock);
const controller = new ConsoleController({
  auth: new AuthClient((input, init) => fetch(input, init)),
  sessions: new SessionStore(tabStorage(), browserClock),
  connect: (token, events) => new HubLink(consoleSocket(undefined, { token }), events, problems.report, browserTimers),
  data,
  sink: consoleState,
  timers: browserTimers,
  clock: browserClock,
  report: problems.report,
});
const router = new HashRouter(window, (route) => controller.navigate(route));

const target = document.getElementById('app');
if (!target) throw new Error('console: #app element missing from index.html');
mount(App, { target, props: { controller, router } });
setInterval(() => consoleState.tick(Date.now()), TICK_MS);
router.start();
controller.start(router.current());
