/**
 * One alias table, two mounts: every alias under `/api/v1/...` (the documented paths; a
 * future v2 can change shapes beside it) and under the original unversioned `/api/...`.
 */
export type AliasTable = Record<string, string>;

export function versioned(aliases: AliasTable): AliasTable {
  const out: AliasTable = {};
  for (const [key, action] of Object.entries(aliases)) {
    const [method, path] = key.split(/\s+/) as [string, string];
    out[`${method} v1/${path.replace(/^\//, "")}`] = action;
    out[key] = action;
  }
  return out;
}
