/**
 * `npm start` / `npm run serve`: one loanstack node. With no settings it runs every
 * service in this process on an embedded PostgreSQL under ./data, the gateway on :8000.
 * The config is read here, once (app/node.ts hands it to the services).
 */
import { startNode } from "./app/node.js";
import { loadConfig } from "./services/shared/config.js";
import { applyHeapGrowth } from "./services/shared/heap-growth.js";
import { ROOT_LINKS } from "./services/api/root-links.js";

async function start() {
  const config = loadConfig();
  applyHeapGrowth(config.heapGrowingPercent);
  return startNode({ config });
}

start().then(
  ({ services, httpPort }) => {
    const where = httpPort ? ` — gateway on http://localhost:${httpPort}` : "";
    console.log(`loanstack running ${services.join(", ")}${where}`);
    // The two pages a person opens first: the console for the staff, the reference for integrators.
    if (httpPort) console.log(`  console:  http://localhost:${httpPort}${ROOT_LINKS.console}\n  API docs: http://localhost:${httpPort}${ROOT_LINKS.docs}`);
  },
  (err: unknown) => {
    console.error(`loanstack could not start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
