/**
 * Cache keys carry the NAMESPACE (issue 16 #9): two deployments with different namespaces
 * sharing one Redis (127.0.0.1:6379) never read or clear each other's entries. Brokers made
 * from moleculer.config.ts's own options, with the real Redis cacher.
 */
import crypto from "node:crypto";
import { ServiceBroker } from "moleculer";
import { brokerOptions } from "../../moleculer.config.js";

const REDIS = "redis://127.0.0.1:6379";
const run = crypto.randomBytes(4).toString("hex");
const brokers: ServiceBroker[] = [];

async function deployment(namespace: string): Promise<ServiceBroker> {
  const broker = new ServiceBroker({ ...brokerOptions({ CACHER: REDIS, NAMESPACE: namespace }), logger: false, nodeID: `${namespace}-node` });
  brokers.push(broker);
  await broker.start();
  return broker;
}

afterAll(async () => {
  for (const broker of brokers) {
    await broker.cacher?.clean();
    await broker.stop();
  }
});

test("two namespaces on one Redis: neither reads nor clears the other's entries", async () => {
  const [blue, green] = [await deployment(`blue-${run}`), await deployment(`green-${run}`)];
  const key = "users.isCustomer:5";
  await blue.cacher!.set(key, { deployment: "blue" });
  expect((await green.cacher!.get(key)) ?? null).toBeNull();
  await green.cacher!.set(key, { deployment: "green" });
  expect(await blue.cacher!.get(key)).toEqual({ deployment: "blue" });

  // A write's clear in one deployment leaves the other's cache alone.
  await green.cacher!.clean("users.**");
  expect((await green.cacher!.get(key)) ?? null).toBeNull();
  expect(await blue.cacher!.get(key)).toEqual({ deployment: "blue" });
  await green.cacher!.set(key, { deployment: "green" });
  await blue.cacher!.del(key);
  expect(await green.cacher!.get(key)).toEqual({ deployment: "green" });
});

test("a deployment's keys are named with its namespace in Redis", async () => {
  const namespace = `keys-${run}`;
  const broker = await deployment(namespace);
  await broker.cacher!.set("loans.listMine:7", { rows: [] });
  const client = (broker.cacher as unknown as { client: { keys(pattern: string): Promise<string[]> } }).client;
  const keys = await client.keys(`*loans.listMine:7`);
  expect(keys.filter((k) => k.includes(namespace))).toHaveLength(1);
});
