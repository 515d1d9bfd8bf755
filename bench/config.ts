/** The bench's options: command-line flags and BENCH_* environment variables. */
import path from "node:path";

export const SCENARIOS = ["read", "nats", "redis", "amqp", "uncached", "mixed", "write", "flood", "scale", "cli", "repay", "reverse", "schedule", "cob", "ledger"] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** Names `--only` accepts besides the scenario names. */
const ALIASES: Record<string, ScenarioName[]> = { distributed: ["nats", "redis", "amqp"], login: ["flood"], rabbitmq: ["amqp"], servicing: ["repay", "reverse", "schedule", "cob"] };

export interface BenchOptions {
  only: ScenarioName[];
  quick: boolean;
  profile: boolean;
  /** Seconds of measured load per run. */
  duration: number;
  /** Seconds of load before the first measured run against each server of a scenario. */
  warmup: number;
  connections: number;
  runs: number;
  /** Concurrent logins of the flood. */
  floodConnections: number;
  /** Loans in the database for read, write and flood. */
  baseLoans: number;
  customers: number;
  /** Loans in the database for the scale scenario. */
  scaleLoans: number;
  /** ACTIVE loans in the close-of-business book. */
  cobLoans: number;
  /** Journal lines seeded into the ledger database whose trial balance scenario 14 times (BENCH_LEDGER_LINES). */
  ledgerLines: number;
  /** Loans of 360 installments and 101 repayments whose first repayment the reverse scenario reverses. */
  reverseLoans: number;
  /** Sequential requests per page for the uncached scale latency. */
  uncachedSamples: number;
  cliRuns: number;
  bcryptRounds: number;
  /** A PostgreSQL URL of the server to create the bench databases on (its path is ignored). */
  pgUrl: string;
  natsUrl: string;
  redisUrl: string;
  amqpUrl: string;
  /** `--soak 10m`: seconds of the mixed load on one loanstack process, its memory watched; null: no soak. */
  soakSeconds: number | null;
  root: string;
  resultsDir: string;
}

const HELP = `npm run bench -- [--only read,nats,redis,amqp,uncached,mixed,write,flood,scale,cli,repay,reverse,schedule,cob,ledger] [--quick] [--profile] [--soak 10m]

  --only      run only these scenarios (also: distributed = nats,redis,amqp; servicing = repay,reverse,schedule,cob)
  --quick     shorter runs (3 s, 1 s warm-up) and 100,000 loans instead of 1,000,000 (scale, schedule
              and the close-of-business book), 30 reversals instead of 100
  --profile   run the loanstack processes with --cpu-prof and print their top self-time functions
              (profiling slows them: do not compare those figures with a plain run)
  --soak D    after the scenarios (none unless --only names some), the mixed load on one loanstack
              process for D (10m, 90s, 600): RSS after the first minute against the end, errors

Environment: BENCH_DURATION (s, 8), BENCH_WARMUP (s, 2), BENCH_CONNECTIONS (32), BENCH_RUNS (3),
BENCH_FLOOD_CONNECTIONS (50), BENCH_LOANS (50000), BENCH_SCALE_LOANS (1000000), BENCH_CLI_RUNS (10),
BENCH_COB_LOANS (1000000), BENCH_COB_ALL (off; on: every loan's next_penalty_date is its disbursement date),
COB_BATCH_SIZE (loanstack's default), BENCH_REVERSE_LOANS (100), BENCH_LEDGER_LINES (1000000; 200000 with --quick),
BENCH_BCRYPT_ROUNDS (10, at least 10), BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres),
BENCH_NATS_URL (nats://127.0.0.1:4222), BENCH_REDIS_URL (redis://127.0.0.1:6379),
BENCH_AMQP_URL (amqp://guest:guest@127.0.0.1:5672), BENCH_DB_PREFIX (bench: databases bench_users, ...).`;

