/**
 * Reading the deployment artifacts (docker-compose.yml, k8s/, .env.example, Dockerfile) and
 * the set of environment variables the code reads, so the tests can hold one against the other.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";

export const ROOT = path.resolve(__dirname, "../..");

export function readText(relative: string): string {
  return fs.readFileSync(path.join(ROOT, relative), "utf8");
}

// ---------------------------------------------------------------- the code ----------------

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

/** Ways the code reads a variable: `env.X`/`process.env.X`, `env["X"]`, `intFromEnv(env, "X")`. */
const READ_PATTERNS: RegExp[] = [
  /\benv\.([A-Z][A-Z0-9_]*)\b/g,
  /\benv\[\s*["'`]([A-Z][A-Z0-9_]*)["'`]\s*\]/g,
  /\w+FromEnv\(\s*\w+\s*,\s*["'`]([A-Z][A-Z0-9_]*)["'`]/g,
  // Database URL variables are named in one place and read through it (the registry, urlVariable).
  /["'`]([A-Z][A-Z0-9_]*_DATABASE_URL)["'`]/g,
];

/** Every variable read by the composition root (app/), the services, moleculer.config.ts and server.ts, found in their text. */
export function codeEnvVars(): Set<string> {
  const files = [...sourceFiles(path.join(ROOT, "app")), ...sourceFiles(path.join(ROOT, "services")), path.join(ROOT, "moleculer.config.ts"), path.join(ROOT, "server.ts")];
  const names = new Set<string>();
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    for (const pattern of READ_PATTERNS) for (const m of text.matchAll(pattern)) names.add(m[1]!);
  }
  return names;
}

// ---------------------------------------------------------------- .env.example -------------

export interface EnvExampleEntry {
  name: string;
  value: string;
  /** `# NAME=value`: documented, left off on purpose (e.g. NO_COLOR, where any value counts). */
  commentedOut: boolean;
  /** The nearest line above that is not another variable is a comment, not a blank line. */
  documented: boolean;
}

export function readEnvExample(): EnvExampleEntry[] {
  const lines = readText(".env.example").split("\n");
  // `NAME=value`, or `# NAME=value` with one word of value (prose that wraps onto a
  // "# WORD=..." line is not a variable).
  const variable = /^(?:([A-Z][A-Z0-9_]*)=(.*)|(#) ?([A-Z][A-Z0-9_]*)=(\S*))$/;
  const entries: EnvExampleEntry[] = [];
  lines.forEach((line, i) => {
    const m = variable.exec(line);
    if (!m) return;
    let j = i - 1;
    while (j >= 0 && variable.test(lines[j]!)) j -= 1;
    const commentedOut = Boolean(m[3]);
    entries.push({
      name: (commentedOut ? m[4] : m[1])!,
      value: (commentedOut ? m[5] : m[2])!,
      commentedOut,
      documented: j >= 0 && lines[j]!.startsWith("#"),
    });
  });
  return entries;
}

/** The values a shell would export from .env.example (the commented-out lines are not). */
export function envExampleValues(): Record<string, string> {
  return Object.fromEntries(
    readEnvExample()
      .filter((e) => !e.commentedOut)
      .map((e) => [e.name, e.value]),
  );
}

// ---------------------------------------------------------------- docker compose -----------

export interface ComposeHealthcheck {
  test: string[] | string;
}

export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  ports?: string[];
  volumes?: string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: ComposeHealthcheck;
  restart?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export function readCompose(): ComposeFile {
  // Compose resolves YAML merge keys (`<<: *app`); YAML 1.2 parsers need to be told to.
  return YAML.parse(readText("docker-compose.yml"), { merge: true }) as ComposeFile;
}

export function environmentOf(service: ComposeService): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, v === null ? "" : String(v)]));
}

export function dependsOn(service: ComposeService): Record<string, string | undefined> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, undefined]));
  return Object.fromEntries(Object.entries(deps).map(([name, d]) => [name, d.condition]));
}

/** `${NAME}`, `${NAME:-default}`, `${NAME:?message}`: the names compose substitutes. `$${X}` is a literal. */
export function interpolatedNames(text: string): string[] {
  return [...text.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
}

// ---------------------------------------------------------------- kubernetes ---------------

export interface K8sEnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; configMapKeyRef?: { name: string; key: string } };
}

