/**
 * A bounded memo of access tokens already verified: the exact token string → what it
 * verified to, until the token's own `exp`. Checking a JWT (decode, JSON parse, HMAC) was
 * ~15% of a cached read's CPU; a client sends the same token on every request.
 *
 * Why this keeps "every token is verified on every request" true in effect:
 * - the key is the whole token string, so a hit is the very bytes that were verified
 *   (signature included) with the same keys — a TokenService, and so its memo, lives as
 *   long as its list of secrets: rotating JWT_SECRET means a restart and an empty memo;
 * - an entry never outlives the token: at `exp` (jsonwebtoken's rule, whole seconds:
 *   expired once floor(now / 1000) >= exp) it is a miss, and the full check refuses it;
 * - only successes are kept; a refused token is checked in full every time.
 * Whether the token's session is still live is not the memo's business: the gateway asks
 * `users.resolve` on every request, so a logout or a deleted user takes effect at once.
 */

interface Entry<T> {
  value: T;
  /** The token's `exp`, seconds since the epoch. */
  exp: number;
}

export class VerifiedTokenMemo<T> {
  /** Map order is insertion order: the first key is the least recently used. */
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly capacity: number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** What the token verified to, or undefined when it was not memoised or is past its `exp`. */
  get(token: string): T | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    this.entries.delete(token);
    if (Math.floor(this.nowMs() / 1000) >= entry.exp) return undefined;
    this.entries.set(token, entry); // now the most recently used
    return entry.value;
  }

  /** Remembers a token that just verified, until its `exp`; the least recently used one makes room. */
  set(token: string, value: T, exp: number): void {
    if (this.capacity <= 0 || !Number.isFinite(exp)) return;
    this.entries.delete(token);
    while (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(token, { value, exp });
  }
}
