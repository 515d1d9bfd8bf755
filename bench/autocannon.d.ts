/** autocannon ships no types: the one call load-worker.ts makes, its options and result read as plain JSON. */
declare module "autocannon" {
  function autocannon(opts: Record<string, unknown>): Promise<unknown>;
  export = autocannon;
}