export interface K8sProbe {
  httpGet?: { path: string; port: string | number };
  tcpSocket?: { port: string | number };
}

export interface K8sContainer {
  name: string;
  image: string;
  args?: string[];
  env?: K8sEnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  readinessProbe?: K8sProbe;
  livenessProbe?: K8sProbe;
  startupProbe?: K8sProbe;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> } & Record<string, unknown>;
    template?: { metadata: { labels: Record<string, string> }; spec: { containers: K8sContainer[] } };
    ports?: { name?: string; port: number; targetPort?: string | number }[];
  };
}

export interface Kustomization {
  resources: string[];
  namespace?: string;
  images?: { name: string; newName?: string; newTag?: string }[];
}

export function k8sFiles(): string[] {
  return fs
    .readdirSync(path.join(ROOT, "k8s"))
    .filter((f) => /\.ya?ml$/.test(f) && f !== "kustomization.yaml")
    .sort();
}

export function readK8s(): K8sObject[] {
  return k8sFiles().flatMap((file) =>
    YAML.parseAllDocuments(readText(`k8s/${file}`)).map((doc) => {
      if (doc.errors.length) throw new Error(`k8s/${file}: ${doc.errors[0]!.message}`);
      return doc.toJS() as K8sObject;
    }),
  );
}

export function readKustomization(): Kustomization {
  return YAML.parse(readText("k8s/kustomization.yaml")) as Kustomization;
}

/** A Service's selector is a plain label map; a Deployment's sits under matchLabels. */
export function serviceSelector(service: K8sObject): Record<string, string> {
  return (service.spec?.selector ?? {}) as Record<string, string>;
}

// ---------------------------------------------------------------- Dockerfile ---------------

export interface DockerInstruction {
  keyword: string;
  args: string;
}

/** Instructions with continuation lines joined and comments dropped. */
export function readDockerfile(): DockerInstruction[] {
  const joined = readText("Dockerfile")
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("#"))
    .join("\n")
    .replace(/\\\n/g, " ");
  return joined
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const space = line.search(/\s/);
      return { keyword: line.slice(0, space).toUpperCase(), args: line.slice(space + 1).trim() };
    });
}

// ---------------------------------------------------------------- compose override files ---

/** Marks a mapping tagged `!override` once parsed: compose replaces it instead of merging. */
const OVERRIDE_MARK = "!override";

export type ComposeOverride = Omit<ComposeFile, "services"> & { services: Record<string, Partial<ComposeService> & { profiles?: string[]; hostname?: string }> };

/** An override file such as docker-compose.rabbitmq.yml, with its `!override` mappings marked. */
export function readComposeOverride(relative: string): ComposeOverride {
  const override: YAML.CollectionTag = {
    tag: "!override",
    collection: "map",
    resolve(map) {
      if (YAML.isMap(map)) (map as YAML.YAMLMap<unknown, unknown>).set(OVERRIDE_MARK, true);
      return map;
    },
  };
  return YAML.parse(readText(relative), { merge: true, customTags: [override] }) as ComposeOverride;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * `docker compose -f base -f override`'s merge, for what our files use: mappings merge key by
 * key, sequences are joined (duplicates once), scalars are replaced, and a mapping tagged
 * `!override` replaces the base's whole.
 */
export function mergeCompose<T>(base: T, override: unknown): T {
  if (isPlainObject(override) && override[OVERRIDE_MARK] === true) {
    const { [OVERRIDE_MARK]: _mark, ...replacement } = override;
    return replacement as T;
  }
  if (isPlainObject(base) && isPlainObject(override)) {
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(override)) merged[key] = key in base ? mergeCompose(base[key], value) : mergeCompose(undefined, value);
    return merged as T;
  }
  if (Array.isArray(base) && Array.isArray(override)) return [...new Set([...base, ...override])] as T;
  if (isPlainObject(override)) return mergeCompose({}, override) as T; // drops marks nested in new entries
  return override as T;
}

/** The objects `kubectl kustomize <dir>` renders (kubectl must be installed). */
export function renderKustomization(dir: string): K8sObject[] {
  const out = execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return YAML.parseAllDocuments(out).map((doc) => doc.toJS() as K8sObject);
}

/** null when `kubectl` runs here, else why not. */
export function kubectlMissing(): string | null {
  const r = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
  return r.status === 0 ? null : (r.error?.message ?? r.stderr.trim()) || `exit ${r.status}`;
}
