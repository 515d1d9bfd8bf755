/** The real `npm start` entry (dist/server.js) as a child process, for restart and signal tests. */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

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
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /gateway on (http:\/\/\S+)/.exec(out);
    if (match) return { child, url: match[1]!.replace("localhost", "127.0.0.1"), output: () => out, exited };
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
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
