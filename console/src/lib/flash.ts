/** A message for the next page (e.g. "Loan 7 requested"), shown once after navigating there. */
let pending: string | undefined;

export function setFlash(message: string): void {
  pending = message;
}

export function takeFlash(): string | undefined {
  const message = pending;
  pending = undefined;
  return message;
}
