/** The signed-in person, their API client and the session's end, for every page. */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { ConsoleSession } from "../../../sdk/contracts.js";
import type { LoanClient } from "../../../sdk/index.js";
import type { RateBand } from "../../../domain/rate-table.js";
import type { People } from "./people.js";

export interface SessionValue {
  session: ConsoleSession;
  client: LoanClient;
  rateTable: RateBand[];
  /** Users by id, looked up once per session: the names the pages show. */
  people: People;
  /** The server no longer knows the session (it expired or was ended): back to the sign-in. */
  expired: () => void;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside a signed-in page");
  return value;
}
