/** People by name or email (GET /api/v1/user/search): the SDK's searchUsers. */
import type { LoanClient, Page, PageQuery, User } from "../../../sdk/index.js";

interface Searcher {
  searchUsers(q: string, query?: PageQuery): Promise<Page<User>>;
}

export function searchPeople(client: LoanClient, q: string, query: PageQuery = {}): Promise<Page<User>> {
  // TODO(i21-users): the SDK's searchUsers once that branch is merged.
  const searcher = client as unknown as Partial<Searcher>;
  if (typeof searcher.searchUsers !== "function") return Promise.reject(new Error("Searching people needs a newer SDK"));
  return searcher.searchUsers.call(client, q, query);
}
