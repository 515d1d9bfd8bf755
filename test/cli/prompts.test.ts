/**
 * Prompts on a terminal (a fake one: a stream with isTTY and setRawMode) and without one.
 */
import { PassThrough } from "node:stream";
import { CliError, EXIT } from "../../cli/errors.js";
import { LineReader, Prompter, type InStream } from "../../cli/prompts.js";

interface FakeTerminal {
  stdin: InStream & PassThrough;
  stderr: { write(chunk: string): boolean; isTTY: boolean; text: string };
  raw: boolean[];
}

function terminal(tty = true): FakeTerminal {
  const raw: boolean[] = [];
  const stdin = Object.assign(new PassThrough(), { isTTY: tty, setRawMode: (mode: boolean) => raw.push(mode) });
  const stderr = {
    text: "",
    isTTY: tty,
    write(chunk: string): boolean {
      this.text += chunk;
      return true;
    },
  };
  return { stdin, stderr, raw };
}

test("a password on a terminal: raw mode, nothing echoed, backspace works, raw mode restored", async () => {
  const t = terminal();
  const prompter = new Prompter(t);
  const answer = prompter.password("Password");
  t.stdin.write("secrex\u007ft");
  t.stdin.write("\r");
  await expect(answer).resolves.toBe("secret");
  expect(t.stderr.text).toBe("Password: \n");
  expect(t.raw).toEqual([true, false]);
});

test("a new password is asked twice on a terminal and must match", async () => {
  const t = terminal();
  const answer = new Prompter(t).password("New password", { confirm: true });
  t.stdin.write("one-password\r");
  await new Promise((resolve) => setImmediate(resolve));
  t.stdin.write("two-password\r");
  await expect(answer).rejects.toThrow("the passwords do not match");
  expect(t.stderr.text).toContain("Repeat new password: ");
});

test("Ctrl-C at a password prompt is an interruption (exit 130)", async () => {
  const t = terminal();
  const answer = new Prompter(t).password("Password");
  t.stdin.write("abc\u0003");
  await expect(answer).rejects.toMatchObject({ exitCode: EXIT.INTERRUPTED });
  expect(t.raw).toEqual([true, false]);
});

test("confirmation on a terminal: y goes on, anything else cancels", async () => {
  const yes = terminal();
  const agreed = new Prompter(yes).confirm("Reject loan 4?", "reject loan 4", false);
  yes.stdin.write("y\n");
  await expect(agreed).resolves.toBeUndefined();
  expect(yes.stderr.text).toContain("Reject loan 4? [y/N] ");

  const no = terminal();
  const declined = new Prompter(no).confirm("Reject loan 4?", "reject loan 4", false);
  no.stdin.write("\n");
  await expect(declined).rejects.toThrow("cancelled");
});

test("without a terminal: --yes or a usage error; passwords one line each; text needs its flag", async () => {
  const t = terminal(false);
  const prompter = new Prompter(t);
  await expect(prompter.confirm("Reject loan 4?", "reject loan 4", true)).resolves.toBeUndefined();
  const refused = await prompter.confirm("Reject loan 4?", "reject loan 4", undefined).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(CliError);
  expect(refused).toMatchObject({ exitCode: EXIT.USAGE, message: "refusing to reject loan 4 without confirmation: pass --yes" });
  await expect(prompter.text("Email", "--email", undefined)).rejects.toThrow("--email is required when not running in a terminal");
  await expect(prompter.text("Email", "--email", "a@b.c")).resolves.toBe("a@b.c");

  t.stdin.end("first-pass\r\nsecond-pass\n");
  await expect(prompter.password("Current password")).resolves.toBe("first-pass");
  await expect(prompter.password("New password", { confirm: true })).resolves.toBe("second-pass");
  await expect(prompter.password("Another")).rejects.toThrow("expected the another on stdin");
  expect(t.stderr.text).toBe(""); // nothing asked
});

test("the line reader hands out lines as they come, and the last line without a newline", async () => {
  const input = new PassThrough();
  const reader = new LineReader(input);
  const first = reader.next();
  input.write("one\ntw");
  await expect(first).resolves.toBe("one");
  const second = reader.next();
  input.end("o");
  await expect(second).resolves.toBe("two");
  await expect(reader.next()).resolves.toBeUndefined();
});
