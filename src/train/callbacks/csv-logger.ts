/**
 * CSVLogger: appends one row per epoch to a CSV file — `epoch` (0-based, as History) and then every logged
 * quantity in sorted order — so a crashed run keeps the rows it finished. Node only (node:fs is loaded when
 * training begins).
 *
 * ```ts
 * await trainer.fit(x, y, { epochs: 10, callbacks: [new CSVLogger("runs/log.csv")] });
 * // epoch,accuracy,loss,lr,valAccuracy,valLoss
 * // 0,0.71,0.6012,0.001,0.75,0.5523
 * ```
 * With `append: true` the file is kept and the rows are added after it (the header is written only when the
 * file is new or empty); otherwise it is truncated when training begins.
 */
import { ValueError } from "../../errors.js";
import { Callback, type Logs } from "./callback.js";

export interface CSVLoggerOptions {
  /** Field separator (default ","). */
  separator?: string;
  /** Add to an existing file instead of overwriting it (default false). */
  append?: boolean;
}

type Fs = typeof import("node:fs");

export class CSVLogger extends Callback {
  readonly filename: string;
  readonly separator: string;
  readonly append: boolean;
  #fs: Fs | undefined;
  #keys: string[] | undefined;
  #needHeader = true;

  constructor(filename: string, { separator = ",", append = false }: CSVLoggerOptions = {}) {
    super();
    if (typeof filename !== "string" || filename === "") throw new ValueError("CSVLogger: filename must be a non-empty path.");
    if (separator.length === 0 || /["\r\n]/.test(separator)) throw new ValueError(`CSVLogger: separator must be a non-empty string without quotes or newlines, got ${JSON.stringify(separator)}.`);
    this.filename = filename;
    this.separator = separator;
    this.append = append;
  }

  override async onTrainBegin(): Promise<void> {
    const fs = (this.#fs ??= await import("node:fs"));
    const path = await import("node:path");
    fs.mkdirSync(path.dirname(path.resolve(this.filename)), { recursive: true });
    this.#keys = undefined;
    if (this.append && fs.existsSync(this.filename) && fs.statSync(this.filename).size > 0) {
      this.#needHeader = false;
      // Keep the existing column order, so appended rows line up with the header already there.
      const first = fs.readFileSync(this.filename, "utf8").split(/\r?\n/, 1)[0] ?? "";
      const cols = first.split(this.separator);
      if (cols[0] === "epoch") this.#keys = cols.slice(1);
    } else {
      this.#needHeader = true;
      fs.writeFileSync(this.filename, "");
    }
  }

  #field(s: string): string {
    return s.includes(this.separator) || /["\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const keys = (this.#keys ??= Object.keys(logs).sort());
    let text = "";
    if (this.#needHeader) {
      text += ["epoch", ...keys].map((k) => this.#field(k)).join(this.separator) + "\n";
      this.#needHeader = false;
    }
    text += [String(epoch), ...keys.map((k) => (logs[k] === undefined ? "" : String(logs[k])))].join(this.separator) + "\n";
    this.#fs!.appendFileSync(this.filename, text);
  }
}
