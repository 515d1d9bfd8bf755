/**
 * `npm run repl`: the operator REPL, joined to the cluster that TRANSPORTER names.
 * Any failure to start is one line on stderr and exit code 1, never a stack trace.
 */
async function main(): Promise<void> {
  // Loaded inside the try: whatever throws as the REPL's modules load is one line too.
  const { startRepl } = await import("./repl.js");
  await startRepl();
}

main().catch((err: unknown) => {
  console.error(`loanstack repl: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
