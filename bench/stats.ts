/** Figures the bench reports: rounding and nearest-rank percentiles. */
export const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
};
