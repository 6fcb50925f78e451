import { Fragment, useCallback, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';

/** Pixels rendered beyond each edge of the viewport, so a quick scroll does not show blank space. */
const OVERSCAN_PX = 800;
/** Within this distance of the end, the list follows new items (the latest exchange stays in view). */
const STICK_PX = 48;

interface WindowedListProps<T> {
  items: readonly T[];
  getKey: (item: T) => string;
  /** The item; `measure` goes on its root element (its height is measured, not guessed). */
  renderItem: (item: T, measure: (element: HTMLElement | null) => void) => ReactNode;
  /** A first guess of an item's height before it is measured. */
  estimate: number;
  /** Called when the agent reaches the top: the list asks for earlier items. */
  onReachTop?: () => void;
  gap?: number;
  className?: string;
  /** The list's scroll box: its height bounds what is rendered. */
  height: string;
  label?: string;
  testId?: string;
}

/** Start of every item (and the total) from the heights known or guessed. */
function layout(keys: readonly string[], heights: Map<string, number>, estimate: number, gap: number) {
  const starts = new Array<number>(keys.length + 1);
  starts[0] = 0;
  for (let i = 0; i < keys.length; i++) starts[i + 1] = starts[i]! + (heights.get(keys[i]!) ?? estimate) + gap;
  return starts;
}

/** First index whose end is past `y` (binary search over the starts). */
function indexAt(starts: readonly number[], y: number): number {
  let lo = 0;
  let hi = starts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid + 1]! <= y) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(0, lo);
}

/** The items to render for a viewport: those within the overscan of it. */
function rangeOf(at: { top: number; height: number }, starts: readonly number[]) {
  return [
    indexAt(starts, Math.max(0, at.top - OVERSCAN_PX)),
    Math.min(starts.length - 2, indexAt(starts, at.top + at.height + OVERSCAN_PX)),
  ] as const;
}

/**
 * A list that renders only the items near its viewport (a 2,000-message thread keeps a few dozen in the
 * page), with items of any height: each is measured once shown. It opens at the end, follows new items while
 * the agent is there, keeps the view still when earlier items are added above, and asks for them at the top.
 */
export function WindowedList<T>(props: WindowedListProps<T>) {
  const { items, getKey, renderItem, estimate, onReachTop, gap = 0, height } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const heights = useRef(new Map<string, number>());
  const [version, setVersion] = useState(0);
  const [view, setView] = useState({ top: 0, height: 800 });
  const atEnd = useRef(true);
  const keys = useMemo(() => items.map(getKey), [items, getKey]);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `version` says measured heights changed.
  const starts = useMemo(() => layout(keys, heights.current, estimate, gap), [keys, estimate, gap, version]);
  const total = starts[keys.length]!;

  const [first, last] = rangeOf(view, starts);
  // Read by the scroll handler: a scroll re-renders only when it changes which items are in the window.
  const current = useRef({ starts, first, last });
  current.current = { starts, first, last };

  // Earlier items were added above: the view moves down by their height, so what the agent reads stays put.
  const previousFirstKey = useRef<string | undefined>(undefined);
  useLayoutEffect(() => {
    const element = scroller.current;
    const before = previousFirstKey.current;
    previousFirstKey.current = keys[0];
    if (!element || before === undefined || before === keys[0]) return;
    const index = keys.indexOf(before);
    if (index > 0) element.scrollTop += starts[index]!;
  }, [keys, starts]);

  // While at the end (opening, a new message), stay there as heights settle and items arrive.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (element && atEnd.current) element.scrollTop = element.scrollHeight;
  }, [total]);

  const onScroll = useCallback(() => {
    const element = scroller.current;
    if (!element) return;
    atEnd.current = element.scrollHeight - element.scrollTop - element.clientHeight < STICK_PX;
    const next = { top: element.scrollTop, height: element.clientHeight };
    const [from, to] = rangeOf(next, current.current.starts);
    if (from !== current.current.first || to !== current.current.last) setView(next);
    if (element.scrollTop < estimate) onReachTop?.();
  }, [estimate, onReachTop]);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (element) setView({ top: element.scrollTop, height: element.clientHeight });
  }, []);

  const observer = useMemo(
    () =>
      typeof ResizeObserver === 'undefined'
        ? null
        : new ResizeObserver((entries) => {
            let changed = false;
            let above = 0;
            const element = scroller.current;
            for (const entry of entries) {
              const target = entry.target as HTMLElement;
              const key = target.dataset.windowKey;
              if (!key) continue;
              const measured = target.offsetHeight;
              const known = heights.current.get(key);
              if (known === measured) continue;
              // An item above the view grew or shrank: move the view by as much so the text read stays put.
              if (element && !atEnd.current && target.offsetTop + measured < element.scrollTop) {
                above += measured - (known ?? estimate);
              }
              heights.current.set(key, measured);
              changed = true;
            }
            if (element && above !== 0) element.scrollTop += above;
            if (changed) setVersion((v) => v + 1);
          }),
    [estimate],
  );
  useLayoutEffect(() => () => observer?.disconnect(), [observer]);

  const elements = useRef(new Map<string, HTMLElement>());
  const measureFor = useCallback(
    (key: string) => (element: HTMLElement | null) => {
      const previous = elements.current.get(key);
      if (previous && previous !== element) {
        observer?.unobserve(previous);
        elements.current.delete(key);
      }
      if (!element) return;
      elements.current.set(key, element);
      element.dataset.windowKey = key;
      if (!heights.current.has(key)) heights.current.set(key, element.offsetHeight);
      observer?.observe(element);
    },
    [observer],
  );

  const shown = keys.length === 0 ? [] : items.slice(first, last + 1);
  return (
    <div
      ref={scroller}
      onScroll={onScroll}
      style={{ height, overflowY: 'auto', overflowAnchor: 'none', position: 'relative' }}
      data-testid={props.testId}
      tabIndex={0}
      aria-label={props.label}
    >
      <ol
        className={props.className}
        style={{
          display: 'flex',
          flexDirection: 'column',
          gap,
          margin: 0,
          paddingTop: keys.length === 0 ? 0 : starts[first],
          paddingBottom: keys.length === 0 ? 0 : total - starts[last + 1]!,
        }}
      >
        {shown.map((item) => {
          const key = getKey(item);
          return <Fragment key={key}>{renderItem(item, measureFor(key))}</Fragment>;
        })}
      </ol>
    </div>
  );
}
