/**
 * An RFC 4180 CSV tokenizer that takes text in chunks (so files can stream): fields separated by a
 * delimiter, records by `\n`, `\r\n` or `\r`; a field in double quotes may hold delimiters, newlines and
 * doubled quotes (`""` → `"`). Each record carries the line it starts on, for error messages.
 *
 * ```ts
 * const t = new CsvTokenizer();
 * t.push('a,"b ""q"", c"\n1,');
 * t.push("2\n");
 * t.end(); // → records [{ line: 1, fields: ["a", 'b "q", c'] }, { line: 2, fields: ["1", "2"] }] over the calls
 * ```
 */
import { ValueError } from "../errors.js";

export interface CsvRecord {
  /** 1-based line where the record starts (a quoted field can span lines). */
  line: number;
  fields: string[];
}

const QUOTE = 34, LF = 10, CR = 13;

export class CsvTokenizer {
  readonly delimiter: string;
  private readonly delim: number;
  /** Where errors say the text came from (a file name, or "parseCsv"). */
  readonly source: string;
  private fields: string[] = [];
  private field = "";
  private inQuotes = false;
  /** Just saw a quote inside a quoted field: the next char decides between `""` and the closing quote. */
  private quoteSeen = false;
  /** The quoted field has closed: only a delimiter or a newline may follow. */
  private afterQuote = false;
  /** The last char was `\r`: a following `\n` belongs to the same line break. */
  private skipLF = false;
  /** Inside quotes, the last char was `\r` (so a following `\n`, even in the next chunk, is the same break). */
  private prevCR = false;
  private started = false;
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  private first = true;

  constructor({ delimiter = ",", source = "parseCsv" }: { delimiter?: string; source?: string } = {}) {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
      throw new ValueError(`${source}: delimiter must be one character other than a quote or newline, got ${JSON.stringify(delimiter)}.`);
    }
    this.delimiter = delimiter;
    this.delim = delimiter.charCodeAt(0);
    this.source = source;
  }

  /** Tokenizes the next chunk; returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let s = chunk;
    if (this.first && s.length > 0) {
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1); // byte-order mark
      this.first = false;
    }
    const n = s.length;
    let i = 0;
    // Start of the current unquoted run inside this chunk (sliced when the field ends).
    let runStart = -1;
    const flushRun = (end: number) => {
      if (runStart >= 0) {
        this.field += s.slice(runStart, end);
        runStart = -1;
      }
    };
    while (i < n) {
      const c = s.charCodeAt(i);
      if (this.skipLF) {
        this.skipLF = false;
        if (c === LF) { i++; continue; }
      }
      if (this.inQuotes) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (c === QUOTE) { this.field += '"'; i++; continue; }
          this.inQuotes = false;
          this.afterQuote = true;
          continue; // reprocess c outside the quotes
        }
        if (c === QUOTE) { this.quoteSeen = true; this.prevCR = false; i++; continue; }
        // Copy a run of plain characters at once.
        let j = i;
        while (j < n) {
          const d = s.charCodeAt(j);
          if (d === QUOTE) break;
          if (d === LF) {
            if (!this.prevCR) this.line++;
            this.prevCR = false;
          } else if (d === CR) {
            this.line++;
            this.prevCR = true;
          } else this.prevCR = false;
          j++;
        }
        this.field += s.slice(i, j);
        i = j;
        continue;
      }
      if (c === this.delim) {
        flushRun(i);
        this.endField();
        i++;
        continue;
      }
      if (c === LF || c === CR) {
        flushRun(i);
        const rec = this.endRecord();
        if (rec) out.push(rec);
        this.line++;
        this.recordLine = this.line;
        if (c === CR) this.skipLF = true;
        i++;
        continue;
      }
      if (this.afterQuote) {
        throw new ValueError(
          `${this.source}: line ${this.line}, field ${this.fields.length + 1}: unexpected ${JSON.stringify(s[i])} after a closing quote. ` +
            'Inside a quoted field write a quote as "" ; after it only a delimiter or a line break may follow.',
        );
      }
      if (c === QUOTE && runStart < 0 && this.field === "") {
        this.inQuotes = true;
        this.started = true;
        this.quoteLine = this.line;
        i++;
        continue;
      }
      // A quote inside an unquoted field (e.g. 5'10") is kept literally, as most readers do.
      if (runStart < 0) runStart = i;
      this.started = true;
      i++;
    }
    flushRun(n);
    return out;
  }

  /** Ends the input: returns the last record, if any; an unclosed quote is an error naming its line. */
  end(): CsvRecord[] {
    if (this.inQuotes && !this.quoteSeen) {
      throw new ValueError(`${this.source}: line ${this.quoteLine}: a quoted field starts here but is never closed (missing ").`);
    }
    this.inQuotes = false;
    this.quoteSeen = false;
    const rec = this.endRecord();
    return rec ? [rec] : [];
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = "";
    this.afterQuote = false;
    this.started = true;
  }

  private endRecord(): CsvRecord | null {
    if (!this.started && this.fields.length === 0 && this.field === "") {
      this.afterQuote = false;
      return null; // an empty line
    }
    this.endField();
    const rec = { line: this.recordLine, fields: this.fields };
    this.fields = [];
    this.started = false;
    return rec;
  }
}
