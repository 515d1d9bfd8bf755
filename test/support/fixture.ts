/**
 * One started stack for a test file (or a describe block) and its people. `useStack()` registers
 * the beforeAll that starts the stack (and signs up the people) and the afterAll that stops it,
 * and answers handles: `stack`, `api` and `people` read the started values, so a file
 * destructures them once at the top and uses them in its hooks and tests.
 *
 *   const { stack, api, people } = useStack({ people: true, env: { CORS_ORIGINS: "…" } });
 */
import { createActors, type Actors } from "./actors.js";
import { Api } from "./http.js";
import { startStack, type Stack, type StackOptions } from "./stack.js";

/** startStack's options, passed through unchanged, and what the fixture adds on top. */
export interface FixtureOptions extends StackOptions {
  /** Sign up the people of actors.ts (an admin, two customers, an approved and a pending agent) once the stack is up. */
  people?: boolean;
}

export interface StackFixture {
  /** The started stack (startStack's Stack). */
  stack: Stack;
  /** Plain HTTP against its gateway. */
  api: Api;
  /** Its people, with tokens (`people: true`). */
  people: Actors;
  /** Runs `close` when the stack is about to stop (after the tests, before the stack's databases go): a pg client, a browser, a server of the file's own. */
  beforeStop: (close: () => unknown) => void;
  /** Stops the broker and starts a new one on the same databases, as a restarted process would find them. */
  restart: () => Promise<void>;
}

interface Started {
  stack: Stack;
  api: Api;
  people?: Actors;
}

/**
 * Starts a stack for the tests of the file or describe block it is called in. The options are
 * read when the stack starts; a function gives options only known then (a free port).
 */
export function useStack(options: FixtureOptions | (() => Promise<FixtureOptions>) = {}): StackFixture {
  let started: Started | undefined;
  let stackOptions: StackOptions = {};
  const closers: Array<() => unknown> = [];
  const current = (): Started => started ?? notYet("the stack of useStack()");

  beforeAll(async () => {
    const { people, ...rest } = typeof options === "function" ? await options() : options;
    stackOptions = rest;
    const stack = await startStack(stackOptions);
    started = { stack, api: new Api(stack.url) };
    if (people) started.people = await createActors(stack);
  });
  afterAll(async () => {
    try {
      for (const close of closers.reverse()) await close();
    } finally {
      await started?.stack.stop();
    }
  });

  return {
    stack: late(() => current().stack),
    api: late(() => current().api),
    people: late(() => current().people ?? failNoPeople()),
    beforeStop: (close) => void closers.push(close),
    async restart() {
      const { stack } = current();
      await stack.stopBroker();
      const next = await startStack({ ...stackOptions, databases: stack.databases });
      started = { ...current(), stack: next, api: new Api(next.url) };
    },
  };
}

/** For a stand-in read too early (at the top of a file, when the tests are being defined). */
export function notYet(what: string): never {
  throw new Error(`${what} is read before its beforeAll ran: read it inside a test or a hook`);
}

function failNoPeople(): never {
  throw new Error("no people on this stack: useStack({ people: true }) signs them up");
}

/**
 * A stand-in for a value that exists only once the beforeAll ran: each property read goes to
 * `read()` (methods bound to the value), so the stand-in can be handed out before.
 */
export function late<T extends object>(read: () => T): T {
  return new Proxy({} as T, {
    get: (_, key) => {
      const target = read();
      const value: unknown = Reflect.get(target, key);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
    has: (_, key) => Reflect.has(read(), key),
    ownKeys: () => Reflect.ownKeys(read()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(read(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}
