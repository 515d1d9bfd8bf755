/**
 * No Docker engine or cluster runs here, so the deployment files are checked by reading
 * them: every service, port and variable in docker-compose.yml, k8s/, .env.example and the
 * Dockerfile must match what the code runs and reads.
 */
import fs from "node:fs";
import path from "node:path";
import { brokerOptions } from "../../moleculer.config";
import { DATABASE_VARIABLES, SERVICE_NAMES, isServiceName } from "../../app/registry";
import { loadConfig } from "../../services/shared/config";
import {
  ROOT,
  codeEnvVars,
  dependsOn,
  envExampleValues,
  environmentOf,
  interpolatedNames,
  k8sFiles,
  readCompose,
  readDockerfile,
  readEnvExample,
  readK8s,
  readKustomization,
  readText,
  serviceSelector,
  type ComposeService,
  type K8sContainer,
  type K8sObject,
} from "./artifacts";

/** Deployed before the code has it: allowed missing from the code until it lands (none today). */
const PENDING_SERVICES: string[] = [];
const PENDING_VARS: string[] = [];
/** Read by the compose files only, to build the *_DATABASE_URL and TRANSPORTER values; documented in .env.example. */
const COMPOSE_ONLY_VARS = ["USERS_DB_PASSWORD", "LOANS_DB_PASSWORD", "AUDIT_DB_PASSWORD", "LEDGER_DB_PASSWORD", "RABBITMQ_PASSWORD"];
/** .env.example variables docker-compose.yml sets itself instead of passing on from .env, and why. */
const COMPOSE_SETS: Record<string, string> = {
  NODE_ENV: "production in every container",
  SERVICES: "one Moleculer service per container",
  LOANSTACK_DATA_DIR: "the embedded PostgreSQL's; compose runs a PostgreSQL per service",
  PORT: "the gateway's container port, published as 8000",
  HOST: "the code's default, every interface of the container",
  USERS_DATABASE_URL: "built from USERS_DB_PASSWORD",
  LOANS_DATABASE_URL: "built from LOANS_DB_PASSWORD",
  AUDIT_DATABASE_URL: "built from AUDIT_DB_PASSWORD",
  LEDGER_DATABASE_URL: "built from LEDGER_DB_PASSWORD",
  TRANSPORTER: "the compose network's NATS (or RabbitMQ, in docker-compose.rabbitmq.yml)",
  NODE_ID: "each container's hostname, unique under --scale",
  RABBITMQ_PASSWORD: "read by docker-compose.rabbitmq.yml",
  NO_COLOR: "the containers log JSON (LOG_FORMAT), which has no colours",
};
/** Values that must never be filled in a file that is committed. */
const SECRET_VARS = /(SECRET|PASSWORD|_DATABASE_URL)$/;

const codeVars = codeEnvVars();
const defaults = loadConfig({});
const compose = readCompose();
const k8s = readK8s();
const envExample = readEnvExample();
const envExampleNames = new Set(envExample.map((e) => e.name));

const moleculerServices: string[] = SERVICE_NAMES;
const deployedServices = [...new Set([...moleculerServices, ...PENDING_SERVICES])];
const isKnownService = (name: string) => isServiceName(name) || PENDING_SERVICES.includes(name);
const isKnownVar = (name: string) => codeVars.has(name) || PENDING_VARS.includes(name);
/** The variable naming a service's own database, if it has one. */
const databaseVarOf = (service: string): string | undefined =>
  (isServiceName(service) ? DATABASE_VARIABLES[service] : undefined) ?? (PENDING_SERVICES.includes(service) && !isServiceName(service) ? `${service.toUpperCase()}_DATABASE_URL` : undefined);

