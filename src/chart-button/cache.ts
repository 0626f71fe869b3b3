import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { ChartSpec } from '../charts/types.js';

/** What a press of "Chart" produced: the PNG and the Slack file it was uploaded as. */
export interface CachedChart {
  png: Buffer;
  fileId: string;
}

/**
 * Key of a chart: the answer's state (what was asked) and the data version, i.e. a hash of every value
 * the chart draws. New data gives a new key; pressing "Chart" again on unchanged data re-uses the upload.
 */
export function chartKey(state: string, chart: ChartSpec): string {
  const data = createHash('sha256').update(JSON.stringify(chart.vegaLite)).digest('hex').slice(0, 32);
  return `${state}#${data}`;
}

/**
 * A small LRU of rendered-and-uploaded charts (PNG bytes + file id), per process, and the uploads under way
 * (single-flight: one render and upload per key at a time).
 */
export class ChartCache {
  private readonly entries: LRUCache<string, CachedChart>;

  /** @param capacity entries kept (a chart PNG is ~50–150 KB). */
  constructor(capacity = 200) {
    this.entries = new LRUCache({ max: capacity });
  }

  /** Uploads under way, by key: a second press while one runs joins it instead of drawing again. */
  private readonly running = new Map<string, Promise<string>>();

  get(key: string): CachedChart | undefined {
    return this.entries.get(key);
  }

  /** The file id an upload of `key` under way will give, if one is running in this process. */
  pending(key: string): Promise<string> | undefined {
    return this.running.get(key);
  }

  /** Records `upload` (resolving to the file id) as running for `key` until it settles. */
  track(key: string, upload: Promise<string>): void {
    this.running.set(key, upload);
    const done = () => {
      if (this.running.get(key) === upload) this.running.delete(key);
    };
    upload.then(done, done);
  }

  set(key: string, value: CachedChart): void {
    this.entries.set(key, value);
  }

  get size(): number {
    return this.entries.size;
  }
}
