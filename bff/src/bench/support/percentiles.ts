/** p-th percentile (0–100) of latencies in ms, nearest-rank. */
export function percentile(sortedMs: ArrayLike<number>, p: number): number {
  if (sortedMs.length === 0) return 0;
  const rank = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return Number(sortedMs[rank]!.toFixed(2));
}

/** The median of `xs` (the upper one of an even count): each benchmark's figure over its rounds. */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}
