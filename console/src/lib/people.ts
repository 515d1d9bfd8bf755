/**
 * People by name: each user id the pages show is looked up once per session (GET
 * /api/v1/user/users/{id}) and kept in memory; lists that already carry users (Users,
 * Customers, search results) fill the memory too. A lookup the API refuses (an agent asking
 * about another agent) or that fails leaves the person as "User N".
 */
import type { LoanClient, User } from "../../../sdk/index.js";
import { fullName } from "./format.js";

export class People {
  private readonly known = new Map<number, Promise<User | null>>();

  constructor(private readonly client: LoanClient) {}

  /** The memory of a session: the signed-in person is known from the start (an agent may not read their own record). */
  static of(client: LoanClient, me: User): People {
    const people = new People(client);
    people.remember([me]);
    return people;
  }

  /** The user, or null when the API does not say (refused, gone, unreachable). */
  get(id: number): Promise<User | null> {
    let found = this.known.get(id);
    if (!found) {
      found = this.client.getUser(id).catch(() => null);
      this.known.set(id, found);
    }
    return found;
  }

  remember(users: readonly User[]): void {
    for (const user of users) this.known.set(user.id, Promise.resolve(user));
  }

  /** The name of a user, "User N" when it is not known. */
  async nameOf(id: number): Promise<string> {
    const user = await this.get(id);
    return user ? nameOf(user) : unknownName(id);
  }
}

export function nameOf(user: User): string {
  return fullName(user) || user.email;
}

export function unknownName(id: number): string {
  return `User ${id}`;
}
