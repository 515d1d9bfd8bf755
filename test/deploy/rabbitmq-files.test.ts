/**
 * The RabbitMQ variants of the deployment: docker-compose.rabbitmq.yml over
 * docker-compose.yml, and the k8s/rabbitmq kustomize Component over k8s/. No Docker engine
 * runs here: the compose files are merged by compose's rules (artifacts.ts) and read;
 * the Kubernetes manifests are rendered with the real `kubectl kustomize`.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { brokerOptions } from "../../moleculer.config";
import { AmqpTransporter } from "../../services/shared/amqp-transporter";
import {
  ROOT,
  dependsOn,
  environmentOf,
  interpolatedNames,
  kubectlMissing,
  mergeCompose,
  readCompose,
  readComposeOverride,
  readEnvExample,
  readText,
  renderKustomization,
  type ComposeFile,
  type K8sContainer,
  type K8sObject,
} from "./artifacts";

const OVERRIDE_FILE = "docker-compose.rabbitmq.yml";
const AMQP_PORT = "5672";

/** A URL whose password is a compose interpolation: the parts, with the interpolation kept aside. */
function amqpUrlParts(value: string): { url: URL; passwordVars: string[] } {
  return { url: new URL(value.replace(/\$\{[^}]*\}/g, "pw")), passwordVars: interpolatedNames(value) };
}

/** The code takes the URL: Moleculer's AMQP transporter (with loanstack's safe shutdown), Nagle off. */
function expectAmqpTransporter(transporter: unknown): void {
  expect(transporter).toBeInstanceOf(AmqpTransporter);
  expect((transporter as AmqpTransporter).opts).toMatchObject({ socketOptions: { noDelay: true } });
}

describe(`${OVERRIDE_FILE} over docker-compose.yml`, () => {
  const base = readCompose();
  const override = readComposeOverride(OVERRIDE_FILE);
  const merged = mergeCompose<ComposeFile & { services: Record<string, { profiles?: string[]; hostname?: string }> }>(base, override);
  const apps = Object.entries(base.services)
    .filter(([, s]) => s.build !== undefined)
    .map(([name]) => name);
  const rabbit = merged.services.rabbitmq!;
  const rabbitEnv = environmentOf(rabbit);

  it("changes only services docker-compose.yml has, and adds RabbitMQ", () => {
    expect(Object.keys(override.services).filter((name) => !(name in base.services))).toEqual(["rabbitmq"]);
    expect(apps.length).toBeGreaterThan(0);
    for (const name of apps) expect({ name, changed: name in override.services }).toEqual({ name, changed: true });
  });

  it("joins every app container over RabbitMQ, as the user RabbitMQ creates, with its password", () => {
    for (const name of apps) {
      const env = environmentOf(merged.services[name]!);
      const { url, passwordVars } = amqpUrlParts(env.TRANSPORTER!);
      expect({ name, protocol: url.protocol, host: url.hostname, port: url.port }).toEqual({ name, protocol: "amqp:", host: "rabbitmq", port: AMQP_PORT });
      expect({ name, user: url.username }).toEqual({ name, user: rabbitEnv.RABBITMQ_DEFAULT_USER });
      expect({ name, passwordVars }).toEqual({ name, passwordVars: interpolatedNames(rabbitEnv.RABBITMQ_DEFAULT_PASS ?? "") });
      expect(passwordVars).toEqual(["RABBITMQ_PASSWORD"]);
      expectAmqpTransporter(brokerOptions({ TRANSPORTER: env.TRANSPORTER!.replace(/\$\{[^}]*\}/g, "pw") }).transporter);
    }
  });

  it("leaves every other setting of the apps as docker-compose.yml has it", () => {
    for (const name of apps) {
      const { TRANSPORTER: _before, ...was } = environmentOf(base.services[name]!);
      const { TRANSPORTER: _after, ...is } = environmentOf(merged.services[name]!);
      expect({ name, env: is }).toEqual({ name, env: was });
      const { environment: _e1, depends_on: _d1, ...restWas } = base.services[name]!;
      const { environment: _e2, depends_on: _d2, ...restIs } = merged.services[name]!;
      expect({ name, rest: restIs }).toEqual({ name, rest: restWas });
    }
  });

  it("makes each app wait for a healthy RabbitMQ instead of NATS, keeping its other dependencies", () => {
    for (const name of apps) {
      const { nats: wasNats, ...others } = dependsOn(base.services[name]!);
      expect(wasNats).toBe("service_healthy");
      expect({ name, depends: dependsOn(merged.services[name]!) }).toEqual({ name, depends: { ...others, rabbitmq: "service_healthy" } });
    }
  });

  it("does not start NATS (a profile of its own), and nothing depends on it", () => {
    expect(merged.services.nats!.profiles).toEqual(["nats"]);
    for (const [name, s] of Object.entries(merged.services)) expect({ name, nats: dependsOn(s).nats }).toEqual({ name, nats: undefined });
  });

  it("runs RabbitMQ like the other infrastructure: health-checked, restarted, data in a named volume, not published", () => {
    expect(rabbit.image).toMatch(/^rabbitmq:\d/);
    expect([rabbit.healthcheck?.test].flat().join(" ")).toMatch(/rabbitmq-diagnostics .*check_port_connectivity/);
    expect(rabbit.restart).toBe("unless-stopped");
    expect(rabbit.ports).toBeUndefined();
    // RabbitMQ keeps its data under its node name, which comes from the host name.
    expect(rabbit.hostname).toBe("rabbitmq");
    const volumes = rabbit.volumes ?? [];
    expect(volumes.some((v) => v.endsWith(":/var/lib/rabbitmq"))).toBe(true);
    for (const v of volumes) expect(Object.keys(merged.volumes ?? {})).toContain(v.split(":")[0]);
    expect(Object.keys(merged.volumes ?? {})).toEqual(expect.arrayContaining(Object.keys(base.volumes ?? {})));
  });

  it("interpolates only variables .env.example documents, left empty there", () => {
    const documented = new Map(readEnvExample().map((e) => [e.name, e]));
    for (const name of new Set(interpolatedNames(readText(OVERRIDE_FILE)))) {
      expect({ name, documented: documented.has(name), value: documented.get(name)?.value }).toEqual({ name, documented: true, value: "" });
    }
  });

  it("is named in docker-compose.yml's header and in docs/operations.md", () => {
    expect(readText("docker-compose.yml")).toContain(OVERRIDE_FILE);
    expect(readText("docs/operations.md")).toContain(`-f ${OVERRIDE_FILE}`);
  });
});

