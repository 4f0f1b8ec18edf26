// How many starts fell inside one sliding window, the measure Kie's limit is stated in.

/** Largest number of `times` inside any window [t, t + windowMs). */
export function maxInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= windowMs) first++;
    max = Math.max(max, last - first + 1);
  }
  return max;
}
