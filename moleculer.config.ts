/**
 * The broker configuration: every knob from the environment the caller hands over (app/node.ts,
 * the REPL), with defaults that work on a laptop (one process, no transporter, memory cacher).
 * `.env.example` documents each one.
 */
import os from "node:os";
import type { BrokerOptions } from "moleculer";
import { AmqpTransporter } from "./services/shared/amqp-transporter.js";
import { intFromEnv } from "./services/shared/config.js";

type Env = Record<string, string | undefined>;

/** ioredis connection options from a redis:// URL (ioredis takes no `url` option). */
export function redisOptions(value: string): { host: string; port: number; password?: string; db?: number; tls?: object } {
  const url = new URL(value);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.pathname.length > 1 ? { db: Number(url.pathname.slice(1)) } : {}),
    ...(url.protocol === "rediss:" ? { tls: {} } : {}),
  };
}

/**
 * Moleculer's AMQP transporter (RabbitMQ, `amqplib`), with a shutdown that cannot throw
 * (services/shared/amqp-transporter.ts). Two of its defaults do not suit us:
 * - Nagle's algorithm: without `noDelay` every call waits ~40 ms for the delayed ACK.
 * - `prefetch: 1`: it acknowledges a request only once the action answered, so a node would
 *   run one request at a time. The broker's bulkhead is the one limit on what a node
 *   takes on; RabbitMQ hands over as much as the bulkhead would run and queue.
 */
function amqpOptions(url: string, env: Env): { url: string; socketOptions: { noDelay: true }; prefetch: number } {
  const { concurrency, maxQueueSize } = bulkheadFrom(env);
  return { url, socketOptions: { noDelay: true }, prefetch: concurrency + maxQueueSize };
}

function transporterFrom(env: Env): BrokerOptions["transporter"] {
  const value = env.TRANSPORTER?.trim();
  if (!value || value === "none") return null;
  if (value.startsWith("nats://")) return { type: "NATS", options: { url: value } };
  if (/^rediss?:\/\//.test(value)) return { type: "Redis", options: redisOptions(value) };
  if (/^amqps?:\/\//.test(value)) return new AmqpTransporter(amqpOptions(value, env));
  throw new Error(`TRANSPORTER must be none, nats://host:port, redis://host:port or amqp://user:password@host:port, got "${redactUrl(value)}"`);
}

/** A URL as it may appear in an error message: any password replaced. */
function redactUrl(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, "$1***@");
}

function bulkheadFrom(env: Env): { enabled: boolean; concurrency: number; maxQueueSize: number } {
  return { enabled: env.BULKHEAD !== "off", concurrency: intFromEnv(env, "BULKHEAD_CONCURRENCY", 50, 1), maxQueueSize: intFromEnv(env, "BULKHEAD_QUEUE", 500, 0) };
}

function namespaceFrom(env: Env): string {
  return env.NAMESPACE ?? "loanstack";
}

/**
 * - memory: bounded (LRU, CACHER_MAX_KEYS entries), since callers choose part of the keys
 *   (a schedule's `as_of`, a list's page): an unbounded cache grows with every new value.
 * - Redis: the key prefix names the NAMESPACE. Moleculer adds the namespace to its keys only
 *   when no prefix is set (cachers/base.js), so a bare "loanstack-cache" prefix made two
 *   deployments on one Redis read, and clear, each other's entries.
 */
function cacherFrom(env: Env): BrokerOptions["cacher"] {
  const value = env.CACHER?.trim() || "memory";
  if (value === "none") return null;
  if (value === "memory") return { type: "MemoryLRU", options: { ttl: 60, clone: false, max: intFromEnv(env, "CACHER_MAX_KEYS", 10_000, 1) } };
  if (/^rediss?:\/\//.test(value)) {
    const namespace = namespaceFrom(env);
    return { type: "Redis", options: { ttl: 60, prefix: namespace ? `loanstack-cache-${namespace}` : "loanstack-cache", redis: redisOptions(value) } };
  }
  throw new Error(`CACHER must be none, memory or redis://host:port, got "${value}"`);
}

function tracingFrom(env: Env): BrokerOptions["tracing"] {
  const exporter = env.TRACING_EXPORTER?.trim();
  if (!exporter || exporter === "none") return { enabled: false };
  if (exporter === "Console") return { enabled: true, exporter: { type: "Console" } };
  if (exporter === "Zipkin" || exporter === "Jaeger") {
    // Jaeger collectors take the Zipkin format too (port 9411): one exporter serves both.
    const endpoint = env.TRACING_ENDPOINT ?? "http://127.0.0.1:9411/api/v2/spans";
    return { enabled: true, exporter: { type: "Zipkin", options: { baseURL: new URL(endpoint).origin } } };
  }
  throw new Error(`TRACING_EXPORTER must be none, Console, Zipkin or Jaeger, got "${exporter}"`);
}

function metricsFrom(env: Env): BrokerOptions["metrics"] {
  const port = intFromEnv(env, "METRICS_PORT", 0);
  if (port === 0) return { enabled: false };
  return { enabled: true, reporter: [{ type: "Prometheus", options: { port, path: "/metrics" } }] };
}

export function brokerOptions(env: Env = process.env): BrokerOptions {
  return {
    namespace: namespaceFrom(env),
    nodeID: env.NODE_ID || `${os.hostname()}-${process.pid}`,
    logger: { type: "Console", options: { formatter: env.LOG_FORMAT === "json" ? "json" : "short", colors: env.NO_COLOR === undefined } },
    logLevel: (env.LOG_LEVEL ?? "info") as BrokerOptions["logLevel"],
    transporter: transporterFrom(env),
    cacher: cacherFrom(env),
    serializer: "JSON",
    requestTimeout: intFromEnv(env, "REQUEST_TIMEOUT", 10_000),
    // A node that vanished without a goodbye (kill -9, a lost machine) is dropped once it
    // missed heartbeats for this long (Moleculer checks every HEARTBEAT_TIMEOUT seconds, so
    // within about twice that), and calls then fail fast with 503 instead of timing out.
    heartbeatInterval: intFromEnv(env, "HEARTBEAT_INTERVAL", 1, 1),
    heartbeatTimeout: intFromEnv(env, "HEARTBEAT_TIMEOUT", 4, 2),
    retryPolicy: {
      enabled: true,
      retries: intFromEnv(env, "RETRIES", 2),
      delay: 100,
      maxDelay: 1000,
      factor: 2,
      // Only a node that vanished mid-call is worth another try; business errors are final.
      check: (err) => Boolean(err && (err as { retryable?: boolean }).retryable),
    },
    circuitBreaker: { enabled: env.CIRCUIT_BREAKER !== "off", threshold: 0.5, minRequestCount: 20, windowTime: 60, halfOpenTime: 10_000 },
    bulkhead: bulkheadFrom(env),
    tracking: { enabled: true, shutdownTimeout: intFromEnv(env, "SHUTDOWN_TIMEOUT", 10_000) },
    registry: { strategy: "RoundRobin", preferLocal: true },
    validator: true,
    metrics: metricsFrom(env),
    tracing: tracingFrom(env),
  };
}
