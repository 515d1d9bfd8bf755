/** People by name or email (GET /api/v1/user/search, the SDK's searchUsers): staff only, 2 characters at least. */
import type { LoanClient, Page, PageQuery, User } from "../../../sdk/index.js";

export function searchPeople(client: LoanClient, q: string, query: PageQuery = {}): Promise<Page<User>> {
  return client.searchUsers(q, query);
}
