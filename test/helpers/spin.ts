/** Keeps the thread busy for `ms` (a CPU-heavy answer step), without yielding to the event loop. */
export function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {}
}
