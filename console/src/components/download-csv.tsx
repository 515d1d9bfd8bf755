/** Download CSV: the whole filtered list (every page), as a file named after the list and its filters. */
import { useState } from "preact/hooks";
import { allRows, csvName, saveFile, toCsv, type CsvColumn } from "../lib/csv.js";
import type { Page } from "../../../sdk/index.js";
import { ErrorSummary } from "./messages.js";

export function DownloadCsv<T>(props: {
  name: (string | number | undefined)[];
  columns: readonly CsvColumn<T>[];
  pageOf: (page: number, pageSize: number) => Promise<Page<T>>;
  rowsOf?: (rows: T[]) => Promise<T[]> | T[];
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  async function download() {
    setBusy(true);
    setError(undefined);
    try {
      const fetched = await allRows(props.pageOf);
      const rows = props.rowsOf ? await props.rowsOf(fetched) : fetched;
      const [list = "list", ...filters] = props.name;
      saveFile(csvName(String(list), ...filters), toCsv(props.columns, rows));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div class="download">
      <button type="button" class="button button-secondary" disabled={busy} onClick={() => void download()}>
        {busy ? "Preparing the CSV…" : "Download CSV"}
      </button>
      <ErrorSummary error={error} />
    </div>
  );
}
