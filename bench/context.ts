/** What every scenario is given, and what it hands back to the report. */
import type { BenchOptions } from "./config.js";
import type { DatabaseUrls } from "./db.js";
import type { LoadResult } from "./load.js";
import type { CpuUse } from "./cpu.js";
import type { PgPerRequest } from "./pgstats.js";
import type { Server } from "./procs.js";
import type { Actors } from "./seed.js";

export interface BenchContext {
  opts: BenchOptions;
  dbs: DatabaseUrls;
  actors: Actors;
  baseline: Server;
  /** Moleculer namespace of this bench run: never mixes with other nodes on the same NATS or Redis. */
  namespace: string;
  tokens: { reader: string; agent: string; admin: string };
  /** Where --profile puts the loanstack processes' .cpuprofile files. */
  profileDir?: string;
  log(line: string): void;
}

/** One server's figures in one row: medians over the runs, errors summed, peak RSS over the scenario. */
export interface Measured {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  rssMb: number | null;
  runs: LoadResult[];
  /** Medians over the runs of what each request cost PostgreSQL. */
  db?: PgPerRequest;
  /** Medians over the runs of where the CPU time went. */
  cpu?: CpuUse;
}

export interface Row {
  id: string;
  title: string;
  loanstack?: Measured;
  baseline?: Measured;
  /** Median over the runs of loanstack rps / baseline rps. */
  ratio?: number;
  ratios?: number[];
  /** The machine's limit for this request (limit-server.ts), and loanstack rps / limit rps. */
  limit?: Measured;
  limitRatio?: number;
  limitRatios?: number[];
  note?: string;
  /** Show the CPU figures as shares of the machine rather than per request (few requests). */
  cpuAsShare?: boolean;
  /** Why the row has no figures. */
  skipped?: string;
}

export interface TargetCheck {
  scenario: string;
  target: string;
  measured: string;
  /** null: not measured in this run. */
  pass: boolean | null;
}

export interface ScenarioResult {
  rows: Row[];
  targets: TargetCheck[];
  /** Anything else worth keeping in latest.json. */
  extra?: Record<string, unknown>;
}
