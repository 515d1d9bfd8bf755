/** The real `npm start` entry (dist/server.js) as a child process, for restart and signal tests. */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { eventually, GiveUp } from "./eventually.js";

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Resolves with the exit code (or signal) once the process ended. */
  exited: Promise<number | string>;
}

const SERVER = path.resolve(__dirname, "../../dist/server.js");

export async function startServerProcess(env: Record<string, string | undefined>, timeoutMs = 30_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, [SERVER], { env: { ...process.env, LOG_LEVEL: "warn", NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));
  const url = await eventually(
    () => {
      const match = /gateway on (http:\/\/\S+)/.exec(out);
      if (match) return match[1]!.replace("localhost", "127.0.0.1");
      const said = `it said:\n${out}`;
      throw child.exitCode !== null ? new GiveUp(`it exited; ${said}`) : new Error(`no gateway yet; ${said}`);
    },
    { what: "dist/server.js to start", timeoutMs, intervalMs: 50 },
  ).catch((error: unknown) => {
    child.kill("SIGKILL");
    throw error;
  });
  return { child, url, output: () => out, exited };
}

/**
 * Runs dist/server.js expecting it to end by itself (a start that fails): resolves with its
 * exit code and output, or rejects (after a SIGKILL) if it still runs after `timeoutMs`.
 */
export async function runServerUntilExit(env: Record<string, string | undefined>, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [SERVER], { env: { ...process.env, LOG_LEVEL: "warn", NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const code = await closed;
  clearTimeout(timer);
  if (child.signalCode === "SIGKILL") throw new Error(`the server was still running after ${timeoutMs} ms:\n${stdout}${stderr}`);
  return { code, stdout, stderr };
}
