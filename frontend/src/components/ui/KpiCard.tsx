export function KpiCard({ label, value, subtitle, loading, testId }: {
  label: string;
  value: string | null;
  subtitle?: string | null;
  loading: boolean;
  testId: string;
}) {
  return (
    <div data-testid={testId} className="rounded-xl border border-gray-800 bg-gray-900 p-4">
      <div className="text-xs font-medium uppercase tracking-wider text-gray-400">{label}</div>
      {loading || value === null ? (
        <div data-testid="kpi-skeleton" className="mt-2 space-y-2">
          <div className="h-8 w-28 animate-pulse rounded bg-gray-800" />
          <div className="h-3 w-20 animate-pulse rounded bg-gray-800" />
        </div>
      ) : (
        <>
          <div data-testid="kpi-value" className="mt-1 text-3xl font-semibold tabular-nums text-white">{value}</div>
          <div className="mt-1 h-4 text-xs text-gray-500">{subtitle}</div>
        </>
      )}
    </div>
  );
}
