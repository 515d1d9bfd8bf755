/**
 * The JSON text of a cached answer, made once per cached object instead of on every
 * request: moleculer-web's `JSON.stringify` of a cached 20-row page was ~14% of a cached
 * read's CPU.
 *
 * Why the text is always what `JSON.stringify` would make now: with an in-process cacher
 * that does not clone (moleculer.config.ts: memory, `clone: false`), a cached action
 * answers the very object its cache holds — on the miss that fills it and on every hit —
 * and that object is never changed (a change would already show in every later hit). So
 * the text is memoised by object identity, and only for objects a cached local action
 * answered; it goes when the cache drops the object (a WeakMap). Anywhere else (a
 * transporter, the Redis cacher, a cloning cacher) each answer is a new object, the memo
 * is not even consulted, and the answer is stringified as before.
 */
import { Cachers, type ServiceBroker } from "moleculer";

type Cacher = ServiceBroker["cacher"];

/** The parts of moleculer-web's `req.$endpoint` the memo looks at. */
export interface AnsweringEndpoint {
  local?: boolean;
  action?: { cache?: unknown };
}

/** Does the action declare a cache (moleculer's own reading: `true`, or an object not `enabled: false`)? */
function declaresCache(action: AnsweringEndpoint["action"]): boolean {
  const cache = action?.cache;
  if (cache === null || cache === undefined || cache === false) return false;
  return typeof cache !== "object" || (cache as { enabled?: unknown }).enabled !== false;
}

/** Does this cacher hand back the stored object itself (in process, no clone)? */
function answersStoredObjects(cacher: Cacher): boolean {
  if (!(cacher instanceof Cachers.Memory || cacher instanceof Cachers.MemoryLRU)) return false;
  return !(cacher as unknown as { clone?: unknown }).clone;
}

export class CachedJson {
  private readonly texts = new WeakMap<object, string>();
  private readonly enabled: boolean;

  constructor(cacher: Cacher) {
    this.enabled = answersStoredObjects(cacher);
  }

  /**
   * The cached object this answer is, when its JSON text is memoised (then anything made
   * from that text, its compressed bytes too, can be kept with it); else undefined.
   */
  memoKey(data: unknown, endpoint: AnsweringEndpoint | undefined): object | undefined {
    if (!this.enabled || typeof data !== "object" || data === null || endpoint?.local !== true || !declaresCache(endpoint.action)) return undefined;
    return data;
  }

  /** The answer's JSON text, exactly as `JSON.stringify(data)`. */
  encode(data: unknown, endpoint: AnsweringEndpoint | undefined): string | undefined {
    const key = this.memoKey(data, endpoint);
    if (key === undefined) return JSON.stringify(data);
    let text = this.texts.get(key);
    if (text === undefined) {
      text = JSON.stringify(data) as string | undefined;
      if (text !== undefined) this.texts.set(key, text);
    }
    return text;
  }
}
