/**
 * Stacks and browsers while they are still being opened. A beforeAll that times out while
 * startStack still runs, or fails half-way (`Promise.all([startStack(), launchBrowser()])`
 * with no browser), never assigns what arrives later, so the file's afterAll cannot close
 * it: a broker, its HTTP server and pools then outlive the file, and Jest force-exits the
 * worker ("A worker process has failed to exit gracefully"). after-file.ts waits for whatever
 * is still opening when the file ends, and closes it.
 */
interface Opening {
  what: string;
  close(): Promise<void>;
}

/** Per test file: Jest gives each file its own module registry. */
const openings = new Set<Opening>();

/** Lists `opening` until it settles; `close` is what closes its result if nobody took it. */
export function trackOpening<T>(what: string, opening: Promise<T>, close: (value: T) => Promise<unknown>): void {
  const entry: Opening = {
    what,
    async close() {
      const opened = await opening.then(
        (value) => ({ value }),
        () => undefined,
      );
      if (opened) await close(opened.value);
    },
  };
  openings.add(entry);
  const settled = () => void openings.delete(entry);
  opening.then(settled, settled);
}

/** What is still opening (its set-up gave up on it). */
export function pendingOpenings(): string[] {
  return [...openings].map((o) => o.what);
}

/** Waits for each opening still under way and closes what it opened; `report` names each one. */
export async function closeAbandonedOpenings(report: (what: string) => void): Promise<void> {
  for (const entry of [...openings]) {
    report(entry.what);
    await entry.close();
  }
}
