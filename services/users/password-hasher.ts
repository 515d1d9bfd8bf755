/**
 * bcrypt off the event loop. bcryptjs is pure JavaScript and its async API still runs on
 * the main thread in slices of up to 100 ms, so a burst of logins would stall every other
 * request. Hashing and comparing run here in a small pool of worker threads instead.
 */
import os from "node:os";
import { Worker } from "node:worker_threads";

type Job = { op: "hash"; password: string; rounds: number } | { op: "compare"; password: string; hash: string };
interface Pending {
  job: Job;
  resolve(value: string | boolean): void;
  reject(err: Error): void;
}

// Evaluated code, so the same pool runs from the compiled dist/ and from ts-jest's sources.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const bcrypt = require(workerData.bcryptPath);
parentPort.on("message", async (job) => {
  try {
    const value = job.op === "hash" ? await bcrypt.hash(job.password, job.rounds) : await bcrypt.compare(job.password, job.hash);
    parentPort.postMessage({ ok: true, value });
  } catch (err) {
    parentPort.postMessage({ ok: false, message: String(err && err.message || err) });
  }
});`;

class HasherWorker {
  private readonly worker: Worker;
  current?: Pending;

  constructor(onIdle: (w: HasherWorker) => void) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { bcryptPath: require.resolve("bcryptjs") } });
    this.worker.unref(); // an idle pool never keeps the process alive
    this.worker.on("message", (msg: { ok: boolean; value?: string | boolean; message?: string }) => {
      const done = this.current!;
      this.current = undefined;
      if (msg.ok) done.resolve(msg.value!);
      else done.reject(new Error(msg.message));
      onIdle(this);
    });
  }

  run(task: Pending): void {
    this.current = task;
    this.worker.postMessage(task.job);
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

export class PasswordHasher {
  private readonly idle: HasherWorker[] = [];
  private readonly all: HasherWorker[] = [];
  private readonly queue: Pending[] = [];

  // One core stays with the event loop: a login flood then slows logins, not every request.
  constructor(
    private readonly rounds: number,
    size = Math.max(1, Math.min(4, os.availableParallelism() - 1)),
  ) {
    for (let i = 0; i < size; i++) {
      const worker = new HasherWorker((w) => this.next(w));
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  hash(password: string): Promise<string> {
    return this.submit({ op: "hash", password, rounds: this.rounds }) as Promise<string>;
  }

  compare(password: string, hash: string): Promise<boolean> {
    return this.submit({ op: "compare", password, hash }) as Promise<boolean>;
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
  }

  private submit(job: Job): Promise<string | boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      const worker = this.idle.pop();
      if (worker) this.next(worker);
    });
  }

  private next(worker: HasherWorker): void {
    const task = this.queue.shift();
    if (task) worker.run(task);
    else this.idle.push(worker);
  }
}
