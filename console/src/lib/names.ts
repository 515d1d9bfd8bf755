/** Names for a CSV: every distinct user id of the rows looked up (once per session) before the file is written. */
import type { People } from "./people.js";

export async function namesOf(people: People, ids: Iterable<number | null | undefined>): Promise<Map<number, string>> {
  const unique = [...new Set([...ids].filter((id): id is number => typeof id === "number"))];
  return new Map(await Promise.all(unique.map(async (id) => [id, await people.nameOf(id)] as const)));
}
