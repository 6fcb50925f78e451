import { useSyncExternalStore } from 'react';

// One shared clock for every relative timestamp on screen, instead of a timer per row.
const tickMs = 30_000;
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === undefined) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const notify of listeners) notify();
    }, tickMs);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

function getSnapshot(): number {
  return now;
}

/** The current time in milliseconds, refreshed every 30 seconds while something shows it. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, getSnapshot);
}
