/**
 * The work a running app has taken on and must finish before the database closes: every request Bolt
 * dispatches (its listeners' whole run: an answer computed and posted to its response_url), every
 * `/metrics` command the edge has acked but not yet handed to Bolt, and every request an HTTP route (the
 * ingest API, /healthz, …) has taken, until its response has been sent. A stop waits for it (`drain`)
 * before the database is closed. Without this a SIGTERM during a burst (a rolling deploy) closed the pools under
 * answers already acked: every one failed with "Cannot use a pool after calling end on the pool" and the
 * users, told nothing, saw an empty ack and no answer.
 */
export class InFlight {
  private running = 0;
  private answeredCount = 0;

  /**
   * Counts `work` as in flight until it settles; returns it unchanged. `answer`: whether its settling is a
   * request answered (a Bolt dispatch, an HTTP route's response), counted in `answered`; false for the
   * edge's hand-over of a Slack request, which Bolt's dispatch of it counts again.
   */
  track<T>(work: Promise<T>, answer = true): Promise<T> {
    this.running += 1;
    const done = () => {
      this.running -= 1;
      if (answer) this.answeredCount += 1;
    };
    work.then(done, done);
    return work;
  }

  /** How many requests tracked as answers have settled so far: a stop's difference is its drain's answers. */
  get answered(): number {
    return this.answeredCount;
  }

  /**
   * Resolves once nothing has been in flight for `quietMs` (a command handed from the edge to Bolt is
   * untracked for a few event-loop turns) or after `timeoutMs`, whichever comes first.
   * @returns how many were still running (0 when drained)
   */
  async drain(timeoutMs: number, quietMs = 100): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let quietSince: number | null = null;
    while (Date.now() < deadline) {
      if (this.running > 0) quietSince = null;
      else {
        quietSince ??= Date.now();
        if (Date.now() - quietSince >= quietMs) return 0;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.running;
  }
}

/**
 * How long a stop waits for work in flight (ms): an answer gives up after ANSWER_TIMEOUT_MS (10 s) and its
 * response_url post is retried for a few seconds more; orchestrators commonly allow 30 s after SIGTERM.
 */
export const DRAIN_MS = 20_000;