function servicesIn(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

describe("the code's environment", () => {
  it("is found by reading the sources (the scanner sees what config.ts and moleculer.config.ts read)", () => {
    for (const name of ["NODE_ENV", "PORT", "JWT_SECRET", "USERS_DATABASE_URL", "LOANS_DATABASE_URL", "SERVICES", "TRANSPORTER", "METRICS_PORT", "NO_COLOR"]) {
      expect(codeVars).toContain(name);
    }
  });

  it("allows nothing deployed ahead of the code once the code has it", () => {
    // An allowance that outlived its reason would hide a typo in a deployment file.
    expect(PENDING_SERVICES.filter(isServiceName)).toEqual([]);
    expect(PENDING_VARS.filter((v) => codeVars.has(v))).toEqual([]);
  });
});

describe(".env.example", () => {
  it("lists every variable the code reads", () => {
    expect([...codeVars].filter((name) => !envExampleNames.has(name))).toEqual([]);
  });

  it("lists only variables the code reads, or that docker-compose.yml uses", () => {
    const unknown = [...envExampleNames].filter((name) => !isKnownVar(name) && !COMPOSE_ONLY_VARS.includes(name));
    expect(unknown).toEqual([]);
    const composeText = readText("docker-compose.yml") + readText("docker-compose.rabbitmq.yml");
    for (const name of COMPOSE_ONLY_VARS) expect(interpolatedNames(composeText)).toContain(name);
  });

  it("documents each variable with a comment, once", () => {
    expect(envExample.filter((e) => !e.documented).map((e) => e.name)).toEqual([]);
    expect(envExample.length).toBe(envExampleNames.size);
  });

  it("fills in no secret", () => {
    expect(envExample.filter((e) => SECRET_VARS.test(e.name) && e.value !== "").map((e) => e.name)).toEqual([]);
  });

  it("gives the code's defaults: exporting it changes nothing", () => {
    const values = envExampleValues();
    expect(loadConfig(values)).toEqual(defaults);
    // JSON drops the retry policy's check function, the one part that cannot be compared.
    expect(JSON.parse(JSON.stringify(brokerOptions(values)))).toEqual(JSON.parse(JSON.stringify(brokerOptions({}))));
    expect(values.PORT).toBe(String(defaults.port));
  });
});

describe("docker-compose.yml", () => {
  const entries = Object.entries(compose.services);
  const apps = entries.filter(([, s]) => s.build !== undefined);
  const appNamed = (name: string) => apps.find(([, s]) => servicesIn(environmentOf(s).SERVICES).includes(name));

  it("builds every app container from the Dockerfile as one loanstack image, the rest from known images", () => {
    expect(apps.length).toBeGreaterThan(0);
    for (const [name, s] of apps) {
      const build = typeof s.build === "string" ? { context: s.build } : s.build!;
      expect({ name, context: build.context, dockerfile: build.dockerfile ?? "Dockerfile" }).toEqual({ name, context: ".", dockerfile: "Dockerfile" });
      expect(s.image).toMatch(/^loanstack(:|$)/);
    }
    for (const [name, s] of entries.filter(([, s]) => s.build === undefined)) {
      expect({ name, image: s.image }).toEqual({ name, image: expect.stringMatching(/^(postgres|nats):/) });
    }
  });

  it("runs each Moleculer service in a container of its own, and only services the code has", () => {
    for (const [name, s] of apps) {
      const services = servicesIn(environmentOf(s).SERVICES);
      expect({ name, services }).toEqual({ name, services: [expect.any(String)] });
      expect({ name, known: services.every(isKnownService) }).toEqual({ name, known: true });
    }
    for (const service of deployedServices) expect({ service, deployed: Boolean(appNamed(service)) }).toEqual({ service, deployed: true });
  });

  it("passes only variables the code reads, and interpolates only variables .env.example documents", () => {
    for (const [name, s] of apps) {
      const unknown = Object.keys(environmentOf(s)).filter((v) => !isKnownVar(v));
      expect({ name, unknown }).toEqual({ name, unknown: [] });
    }
    const undocumented = interpolatedNames(readText("docker-compose.yml")).filter((v) => !envExampleNames.has(v));
    expect(undocumented).toEqual([]);
  });

  it("passes on every variable .env.example lists, but those it sets itself", () => {
    const fromEnvFile = new Set(interpolatedNames(readText("docker-compose.yml")));
    expect(envExample.map((e) => e.name).filter((n) => !fromEnvFile.has(n) && !(n in COMPOSE_SETS))).toEqual([]);
    expect(Object.keys(COMPOSE_SETS).filter((n) => !envExampleNames.has(n))).toEqual([]);
  });

  it("joins every app container over NATS with JetStream, in production mode, with the JWT secret required", () => {
    const nats = compose.services.nats!;
    expect(nats.image).toMatch(/^nats:/);
    expect([nats.command].flat()).toContain("-js");
    for (const [name, s] of apps) {
      const env = environmentOf(s);
      expect({ name, transporter: env.TRANSPORTER, mode: env.NODE_ENV }).toEqual({ name, transporter: "nats://nats:4222", mode: "production" });
      if (env.JWT_SECRET !== undefined) expect(env.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?.+\}$/);
    }
    // users signs tokens and api verifies them: both need the secret.
    for (const service of ["users", "api"]) expect(environmentOf(appNamed(service)![1]).JWT_SECRET).toBeDefined();
  });

  it("gives each service its own PostgreSQL, and no service another's", () => {
    const dbsUsed: string[] = [];
    for (const [name, s] of apps) {
      const env = environmentOf(s);
      const own = databaseVarOf(environmentOf(s).SERVICES ?? "");
      const urlVars = Object.keys(env).filter((v) => v.endsWith("_DATABASE_URL"));
      expect({ name, urlVars }).toEqual({ name, urlVars: own ? [own] : [] });
      if (!own) continue;
      const url = new URL(env[own]!.replace(/\$\{[^}]*\}/g, "pw"));
      const db = compose.services[url.hostname];
      expect({ name, dbImage: db?.image }).toEqual({ name, dbImage: expect.stringMatching(/^postgres:/) });
      const dbEnv = environmentOf(db!);
      expect({ name, db: url.pathname.slice(1), user: url.username, port: url.port }).toEqual({ name, db: dbEnv.POSTGRES_DB, user: dbEnv.POSTGRES_USER, port: "5432" });
      // The URL carries the very password the database container is given.
      expect(interpolatedNames(env[own]!)).toEqual(interpolatedNames(dbEnv.POSTGRES_PASSWORD ?? ""));
      expect({ name, waitsFor: dependsOn(s)[url.hostname] }).toEqual({ name, waitsFor: "service_healthy" });
      dbsUsed.push(url.hostname);
    }
    const postgresServices = entries.filter(([, s]) => (s.image ?? "").startsWith("postgres:")).map(([n]) => n);
    expect(dbsUsed.sort()).toEqual(postgresServices.sort());
  });

  it("depends only on services that exist, waiting for health only where a health check exists", () => {
    for (const [name, s] of entries) {
      for (const [target, condition] of Object.entries(dependsOn(s))) {
        expect({ name, target, exists: target in compose.services }).toEqual({ name, target, exists: true });
        if (condition === "service_healthy") expect({ name, target, healthcheck: Boolean(compose.services[target]!.healthcheck) }).toEqual({ name, target, healthcheck: true });
      }
    }
    for (const [name, s] of apps) expect({ name, nats: dependsOn(s).nats }).toEqual({ name, nats: "service_healthy" });
  });

  it("checks health: pg_isready on every database, NATS, and GET /health on the gateway", () => {
    const testOf = (s: ComposeService) => [s.healthcheck?.test ?? ""].flat().join(" ");
    for (const [name, s] of entries.filter(([, s]) => (s.image ?? "").startsWith("postgres:"))) {
      expect({ name, test: testOf(s) }).toEqual({ name, test: expect.stringContaining("pg_isready") });
    }
    expect(testOf(compose.services.nats!)).toMatch(/healthz/);
    expect(testOf(appNamed("api")![1])).toContain(`127.0.0.1:${defaults.port}/health`);
  });

  it("publishes the gateway on its port, and nothing else", () => {
    const [apiName, api] = appNamed("api")!;
    const port = environmentOf(api).PORT ?? String(defaults.port);
    expect(port).toBe(String(defaults.port));
    expect(api.ports).toEqual([`${port}:${port}`]);
    expect(entries.filter(([name, s]) => name !== apiName && s.ports?.length).map(([n]) => n)).toEqual([]);
  });

  it("restarts every container and keeps data in declared named volumes", () => {
    for (const [name, s] of entries) expect({ name, restart: s.restart }).toEqual({ name, restart: expect.stringMatching(/^(always|unless-stopped|on-failure)/) });
    const declared = Object.keys(compose.volumes ?? {});
    for (const [name, s] of entries) {
      for (const volume of s.volumes ?? []) expect({ name, volume: declared.includes(volume.split(":")[0]!) }).toEqual({ name, volume: true });
      if ((s.image ?? "").startsWith("postgres:")) expect(s.volumes?.some((v) => v.endsWith(":/var/lib/postgresql"))).toBe(true);
    }
  });
});

