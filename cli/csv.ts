/**
 * CSV as RFC 4180 has it: comma separated, fields optionally in double quotes, a quote inside
 * a quoted field doubled, line breaks allowed inside quotes, CRLF or LF. A UTF-8 BOM is
 * dropped and blank lines are skipped.
 */

export interface CsvRecord {
  /** The line the record starts on, 1-based (the header is line 1). */
  line: number;
  fields: string[];
}

export interface CsvTable {
  header: string[];
  records: CsvRecord[];
}

export class CsvError extends Error {
  override name = "CsvError";
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** All records of a CSV text, the first one being the header. */
export function parseCsvRecords(text: string): CsvRecord[] {
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let quoted = false; // inside a quoted field
  let wasQuoted = false; // the current field was quoted (so "" is an empty field, not a blank line)
  let i = 0;

  const endField = (): void => {
    fields.push(field);
    field = "";
  };
  const endRecord = (): void => {
    endField();
    const blank = fields.length === 1 && fields[0] === "" && !wasQuoted;
    if (!blank) records.push({ line: recordLine, fields });
    fields = [];
    wasQuoted = false;
  };

  while (i < input.length) {
    const char = input[i]!;
    if (quoted) {
      if (char === '"') {
        if (input[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        const next = input[i];
        if (next !== undefined && next !== "," && next !== "\n" && next !== "\r") {
          throw new CsvError("unexpected text after a closing quote", line);
        }
        continue;
      }
      if (char === "\n") line++;
      field += char;
      i++;
      continue;
    }
    if (char === '"') {
      if (field !== "") throw new CsvError("a quote inside an unquoted field", line);
      quoted = true;
      wasQuoted = true;
      i++;
      continue;
    }
    if (char === ",") {
      endField();
      i++;
      continue;
    }
    if (char === "\r" || char === "\n") {
      endRecord();
      i += char === "\r" && input[i + 1] === "\n" ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    field += char;
    i++;
  }
  if (quoted) throw new CsvError("a quoted field is not closed", recordLine);
  if (field !== "" || fields.length > 0 || wasQuoted) endRecord();
  return records;
}

/** The header (names trimmed and lower-cased) and the data records. */
export function parseCsv(text: string): CsvTable {
  const records = parseCsvRecords(text);
  const [head, ...rest] = records;
  if (!head) throw new CsvError("the file is empty: expected a header line", 1);
  return { header: head.fields.map((name) => name.trim().toLowerCase()), records: rest };
}

/** One field, quoted when it must be. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvLine(fields: string[]): string {
  return fields.map(csvField).join(",");
}
