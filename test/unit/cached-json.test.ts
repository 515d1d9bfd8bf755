/** The gateway's JSON of cached answers: once per cached object, and only where the object is the cache's own. */
import { Cachers } from "moleculer";
import { CachedJson } from "../../services/api/cached-json.js";

const cachedLocal = { local: true, action: { cache: { keys: ["id"] } } };
const page = () => ({ rows: [{ id: 1, amount: "1000.00", note: 'é \u2028 "q"' }], total: 1 });
// The cachers as moleculer.config.ts makes them; the memo only looks at their kind and `clone`.
const memory = () => new Cachers.Memory({ ttl: 60, clone: false });

describe("CachedJson", () => {
  test("with the memory cacher (no clone), a cached local action's object is stringified once: its text is JSON.stringify's", () => {
    const json = new CachedJson(memory());
    const data = page();
    const text = json.encode(data, cachedLocal);
    expect(text).toBe(JSON.stringify(data));
    // The cache's objects are never changed; were one changed, the memo would show it kept the first text.
    data.total = 2;
    expect(json.encode(data, cachedLocal)).toBe(text);
    // Another object (what a cache refill answers) has its own text.
    expect(json.encode({ ...data }, cachedLocal)).toBe(JSON.stringify({ ...data }));
  });

  test.each([
    ["an uncached action", { local: true, action: {} }],
    ["a cache declared `enabled: false`", { local: true, action: { cache: { enabled: false } } }],
    ["`cache: false`", { local: true, action: { cache: false } }],
    ["a remote endpoint (a new object per call)", { local: false, action: { cache: true } }],
    ["no endpoint", undefined],
  ])("%s: stringified on every call", (_what, endpoint) => {
    const json = new CachedJson(memory());
    const data = page();
    expect(json.encode(data, endpoint)).toBe(JSON.stringify(data));
    data.total = 2;
    expect(json.encode(data, endpoint)).toBe(JSON.stringify(data));
  });

  test.each([
    ["no cacher", () => undefined],
    ["a cloning memory cacher", () => new Cachers.Memory({ clone: true })],
    ["the Redis cacher (a new object per hit; never connected here)", () => new Cachers.Redis({ redis: { lazyConnect: true } })],
  ])("%s: the memo is off", (_what, cacher) => {
    const json = new CachedJson(cacher());
    const data = page();
    expect(json.encode(data, cachedLocal)).toBe(JSON.stringify(data));
    data.total = 2;
    expect(json.encode(data, cachedLocal)).toBe(JSON.stringify(data));
  });

  test("values that are not objects are stringified as before", () => {
    const json = new CachedJson(memory());
    for (const value of ["text", 42, true, null]) expect(json.encode(value, cachedLocal)).toBe(JSON.stringify(value));
  });
});
