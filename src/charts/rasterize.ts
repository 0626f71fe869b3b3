import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const require = createRequire(import.meta.url);

/**
 * SVG → PNG with resvg, in a worker thread. Two reasons: rasterising takes tens of milliseconds of CPU,
 * which must not block the event loop that acks Slack; and resvg-js 2.6 keeps each rendered pixmap
 * (~5 MB at 2×) in native memory that V8's GC does not see (thx/resvg-js#216), so the worker is
 * replaced every `RECYCLE_AFTER` renders, which hands that memory back.
 */

/** Renders per worker before it is replaced (bounds the retained native memory to ~25 × 5 MB). */
export const RECYCLE_AFTER = 25;

// Plain CommonJS, evaluated in the worker: it runs the same under tsx, vitest and compiled JavaScript.
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { Resvg } = require(workerData.resvg);
parentPort.on('message', ({ id, svg, scale }) => {
  try {
    const image = new Resvg(svg, {
      fitTo: { mode: 'zoom', value: scale },
      font: { fontFiles: workerData.fonts, loadSystemFonts: false, defaultFontFamily: workerData.family },
      background: '#FFFFFF',
    }).render();
    const png = image.asPng();
    parentPort.postMessage({ id, png, width: image.width, height: image.height }, [png.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.message) || err) });
  }
});`;

interface Job {
  resolve: (out: Rasterized) => void;
  reject: (err: Error) => void;
}

export interface Rasterized {
  png: Buffer;
  width: number;
  height: number;
}

/** A single resvg worker with a queue; the process may exit while it idles (the worker is unref'd). */
export class Rasterizer {
  private worker: Worker | null = null;
  private served = 0;
  private nextId = 0;
  private readonly pending = new Map<number, Job>();

  /** @param fonts TTF paths, the only fonts resvg may use; `family` is the default font family. */
  constructor(
    private readonly fonts: readonly string[],
    private readonly family: string,
  ) {}

  /** The PNG of `svg` at `scale` × its size. Rejects on a resvg error or when the worker dies. */
  rasterize(svg: string, scale: number): Promise<Rasterized> {
    const worker = this.current();
    const id = this.nextId++;
    this.served++;
    return new Promise<Rasterized>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, svg, scale });
    });
  }

  private current(): Worker {
    if (this.worker && this.served >= RECYCLE_AFTER && this.pending.size === 0) {
      void this.worker.terminate();
      this.worker = null;
    }
    if (this.worker) return this.worker;
    this.served = 0;
    const worker = new Worker(WORKER_CODE, {
      eval: true,
      workerData: { resvg: require.resolve('@resvg/resvg-js'), fonts: [...this.fonts], family: this.family },
    });
    worker.unref();
    worker.on(
      'message',
      (msg: { id: number; png?: Uint8Array; width?: number; height?: number; error?: string }) => {
        const job = this.pending.get(msg.id);
        if (!job) return;
        this.pending.delete(msg.id);
        if (this.pending.size === 0) worker.unref();
        if (msg.error !== undefined || !msg.png)
          job.reject(new Error(`chart rasterising failed: ${msg.error}`));
        else job.resolve({ png: Buffer.from(msg.png), width: msg.width ?? 0, height: msg.height ?? 0 });
      },
    );
    // A replaced worker is only terminated once it has nothing pending, so its exit concerns nobody.
    const fail = (err: Error) => {
      if (this.worker !== worker) return;
      this.worker = null;
      for (const job of this.pending.values()) job.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`chart worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}
