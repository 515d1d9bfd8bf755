/**
 * The annual rate table: bands of principal, each with its rate. The default is the spec's;
 * LOAN_RATE_TABLE (read by services/shared/config.ts) replaces it, parsed and checked here.
 */

export interface RateBand {
  /** Upper bound of the band (inclusive), a decimal string; null for "above every bound". */
  upTo: string | null;
  rate: string;
}

/** The default annual rate table of the spec. */
export const DEFAULT_RATE_TABLE: RateBand[] = [
  { upTo: "50000.00", rate: "14.00" },
  { upTo: "500000.00", rate: "12.00" },
  { upTo: "2000000.00", rate: "10.50" },
  { upTo: null, rate: "9.50" },
];

/**
 * LOAN_RATE_TABLE is "upTo:rate" pairs separated by commas, the last one "*:rate",
 * e.g. "50000:14,500000:12,2000000:10.5,*:9.5".
 */
export function parseRateTable(raw: string | undefined): RateBand[] {
  if (!raw) return DEFAULT_RATE_TABLE;
  const bands = raw.split(",").map((pair) => {
    const [upTo, rate] = pair.split(":").map((s) => s.trim());
    const decimal = /^\d+(\.\d+)?$/;
    if (!rate || !decimal.test(rate) || (upTo !== "*" && !decimal.test(upTo ?? ""))) {
      throw new Error(`LOAN_RATE_TABLE: "${pair}" is not "upTo:rate" (e.g. "50000:14")`);
    }
    return { upTo: upTo === "*" ? null : upTo!, rate };
  });
  if (bands[bands.length - 1]!.upTo !== null) {
    throw new Error('LOAN_RATE_TABLE must end with a "*:rate" band for the largest loans');
  }
  return bands;
}
