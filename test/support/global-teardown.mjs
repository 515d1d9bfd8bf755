import fs from "node:fs";

export default async function globalTeardown() {
  const state = globalThis.__loanstackEmbedded;
  if (!state) return;
  await state.embedded.stop();
  fs.rmSync(state.dir, { recursive: true, force: true });
}
