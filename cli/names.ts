/**
 * People by name in tables: `2 Ada Lovelace` where the API answers `customer_id: 2`. The
 * names are read with the SDK's getUser, once per distinct id for the whole command, a few
 * at a time; a lookup that fails (403 for a role the caller may not read, 404 for a deleted
 * user, a network error) leaves the bare id: names are a courtesy, never a reason to fail.
 * With --json nothing is looked up: scripts get the API's own ids.
 */
import type { User } from "../sdk/index.js";

/** How a user id is shown in a table or a record. */
export type NameOf = (id: number | null | undefined) => string;

/** The id alone, "-" for none: what is shown when no name is known. */
export const bareId: NameOf = (id) => (id === null || id === undefined ? "-" : String(id));

/** "2 Ada Lovelace"; the id alone when the name is blank. */
export function labelOf(user: Pick<User, "id" | "first_name" | "last_name">): string {
  const name = `${user.first_name} ${user.last_name}`.trim();
  return name ? `${user.id} ${name}` : String(user.id);
}

/** At most this many lookups in flight: a page of 100 loans must not open 200 requests at once. */
export const LOOKUP_CONCURRENCY = 8;

export class UserNames {
  private readonly labels = new Map<number, Promise<string | null>>();

  constructor(
    private readonly lookup: (id: number) => Promise<Pick<User, "id" | "first_name" | "last_name">>,
    private readonly concurrency = LOOKUP_CONCURRENCY,
  ) {}

  /** Looks up every id not looked up yet, `concurrency` at a time; answers how to show any id. Never rejects. */
  async resolve(ids: Iterable<number | null | undefined>): Promise<NameOf> {
    const wanted = [...new Set([...ids].filter((id): id is number => typeof id === "number" && Number.isSafeInteger(id) && id > 0))].filter((id) => !this.labels.has(id));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < wanted.length) {
        const id = wanted[next++]!;
        const label = this.lookup(id).then(
          (user) => labelOf({ ...user, id }),
          () => null,
        );
        this.labels.set(id, label);
        await label;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, wanted.length) }, worker));
    // Lookups of an earlier call may still be in flight (a command resolving twice at once).
    const known = new Map<number, string | null>();
    await Promise.all([...this.labels].map(async ([id, label]) => known.set(id, await label)));
    return (id) => (id === null || id === undefined ? "-" : (known.get(id) ?? String(id)));
  }
}
