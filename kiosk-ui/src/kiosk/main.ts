import { mount } from 'svelte';
import '../shared/theme.css';
import { ProblemLog } from '../shared/background';
import { furigana } from '../shared/furigana/furigana.svelte';
import type { RubyTable } from '../shared/furigana/ruby';
import { browserClock, browserTimers } from '../shared/timers';
import { AgentLink, agentSocket } from './agent-link';
import App from './App.svelte';
import { parseKioskConfig } from './config';
import { KioskController } from './kiosk-controller';
import { kioskState } from './kiosk-state.svelte';
import { loadLotteryScreen } from './lottery/lottery-chunk';
import { LotteryLink } from './lottery/lottery-link';
import { HtmlAudioOut } from './speech/audio-out';
import { KeypadLink } from './speech/keypad-link';
import { SpeechGuide } from './speech/speech-guide.svelte';
import { SpeechLink } from './speech/speech-link';

const problems = new ProblemLog();
// The readings table is a chunk of its own, fetched only when a person turns furigana on.
// The JSON's inferred type is wider than RubyTable's pairs; it is our own generated file (scripts/furigana.mjs).
furigana.setSource(() => import('./furigana/ruby-table.json').then((module) => module.default as unknown as RubyTable));
const config = parseKioskConfig(window.location.search);
const socket = agentSocket();
const link = new AgentLink(
  socket,
  {
    link: (state) => controller.dispatch({ type: 'link', link: state }),
    status: (status) => controller.dispatch({ type: 'status', status }),
  },
  problems.report,
  browserTimers,
);
const controller = new KioskController(kioskState, link, {
  idleMs: config.idleMs,
  clock: browserClock,
  timers: browserTimers,
  report: problems.report,
});

const target = document.getElementById('app');
if (!target) throw new Error('kiosk: #app element missing from index.html');
const lottery = new LotteryLink(socket, problems.report);
lottery.start();
const speech = new SpeechGuide(new SpeechLink(socket), new HtmlAudioOut(), problems.report);
const keypad = new KeypadLink(socket, problems.report);
keypad.start();
mount(App, { target, props: { controller, lottery, speech, keypad } });
link.start();
// After the first screen: the lottery's chunk, so a tap on its tile does not wait for it (lottery-chunk.ts).
setTimeout(() => loadLotteryScreen().catch((error: unknown) => problems.report('lottery.load', error)), 0);
