/** A source of "now". Passed in everywhere instead of calling `new Date()` deep inside, so tests can fix time. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** A clock frozen at `iso` (and movable), for tests. */
export function fixedClock(
  iso: string | Date,
): Clock & { set(to: string | Date): void; advance(ms: number): void } {
  let now = new Date(iso);
  const clock = (() => new Date(now)) as Clock & { set(to: string | Date): void; advance(ms: number): void };
  clock.set = (to) => {
    now = new Date(to);
  };
  clock.advance = (ms) => {
    now = new Date(now.getTime() + ms);
  };
  return clock;
}
