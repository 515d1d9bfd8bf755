/** Real processes in odd states, for the tests of process liveness. */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { eventually } from "./eventually.js";

/**
 * A zombie: `sh` starts `sleep 0` in the background, prints its pid, and becomes `sleep 120`,
 * which never waits for children. The zombie lasts until `parent` is killed.
 */
export async function zombie(): Promise<{ pid: number; parent: ChildProcess }> {
  const parent = spawn("sh", ["-c", "sleep 0 & echo $!; exec sleep 120"], { stdio: ["ignore", "pipe", "ignore"] });
  const pid = await new Promise<number>((resolve, reject) => {
    parent.stdout!.once("data", (d: Buffer) => resolve(Number(d.toString().trim())));
    parent.once("error", reject);
  });
  await eventually(() => expect(stateOf(pid)).toBe("Z"), { what: `pid ${pid} to become a zombie`, timeoutMs: 5000, intervalMs: 20 });
  return { pid, parent };
}

function stateOf(pid: number): string | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ")[0];
  } catch {
    return undefined;
  }
}

/** SIGKILLs each child still running and waits until each has exited (no handle outlives the test). */
export async function killAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map((child) => {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      return exited;
    }),
  );
}
