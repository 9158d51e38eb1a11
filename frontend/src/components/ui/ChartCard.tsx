import { useEffect, useRef, type ReactNode } from "react";
import { useElementSize, type Size } from "../../hooks/useElementSize";

/**
 * The frame every chart sits in: title, an optional control, and exactly one of loading, error,
 * empty state or the drawing. The drawing area is `relative` so tooltips position inside it.
 */
export function ChartCard({ testId, title, subtitle, control, loading, error, empty, emptyText, height = 260, children }: {
  testId: string;
  title: string;
  subtitle?: ReactNode;
  control?: ReactNode;
  loading: boolean;
  error: Error | null;
  empty: boolean;
  emptyText: string;
  height?: number;
  children: ReactNode;
}) {
  const state = error && empty ? "error" : loading && empty ? "loading" : empty ? "empty" : "ready";
  return (
    <section data-testid={testId} data-state={state} className="flex min-w-0 flex-col rounded-xl border border-gray-800 bg-gray-900 p-4">
      <div className="mb-3 flex items-start justify-between gap-2">
        <div className="min-w-0">
          <h3 className="text-sm font-semibold text-gray-100">{title}</h3>
          {subtitle && <div className="mt-0.5 text-xs text-gray-500">{subtitle}</div>}
        </div>
        {control}
      </div>
      <div className="relative w-full" style={{ height }}>
        {state === "ready" && children}
        {state === "loading" && <div data-testid="chart-loading" className="h-full w-full animate-pulse rounded-lg bg-gray-800/60" />}
        {state === "empty" && (
          <div data-testid="empty-state" className="flex h-full items-center justify-center rounded-lg border border-dashed border-gray-800 text-sm text-gray-500">
            {emptyText}
          </div>
        )}
        {state === "error" && (
          <div data-testid="chart-error" className="flex h-full flex-col items-center justify-center gap-1 rounded-lg border border-dashed border-red-900/60 text-center text-sm text-gray-400">
            <span className="text-red-400">Could not load this chart</span>
            <span className="text-xs text-gray-500">{error?.message}</span>
          </div>
        )}
      </div>
      {state === "ready" && error && <div className="mt-2 text-xs text-red-400">Refresh failed: {error.message}</div>}
    </section>
  );
}

/**
 * Hosts a draw function: (host element, data, size) -> SVG inside the host. It runs again when
 * the data changes or the host is resized, so every chart fills its card at any width.
 */
export function ChartCanvas<T>({ data, draw }: { data: T; draw: (host: HTMLDivElement, data: T, size: Size) => void }) {
  const host = useRef<HTMLDivElement>(null);
  const size = useElementSize(host);
  useEffect(() => {
    if (host.current && size.width > 0 && size.height > 0) draw(host.current, data, size);
  }, [data, draw, size]);
  return <div ref={host} className="absolute inset-0" />;
}