function num(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number >= ${min}, got "${raw}"`);
  return n;
}

/** "10m", "90s", "1h", or plain seconds. */
function parseDuration(value: string | undefined): number {
  const m = /^(\d+)(s|m|h)?$/.exec(value ?? "");
  if (!m || Number(m[1]) === 0) throw new Error(`--soak needs a duration such as 10m, 90s or 600, got "${value ?? ""}"`);
  return Number(m[1]) * ({ s: 1, m: 60, h: 3600 }[m[2] as "s" | "m" | "h"] ?? 1);
}

export function parseOptions(argv: string[]): BenchOptions | "help" {
  let only: ScenarioName[] | undefined;
  let quick = false;
  let profile = false;
  let soakSeconds: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") return "help";
    else if (arg === "--quick") quick = true;
    else if (arg === "--profile") profile = true;
    else if (arg === "--soak" || arg.startsWith("--soak=")) soakSeconds = parseDuration(arg === "--soak" ? argv[++i] : arg.slice("--soak=".length));
    else if (arg === "--only" || arg.startsWith("--only=")) {
      const value = arg === "--only" ? argv[++i] : arg.slice("--only=".length);
      if (!value) throw new Error("--only needs a list, e.g. --only read,scale");
      const wanted = new Set<ScenarioName>();
      for (const name of value
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)) {
        if (ALIASES[name]) ALIASES[name].forEach((n) => wanted.add(n));
        else if ((SCENARIOS as readonly string[]).includes(name)) wanted.add(name as ScenarioName);
        else throw new Error(`--only: unknown scenario "${name}"; known: ${SCENARIOS.join(", ")}, distributed`);
      }
      only = SCENARIOS.filter((s) => wanted.has(s));
    } else throw new Error(`unknown argument "${arg}"\n\n${HELP}`);
  }
  // A soak alone runs no scenario unless --only names some.
  only ??= soakSeconds === null ? [...SCENARIOS] : [];
  // bench/dist/bench/config.js → the repository root
  const root = path.resolve(__dirname, "../../..");
  const bcryptRounds = num("BENCH_BCRYPT_ROUNDS", 10);
  if (bcryptRounds < 10) throw new Error("BENCH_BCRYPT_ROUNDS must be at least 10: the flood measures a real cost");
  return {
    only,
    quick,
    profile,
    duration: num("BENCH_DURATION", quick ? 3 : 8),
    warmup: num("BENCH_WARMUP", quick ? 1 : 2, 0),
    connections: num("BENCH_CONNECTIONS", 32),
    runs: num("BENCH_RUNS", 3),
    floodConnections: num("BENCH_FLOOD_CONNECTIONS", 50),
    baseLoans: num("BENCH_LOANS", 50_000),
    customers: 1_000,
    scaleLoans: num("BENCH_SCALE_LOANS", quick ? 100_000 : 1_000_000),
    cobLoans: num("BENCH_COB_LOANS", quick ? 100_000 : 1_000_000, 10),
    // 10,000,000 (the SPEC's figure) takes minutes to seed: opt in with BENCH_LEDGER_LINES=10000000.
    ledgerLines: num("BENCH_LEDGER_LINES", quick ? 200_000 : 1_000_000, 2),
    reverseLoans: num("BENCH_REVERSE_LOANS", quick ? 30 : 100),
    uncachedSamples: quick ? 50 : 200,
    cliRuns: num("BENCH_CLI_RUNS", quick ? 5 : 10),
    bcryptRounds,
    pgUrl: process.env.BENCH_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres",
    natsUrl: process.env.BENCH_NATS_URL || "nats://127.0.0.1:4222",
    redisUrl: process.env.BENCH_REDIS_URL || "redis://127.0.0.1:6379",
    amqpUrl: process.env.BENCH_AMQP_URL || "amqp://guest:guest@127.0.0.1:5672",
    soakSeconds,
    root,
    resultsDir: path.join(root, "bench", "results"),
  };
}

export { HELP };