describe("k8s/", () => {
  const kustomization = readKustomization();
  const ofKind = (kind: string) => k8s.filter((o) => o.kind === kind);
  const appDeployments = ofKind("Deployment").filter((d) => d.spec!.template!.spec.containers.some((c) => c.image.startsWith("loanstack")));
  const containerOf = (d: K8sObject): K8sContainer => d.spec!.template!.spec.containers[0]!;
  const servicesOf = (d: K8sObject) => servicesIn(containerOf(d).env?.find((e) => e.name === "SERVICES")?.value);
  const deploymentFor = (service: string) => appDeployments.find((d) => servicesOf(d).includes(service));
  const configMap = ofKind("ConfigMap")[0]!;
  const secret = ofKind("Secret")[0]!;

  it("is listed in full by kustomization.yaml, with no namespace fixed anywhere", () => {
    expect([...kustomization.resources].sort()).toEqual(k8sFiles());
    expect(kustomization.namespace).toBeUndefined();
    expect(k8s.filter((o) => o.metadata.namespace !== undefined)).toEqual([]);
    expect(ofKind("ConfigMap")).toHaveLength(1);
    expect(ofKind("Secret")).toHaveLength(1);
  });

  it("has one Deployment and one Service per Moleculer service, the Service selecting its pods", () => {
    for (const service of deployedServices) {
      const d = deploymentFor(service);
      expect({ service, deployment: Boolean(d) }).toEqual({ service, deployment: true });
      expect(servicesOf(d!)).toEqual([service]);
      const labels = d!.spec!.template!.metadata.labels;
      expect(d!.spec!.selector!.matchLabels).toBeDefined();
      for (const [k, v] of Object.entries(d!.spec!.selector!.matchLabels!)) expect(labels[k]).toBe(v);
      const svc = ofKind("Service").find((s) => s.metadata.name === d!.metadata.name);
      expect({ service, svc: Boolean(svc) }).toEqual({ service, svc: true });
      for (const [k, v] of Object.entries(serviceSelector(svc!))) expect({ service, k, v: labels[k] }).toEqual({ service, k, v });
      const portNames = (containerOf(d!).ports ?? []).map((p) => p.name);
      const portNumbers = (containerOf(d!).ports ?? []).map((p) => p.containerPort);
      for (const p of svc!.spec!.ports!) {
        const target = p.targetPort ?? p.port;
        expect({ service, target, declared: typeof target === "string" ? portNames.includes(target) : portNumbers.includes(target) }).toEqual({ service, target, declared: true });
      }
    }
    for (const d of appDeployments) expect(servicesOf(d).every(isKnownService)).toBe(true);
  });

  it("runs the loanstack image, which kustomization.yaml lets you point at a registry", () => {
    for (const d of appDeployments) expect(containerOf(d).image).toMatch(/^loanstack(:|$)/);
    expect(kustomization.images?.map((i) => i.name)).toContain("loanstack");
  });

  it("sets only variables the code reads, from the one ConfigMap and the one Secret", () => {
    const names = [...Object.keys(configMap.data ?? {}), ...Object.keys(secret.stringData ?? secret.data ?? {})];
    for (const d of appDeployments) {
      const c = containerOf(d);
      names.push(...(c.env ?? []).map((e) => e.name));
      for (const from of c.envFrom ?? []) {
        if (from.configMapRef) expect(from.configMapRef.name).toBe(configMap.metadata.name);
        expect(from.secretRef).toBeUndefined(); // secrets are handed out per key, to the services that need them
      }
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (!ref) continue;
        expect(ref.name).toBe(secret.metadata.name);
        if (!ref.optional) expect({ key: ref.key, inSecret: ref.key in (secret.stringData ?? {}) }).toEqual({ key: ref.key, inSecret: true });
      }
    }
    expect([...new Set(names)].filter((n) => !isKnownVar(n))).toEqual([]);
  });

  it("keeps secrets out of the ConfigMap and placeholders in the Secret template", () => {
    expect(Object.keys(configMap.data ?? {}).filter((n) => SECRET_VARS.test(n))).toEqual([]);
    for (const [key, value] of Object.entries(secret.stringData ?? {})) expect({ key, placeholder: value.includes("CHANGE-ME") }).toEqual({ key, placeholder: true });
    // Fails safe if applied unchanged: production refuses a JWT secret this short.
    expect(secret.stringData!.JWT_SECRET!.length).toBeLessThan(32);
  });

  it("gives each service its own database URL, and no service another's; users and api the JWT secret", () => {
    for (const d of appDeployments) {
      const service = servicesOf(d)[0]!;
      const urlVars = (containerOf(d).env ?? []).map((e) => e.name).filter((n) => n.endsWith("_DATABASE_URL"));
      const own = databaseVarOf(service);
      expect({ service, urlVars }).toEqual({ service, urlVars: own ? [own] : [] });
    }
    for (const service of ["users", "api"]) {
      expect(containerOf(deploymentFor(service)!).env?.some((e) => e.valueFrom?.secretKeyRef?.key === "JWT_SECRET")).toBe(true);
    }
  });

  it("joins the pods over the NATS Service, with JetStream", () => {
    const data = configMap.data!;
    expect(data.NODE_ENV).toBe("production");
    const url = new URL(data.TRANSPORTER!);
    const nats = ofKind("Service").find((s) => s.metadata.name === url.hostname);
    expect(nats?.spec?.ports?.map((p) => p.port)).toContain(Number(url.port));
    const natsDeployment = ofKind("Deployment").find((d) => d.metadata.name === url.hostname)!;
    expect(containerOf(natsDeployment).args).toContain("-js");
  });

  it("shares one Redis cache between the replicas of a service that runs more than one", () => {
    const scaled = appDeployments.filter((d) => (d.spec!.replicas ?? 1) > 1).map((d) => d.metadata.name);
    expect(scaled.length).toBeGreaterThan(0);
    const url = new URL(configMap.data!.CACHER!);
    expect(url.protocol).toBe("redis:");
    const svc = ofKind("Service").find((s) => s.metadata.name === url.hostname);
    expect(svc?.spec?.ports?.map((p) => p.port)).toContain(Number(url.port));
    const redis = ofKind("Deployment").find((d) => d.metadata.name === url.hostname)!;
    expect(containerOf(redis).image).toMatch(/^redis:/);
    for (const d of appDeployments) expect({ d: d.metadata.name, cacher: containerOf(d).env?.find((e) => e.name === "CACHER") }).toEqual({ d: d.metadata.name, cacher: undefined });
  });

  it("serves the gateway on PORT's default, probed on /health", () => {
    const api = deploymentFor("api")!;
    const c = containerOf(api);
    const http = c.ports!.find((p) => p.containerPort === defaults.port);
    expect(http).toBeDefined();
    expect(configMap.data!.PORT ?? String(defaults.port)).toBe(String(defaults.port));
    const svc = ofKind("Service").find((s) => s.metadata.name === api.metadata.name)!;
    expect(svc.spec!.ports!.find((p) => p.targetPort === http!.name || p.targetPort === http!.containerPort)?.port).toBe(defaults.port);
    const probePort = (p: { port: string | number } | undefined) => p?.port;
    expect(c.startupProbe?.httpGet?.path).toBe("/health");
    for (const probe of [c.startupProbe, c.readinessProbe, c.livenessProbe]) {
      expect(probe).toBeDefined();
      expect([http!.name, http!.containerPort]).toContain(probePort(probe!.httpGet ?? probe!.tcpSocket));
    }
  });

  it("exposes metrics on METRICS_PORT where the other services are probed", () => {
    const metricsPort = Number(configMap.data!.METRICS_PORT);
    for (const d of appDeployments) {
      expect({ d: d.metadata.name, metrics: containerOf(d).ports?.find((p) => p.name === "metrics")?.containerPort }).toEqual({ d: d.metadata.name, metrics: metricsPort });
    }
  });
});

