/** The bench's options: command-line flags and BENCH_* environment variables. */
import path from "node:path";

export const SCENARIOS = ["read", "nats", "redis", "write", "flood", "scale", "cli", "repay", "schedule"] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** Names `--only` accepts besides the scenario names. */
const ALIASES: Record<string, ScenarioName[]> = { distributed: ["nats", "redis"], login: ["flood"], servicing: ["repay", "schedule"] };

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
  /** Sequential requests per page for the uncached scale latency. */
  uncachedSamples: number;
  cliRuns: number;
  bcryptRounds: number;
  /** A PostgreSQL URL of the server to create the bench databases on (its path is ignored). */
  pgUrl: string;
  natsUrl: string;
  redisUrl: string;
  root: string;
  resultsDir: string;
}

const HELP = `npm run bench -- [--only read,nats,redis,write,flood,scale,cli,repay,schedule] [--quick] [--profile]

  --only      run only these scenarios (also: distributed = nats,redis; servicing = repay,schedule)
  --quick     shorter runs (3 s, 1 s warm-up) and 100,000 loans instead of 1,000,000
  --profile   run the loanstack processes with --cpu-prof and print their top self-time functions
              (profiling slows them: do not compare those figures with a plain run)

Environment: BENCH_DURATION (s, 8), BENCH_WARMUP (s, 2), BENCH_CONNECTIONS (32), BENCH_RUNS (3),
BENCH_FLOOD_CONNECTIONS (50), BENCH_LOANS (50000), BENCH_SCALE_LOANS (1000000), BENCH_CLI_RUNS (10),
BENCH_BCRYPT_ROUNDS (10, at least 10), BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres),
BENCH_NATS_URL (nats://127.0.0.1:4222), BENCH_REDIS_URL (redis://127.0.0.1:6379).`;

function num(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number >= ${min}, got "${raw}"`);
  return n;
}

export function parseOptions(argv: string[]): BenchOptions | "help" {
  let only: ScenarioName[] = [...SCENARIOS];
  let quick = false;
  let profile = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") return "help";
    else if (arg === "--quick") quick = true;
    else if (arg === "--profile") profile = true;
    else if (arg === "--only" || arg.startsWith("--only=")) {
      const value = arg === "--only" ? argv[++i] : arg.slice("--only=".length);
      if (!value) throw new Error("--only needs a list, e.g. --only read,scale");
      const wanted = new Set<ScenarioName>();
      for (const name of value.split(",").map((s) => s.trim()).filter(Boolean)) {
        if (ALIASES[name]) ALIASES[name].forEach((n) => wanted.add(n));
        else if ((SCENARIOS as readonly string[]).includes(name)) wanted.add(name as ScenarioName);
        else throw new Error(`--only: unknown scenario "${name}"; known: ${SCENARIOS.join(", ")}, distributed`);
      }
      only = SCENARIOS.filter((s) => wanted.has(s));
    } else throw new Error(`unknown argument "${arg}"\n\n${HELP}`);
  }
  const root = path.resolve(__dirname, "../..");
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
    uncachedSamples: quick ? 50 : 200,
    cliRuns: num("BENCH_CLI_RUNS", quick ? 5 : 10),
    bcryptRounds,
    pgUrl: process.env.BENCH_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres",
    natsUrl: process.env.BENCH_NATS_URL || "nats://127.0.0.1:4222",
    redisUrl: process.env.BENCH_REDIS_URL || "redis://127.0.0.1:6379",
    root,
    resultsDir: path.join(root, "bench", "results"),
  };
}

export { HELP };
