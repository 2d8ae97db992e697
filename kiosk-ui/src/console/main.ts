import { mount } from 'svelte';
import '../shared/theme.css';
import { ProblemLog } from '../shared/background';
import { browserTimers } from '../shared/timers';
import App from './App.svelte';
import { consoleState } from './console-state.svelte';
import { consoleSocket, HubLink } from './hub-link';

/** How often relative times ("3 min ago") are recomputed. */
const TICK_MS = 5_000;

const problems = new ProblemLog();
const link = new HubLink(consoleSocket(), consoleState, problems.report, browserTimers);

const target = document.getElementById('app');
if (!target) throw new Error('console: #app element missing from index.html');
mount(App, { target });
setInterval(() => consoleState.tick(Date.now()), TICK_MS);
link.start();