describe("Dockerfile", () => {
  const instructions = readDockerfile();
  const stages = instructions.filter((i) => i.keyword === "FROM");
  const lastStage = instructions.slice(instructions.lastIndexOf(stages[stages.length - 1]!));
  const pkg = JSON.parse(readText("package.json")) as { scripts: Record<string, string>; files: string[] };

  it("builds in one stage and runs from a slim node:22 stage", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[stages.length - 1]!.args).toMatch(/^node:22-slim\b/);
    const runs = instructions.filter((i) => i.keyword === "RUN").map((i) => i.args);
    expect(runs.some((r) => r.includes("npm ci"))).toBe(true);
    expect(runs.some((r) => r.includes("npm run build"))).toBe(true);
    expect(pkg.scripts.build).toBeDefined();
    expect(lastStage.filter((i) => i.keyword === "RUN").some((r) => r.args.includes("--omit=dev"))).toBe(false); // deps come from their own stage
  });

  it("runs dist/server.js, the file npm start runs and the build writes, as a user other than root", () => {
    const cmd = lastStage.find((i) => i.keyword === "CMD")!;
    expect(JSON.parse(cmd.args)).toEqual(["node", "dist/server.js"]);
    expect(pkg.scripts.start).toBe("node dist/server.js");
    const tsconfig = JSON.parse(readText("tsconfig.build.json")) as { include: string[] };
    expect(tsconfig.include).toContain("server.ts");
    const user = lastStage.filter((i) => i.keyword === "USER").pop()?.args;
    expect(user).toBeDefined();
    expect(["root", "0"]).not.toContain(user!.split(":")[0]);
  });

  it("exposes the gateway port, and sets only variables the code reads", () => {
    expect(lastStage.filter((i) => i.keyword === "EXPOSE").flatMap((i) => i.args.split(/\s+/))).toContain(String(defaults.port));
    const envNames = instructions.filter((i) => i.keyword === "ENV").map((i) => i.args.split(/[=\s]/)[0]!);
    expect(envNames.filter((n) => !isKnownVar(n))).toEqual([]);
  });

  it("leaves dependencies, build output, data and env files out of the build context", () => {
    const ignored = readText(".dockerignore")
      .split("\n")
      .map((l) => l.trim());
    for (const entry of ["node_modules", "dist", "data", ".env"]) expect(ignored).toContain(entry);
    // Whatever the build compiles must reach the build stage.
    const tsconfig = JSON.parse(readText("tsconfig.build.json")) as { include: string[] };
    expect(tsconfig.include.filter((p) => ignored.includes(p) || ignored.includes(`${p}/`))).toEqual([]);
    expect(fs.existsSync(path.join(ROOT, "package-lock.json"))).toBe(true); // npm ci needs it
  });

  it("ships no bench: the build leaves bench/ out of dist, so of the npm package and the image", () => {
    const tsconfig = JSON.parse(readText("tsconfig.build.json")) as { include: string[] };
    expect(tsconfig.include.filter((p) => p.split("/")[0] === "bench")).toEqual([]);
    expect(pkg.files.filter((p) => p.split("/")[0] === "bench")).toEqual([]);
    expect(
      readText(".dockerignore")
        .split("\n")
        .map((l) => l.trim()),
    ).toContain("bench");
  });
});
