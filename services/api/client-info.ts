/** The gateway's hook that tells users.login and users.refresh who the HTTP client is, kept with the session. */
import type { IncomingMessage } from "node:http";
import type { Context } from "moleculer";
import type { ClientInfo, ContextMeta } from "../../sdk/contracts.js";

/** The socket's address (as the rate limiter: X-Forwarded-For is the client's to forge) and the User-Agent. */
export function takeClientInfo(ctx: Context<unknown, ContextMeta>, _route: unknown, req: IncomingMessage): void {
  const client: ClientInfo = {};
  const ip = req.socket.remoteAddress;
  if (ip) client.ip = ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "").slice(0, 64);
  const agent = req.headers["user-agent"];
  if (typeof agent === "string" && agent !== "") client.user_agent = agent.slice(0, 512);
  ctx.meta.client = client;
}
