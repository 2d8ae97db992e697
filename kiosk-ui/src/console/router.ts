import { parseRoute, type Route } from './routes';

/** The part of `window` the router uses. */
export interface RouterWindow {
  readonly location: { hash: string };
  readonly history: { replaceState(data: unknown, unused: string, url?: string): void };
  addEventListener(type: 'hashchange', listener: () => void): void;
  removeEventListener(type: 'hashchange', listener: () => void): void;
}

/**
 * Hash routing without a library: the address bar's `#/...` is the route. Links are plain `<a href="#/...">`;
 * `go` is for code (filters), and `replace` keeps a filter change from filling the back button's history.
 */
export class HashRouter {
  readonly #listener = () => this.onRoute(parseRoute(this.window.location.hash));

  constructor(
    private readonly window: RouterWindow,
    private readonly onRoute: (route: Route) => void,
  ) {}

  current(): Route {
    return parseRoute(this.window.location.hash);
  }

  start(): void {
    this.window.addEventListener('hashchange', this.#listener);
  }

  stop(): void {
    this.window.removeEventListener('hashchange', this.#listener);
  }

  go(hash: string, options: { replace?: boolean } = {}): void {
    if (this.window.location.hash === hash) return;
    if (options.replace) {
      // replaceState fires no hashchange, so the new route is announced here.
      this.window.history.replaceState(null, '', hash);
      this.#listener();
    } else {
      this.window.location.hash = hash;
    }
  }
}
