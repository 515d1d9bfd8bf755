/**
 * `npm run repl`: the operator REPL, joined to the cluster that TRANSPORTER names.
 * Any failure to start is one line on stderr and exit code 1, never a stack trace.
 */
async function main(): Promise<void> {
  // Loaded inside the try: moleculer.config.ts reads the environment as it loads, so a
  // malformed TRANSPORTER already throws there.
  const { startRepl } = await import("./repl.js");
  await startRepl();
}

main().catch((err: unknown) => {
  console.error(`loanstack repl: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
