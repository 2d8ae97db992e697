import type { Component, ComponentProps } from 'svelte';
import type LotteryScreenType from './components/LotteryScreen.svelte';

type LotteryScreenComponent = Component<ComponentProps<typeof LotteryScreenType>>;

let loading: Promise<LotteryScreenComponent> | null = null;

/**
 * The lottery's screens, texts and view code as one chunk of their own: the attract screen does not need
 * them, so they do not count against the kiosk's JS at start (issue 17). main.ts asks for them once the
 * first screen is up, so a tap on the lottery tile finds them loaded; a failed load is forgotten and
 * tried again on the next visit.
 */
export function loadLotteryScreen(): Promise<LotteryScreenComponent> {
  loading ??= import('./components/LotteryScreen.svelte').then(
    (module) => module.default,
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}