// ------------------------------------------------------------------------------------------

type Rendered = K8sObject & { spec?: { template?: { spec: { containers: (K8sContainer & { readinessProbe?: { exec?: { command: string[] } } })[] } } } };

const kubectl = kubectlMissing();
const describeKubectl = kubectl === null ? describe : describe.skip;
if (kubectl !== null) {
  const message = `kubectl does not run here (${kubectl}): the k8s/rabbitmq renders are not checked`;
  if (process.env.CI === "true") test("kubectl runs (CI needs it for the k8s/rabbitmq checks)", () => void expect(message).toBe(""));
  else console.warn(`SKIPPED: ${message}`);
}

describeKubectl("k8s/rabbitmq, a kustomize Component over k8s/", () => {
  let overlay: string;
  let plain: Rendered[];
  let withRabbit: Rendered[];
  const named = (objs: Rendered[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);
  const container = (o: Rendered) => o.spec!.template!.spec.containers[0]!;
  const appDeployments = (objs: Rendered[]) => objs.filter((o) => o.kind === "Deployment" && container(o).image.startsWith("loanstack"));
  const isAmqpEnv = (e: { name: string }) => e.name === "TRANSPORTER";

  beforeAll(() => {
    // An overlay of the user's own, as the Component's header shows, in a directory outside k8s/.
    overlay = fs.mkdtempSync(path.join(os.tmpdir(), "loanstack-k8s-overlay-"));
    const k8s = path.relative(overlay, path.join(ROOT, "k8s"));
    fs.writeFileSync(path.join(overlay, "kustomization.yaml"), `resources: [${k8s}]\ncomponents: [${k8s}/rabbitmq]\n`);
    plain = renderKustomization(path.join(ROOT, "k8s"));
    withRabbit = renderKustomization(overlay);
  });

  afterAll(() => fs.rmSync(overlay, { recursive: true, force: true }));

  it("is opt-in: k8s/ alone still runs NATS, and its kustomization.yaml says how to switch", () => {
    expect(named(plain, "Deployment", "nats")).toBeDefined();
    expect(named(plain, "Deployment", "rabbitmq")).toBeUndefined();
    expect(readText("k8s/kustomization.yaml")).toMatch(/^# components:\n#\s+- rabbitmq$/m);
  });

  it("takes NATS out: no Deployment, no Service, no NATS URL in the ConfigMap", () => {
    expect(named(withRabbit, "Deployment", "nats")).toBeUndefined();
    expect(named(withRabbit, "Service", "nats")).toBeUndefined();
    expect(named(withRabbit, "ConfigMap", "loanstack-config")!.data!.TRANSPORTER).toBeUndefined();
  });

  it("gives every loanstack pod TRANSPORTER from the loanstack-rabbitmq Secret, once", () => {
    const deployments = appDeployments(withRabbit);
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(
      appDeployments(plain)
        .map((d) => d.metadata.name)
        .sort(),
    );
    for (const d of deployments) {
      const env = (container(d).env ?? []).filter(isAmqpEnv);
      expect({ d: d.metadata.name, env }).toEqual({ d: d.metadata.name, env: [{ name: "TRANSPORTER", valueFrom: { secretKeyRef: { name: "loanstack-rabbitmq", key: "TRANSPORTER" } } }] });
    }
  });

  it("points TRANSPORTER at the RabbitMQ Service, as the user RabbitMQ creates, with placeholders for the password", () => {
    const secret = named(withRabbit, "Secret", "loanstack-rabbitmq")!;
    const url = new URL(secret.stringData!.TRANSPORTER!);
    expect(url.protocol).toBe("amqp:");
    const service = named(withRabbit, "Service", url.hostname)!;
    const port = service.spec!.ports!.find((p) => String(p.port) === url.port)!;
    expect(port).toBeDefined();
    const rabbit = withRabbit.find((o) => o.kind === "Deployment" && Object.entries(service.spec!.selector ?? {}).every(([k, v]) => o.spec!.template!.metadata.labels[k] === v))!;
    const c = container(rabbit);
    expect(c.image).toMatch(/^rabbitmq:\d/);
    expect(c.ports!.find((p) => p.name === port.targetPort || p.containerPort === port.targetPort)?.containerPort).toBe(Number(AMQP_PORT));
    const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e]));
    expect(url.username).toBe(env.RABBITMQ_DEFAULT_USER!.value);
    expect(env.RABBITMQ_DEFAULT_PASS!.valueFrom!.secretKeyRef).toEqual({ name: "loanstack-rabbitmq", key: "RABBITMQ_DEFAULT_PASS" });
    // Template values, the same placeholder in both places, and no real secret committed.
    expect(url.password).toBe("CHANGE-ME");
    expect(secret.stringData!.RABBITMQ_DEFAULT_PASS).toBe("CHANGE-ME");
    expect(c.readinessProbe?.exec?.command.join(" ")).toMatch(/rabbitmq-diagnostics .*check_port_connectivity/);
    expectAmqpTransporter(brokerOptions({ TRANSPORTER: url.href }).transporter);
  });

  it("changes nothing else of k8s/", () => {
    const added = new Set(["Deployment/rabbitmq", "Service/rabbitmq", "Secret/loanstack-rabbitmq"]);
    const key = (o: Rendered) => `${o.kind}/${o.metadata.name}`;
    const strip = (o: Rendered): Rendered => {
      const copy = structuredClone(o);
      if (copy.kind === "ConfigMap") delete copy.data!.TRANSPORTER;
      for (const c of copy.spec?.template?.spec.containers ?? []) if (c.env) c.env = c.env.filter((e) => !isAmqpEnv(e) || !e.valueFrom);
      return copy;
    };
    const expected = plain.filter((o) => !["Deployment/nats", "Service/nats"].includes(key(o))).map(strip);
    const got = withRabbit.filter((o) => !added.has(key(o))).map(strip);
    expect(got.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(expected.sort((a, b) => key(a).localeCompare(key(b))));
  });
});
