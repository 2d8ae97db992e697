import { mount } from 'svelte';
import '../shared/theme.css';
import './panel.css';
import { ProblemLog } from '../shared/background';
import { browserTimers } from '../shared/timers';
import App from './App.svelte';
import { PanelController } from './panel-controller';
import { PanelLink, panelSocket } from './panel-link';
import { panelStore } from './panel-state.svelte';

const problems = new ProblemLog();
const link = new PanelLink(panelSocket(), panelStore, problems.report, browserTimers);
const controller = new PanelController(link, panelStore, problems.report);

const target = document.getElementById('app');
if (!target) throw new Error('panel: #app element missing from index.html');
mount(App, { target, props: { controller } });
link.start();
