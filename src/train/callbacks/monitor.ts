/** Reading a monitored quantity from epoch logs, shared by EarlyStopping, ModelCheckpoint and ReduceLROnPlateau. */
import { ValueError } from "../../errors.js";
import { higherIsBetter } from "../history.js";
import type { Logs } from "./callback.js";

export type MonitorMode = "auto" | "min" | "max";

/** "min" or "max" for a monitor: "auto" reads the name (accuracy, AUC, F1, R² are maximized; the rest minimized). */
export function resolveMode(op: string, monitor: string, mode: MonitorMode): "min" | "max" {
  if (mode === "min" || mode === "max") return mode;
  if (mode !== "auto") throw new ValueError(`${op}: mode must be "auto", "min" or "max", got ${JSON.stringify(mode)}.`);
  return higherIsBetter(monitor) ? "max" : "min";
}

/** The monitored value from the logs; a clear error when the key is missing (e.g. "valLoss" without validation data). */
export function readMonitor(op: string, logs: Logs, monitor: string): number {
  const v = logs[monitor];
  if (typeof v === "number") return v;
  const hint = monitor.startsWith("val") ? " Validation keys need validation data: pass validationSplit or validationData to fit." : "";
  throw new ValueError(`${op}: the monitored quantity "${monitor}" is not in the epoch logs (available: ${Object.keys(logs).join(", ") || "none"}).${hint}`);
}
