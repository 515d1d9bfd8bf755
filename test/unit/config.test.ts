import { brokerOptions, redisOptions } from "../../moleculer.config.js";
import { AmqpTransporter } from "../../services/shared/amqp-transporter.js";
import { loadConfig } from "../../services/shared/config.js";
import { selectServices } from "../../app/registry.js";
import { allConsumers } from "../../services/shared/subscriptions.js";

describe("settings from the environment", () => {
  test("defaults that work on a laptop", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 8000, jwtExpiresIn: "2h", bcryptRounds: 10, rateLimitAuthPerMinute: 60, admin: undefined, dbConnectTimeout: 60, heapGrowingPercent: 100 });
    expect(config.dataDir).toMatch(/data$/);
    const broker = brokerOptions({});
    expect(broker.transporter).toBeNull();
    expect(broker.cacher).toMatchObject({ type: "MemoryLRU", options: { max: 10_000 } });
  });

  test("sessions: REFRESH_EXPIRES_IN (default 30 days) and CORS_ORIGINS (default none)", () => {
    expect(loadConfig({})).toMatchObject({ refreshExpiresIn: 30 * 24 * 3600, corsOrigins: [] });
    expect(loadConfig({ REFRESH_EXPIRES_IN: "12h" }).refreshExpiresIn).toBe(12 * 3600);
    expect(loadConfig({ REFRESH_EXPIRES_IN: "900" }).refreshExpiresIn).toBe(900);
    expect(() => loadConfig({ REFRESH_EXPIRES_IN: "soon" })).toThrow(/REFRESH_EXPIRES_IN/);
    expect(() => loadConfig({ REFRESH_EXPIRES_IN: "0" })).toThrow(/REFRESH_EXPIRES_IN/);
    expect(loadConfig({ CORS_ORIGINS: "https://a.example, http://localhost:5173" }).corsOrigins).toEqual(["https://a.example", "http://localhost:5173"]);
    for (const bad of ["*", "https://a.example/", "https://a.example/app", "ftp://a.example", "a.example"]) {
      expect(() => loadConfig({ CORS_ORIGINS: bad })).toThrow(/CORS_ORIGINS/);
    }
  });

  test("EVENT_CONSUMERS: more consumers of the outboxes, beside the registry's", () => {
    expect(loadConfig({}).eventConsumers).toEqual([]);
    expect(loadConfig({ EVENT_CONSUMERS: "reports=reports.take; ledger=ledger.post:loan.disbursed, loan.repaid" }).eventConsumers).toEqual([
      { consumer: "reports", action: "reports.take", events: "all" },
      { consumer: "ledger", action: "ledger.post", events: ["loan.disbursed", "loan.repaid"] },
    ]);
    for (const bad of ["reports", "reports=take", "Reports=r.take", "r=r.take:", "r=r.take;r=s.take"]) {
      expect(() => loadConfig({ EVENT_CONSUMERS: bad })).toThrow(/EVENT_CONSUMERS/);
    }
    expect(allConsumers(loadConfig({ EVENT_CONSUMERS: "reports=reports.take" }).eventConsumers).map((s) => s.consumer)).toEqual(["audit", "ledger", "loans", "reports"]);
    expect(() => allConsumers(loadConfig({ EVENT_CONSUMERS: "audit=other.record" }).eventConsumers)).toThrow(/declared twice/);
  });

  test("bad values are refused with the variable's name", () => {
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => loadConfig({ BCRYPT_ROUNDS: "2" })).toThrow(/BCRYPT_ROUNDS/);
    expect(() => loadConfig({ DB_CONNECT_TIMEOUT: "1.5" })).toThrow(/DB_CONNECT_TIMEOUT must be an integer >= 1/);
    expect(() => loadConfig({ HEAP_GROWING_PERCENT: "-5" })).toThrow(/HEAP_GROWING_PERCENT must be an integer >= 0/);
    for (const bad of ["abc", "-1", "1.234", "1e6"]) expect(() => loadConfig({ AGENT_DEFAULT_LIMIT: bad })).toThrow(/AGENT_DEFAULT_LIMIT must be an amount/);
    expect(loadConfig({ AGENT_DEFAULT_LIMIT: "250000.5" }).agentDefaultLimit).toBe("250000.50");
    expect(loadConfig({}).agentDefaultLimit).toBe("5000000.00");
    expect(() => loadConfig({ ADMIN_EMAIL: "a@b.c", ADMIN_PASSWORD: "short" })).toThrow(/ADMIN_PASSWORD/);
    expect(() => brokerOptions({ TRANSPORTER: "kafka://x" })).toThrow(/TRANSPORTER must be none, nats:\/\/.*, redis:\/\/.* or amqp:\/\/user:password@host:port, got "kafka:\/\/x"/);
    // The value is echoed to say what was wrong, but never its password.
    expect(() => brokerOptions({ TRANSPORTER: "mqtt://user:s3cret@host:1883" })).toThrow(/got "mqtt:\/\/user:\*\*\*@host:1883"/);
    expect(() => brokerOptions({ CACHER: "disk" })).toThrow(/CACHER/);
    expect(() => brokerOptions({ TRACING_EXPORTER: "Datadog" })).toThrow(/TRACING_EXPORTER/);
    expect(() => selectServices("users,billing")).toThrow(/billing/);
  });

  test("transporter and cacher URLs", () => {
    expect(brokerOptions({ TRANSPORTER: "nats://nats:4222" }).transporter).toEqual({ type: "NATS", options: { url: "nats://nats:4222" } });
    expect(brokerOptions({ TRANSPORTER: "redis://:pw@cache:6380/2" }).transporter).toEqual({ type: "Redis", options: { host: "cache", port: 6380, password: "pw", db: 2 } });
    expect(redisOptions("rediss://r:6379")).toEqual({ host: "r", port: 6379, tls: {} });
    // RabbitMQ: Nagle off (else ~40 ms per call), and as many unacknowledged requests per
    // node as the bulkhead runs and queues (Moleculer's default of 1 would serialise them).
    // Moleculer's AMQP transporter with a shutdown that cannot throw (amqp-transporter.ts).
    const amqp = brokerOptions({ TRANSPORTER: "amqp://user:pw@rabbit:5672" }).transporter;
    expect(amqp).toBeInstanceOf(AmqpTransporter);
    expect((amqp as AmqpTransporter).opts).toMatchObject({ url: ["amqp://user:pw@rabbit:5672"], socketOptions: { noDelay: true }, prefetch: 550 });
    expect((brokerOptions({ TRANSPORTER: "amqps://rabbit", BULKHEAD_CONCURRENCY: "20", BULKHEAD_QUEUE: "0" }).transporter as AmqpTransporter).opts).toMatchObject({ prefetch: 20 });
    expect(brokerOptions({ CACHER: "none" }).cacher).toBeNull();
  });

  test("SERVICES picks what this process runs", () => {
    expect(selectServices(undefined)).toEqual(["users", "loans", "audit", "ledger", "api"]);
    expect(selectServices(" loans , api ")).toEqual(["loans", "api"]);
  });
});
