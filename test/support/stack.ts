/**
 * A whole loanstack in this process for a test file: every service on a broker of its own,
 * fresh databases, the gateway on a free port, a bootstrapped admin.
 */
import crypto from "node:crypto";
import type { BrokerOptions, Service, ServiceBroker } from "moleculer";
import { startNode } from "../../app/node.js";
import type { ServiceName } from "../../app/registry.js";
import type { Clock } from "../../domain/clock.js";
import { createTestDatabases, type TestDatabases } from "./databases.js";
import { trackOpening } from "./open-resources.js";

export interface Stack {
  url: string;
  broker: ServiceBroker;
  admin: { email: string; password: string };
  jwtSecret: string;
  databases: TestDatabases;
  /** Brings back a service taken down (`broker.destroyService`), created as the root creates it. */
  createService: (name: ServiceName) => Service;
  /** Stops the broker; the databases stay until `drop()` (restart tests reuse them). */
  stopBroker(): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  env?: Record<string, string>;
  databases?: TestDatabases;
  /** The services of this broker (default: all of them). */
  services?: string[];
  /** Broker options over the test defaults (no transporter), e.g. a Fake transporter and a namespace. */
  broker?: Partial<BrokerOptions>;
  /** The services' clock (default: the machine's time): `fixedClock("2026-06-15")` pins "today". */
  clock?: Clock;
}

/**
 * Starts a stack. Listed while it starts, so that a set-up that gives up on it (a timeout, a
 * sibling that failed) cannot leave it running: after-file.ts stops it (open-resources.ts).
 */
export function startStack(options: StackOptions = {}): Promise<Stack> {
  const starting = launchStack(options);
  trackOpening("a stack (startStack)", starting, (stack) => stack.stop());
  return starting;
}

async function launchStack(options: StackOptions): Promise<Stack> {
  const databases = options.databases ?? (await createTestDatabases());
  const admin = { email: "admin@loanstack.test", password: "admin-password-1" };
  const jwtSecret = process.env.TEST_JWT_SECRET ?? crypto.randomBytes(32).toString("hex");
  process.env.TEST_JWT_SECRET = jwtSecret; // a restarted stack in the same file keeps its tokens valid
  Object.assign(process.env, {
    USERS_DATABASE_URL: databases.users,
    LOANS_DATABASE_URL: databases.loans,
    AUDIT_DATABASE_URL: databases.audit,
    LEDGER_DATABASE_URL: databases.ledger,
    OUTBOX_POLL_MS: "200",
    JWT_SECRET: jwtSecret,
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    PORT: "0",
    HOST: "127.0.0.1",
    BCRYPT_ROUNDS: process.env.BCRYPT_ROUNDS ?? "4",
    RATE_LIMIT_AUTH_PER_MINUTE: "100000",
    // Tests of other rules lend an agent far past the product default (5000000.00); the
    // limits' own tests set AGENT_DEFAULT_LIMIT themselves.
    AGENT_DEFAULT_LIMIT: "999999999999.99",
    ...options.env,
  });
  const node = await startNode({
    services: options.services ?? ["users", "loans", "audit", "ledger", "api"],
    broker: { logger: false, transporter: null, nodeID: `test-${crypto.randomBytes(3).toString("hex")}`, ...options.broker },
    log: () => undefined,
    clock: options.clock,
  });
  const stopBroker = () => node.broker.stop();
  return {
    url: `http://127.0.0.1:${node.httpPort}`,
    broker: node.broker,
    admin,
    jwtSecret,
    databases,
    createService: node.createService,
    stopBroker,
    async stop() {
      await stopBroker();
      await databases.drop();
    },
  };
}
