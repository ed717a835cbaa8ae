/**
 * The JSON encoding model files use for values JSON cannot hold: a non-finite number or −0 becomes
 * `{ "$number": "NaN" | "Infinity" | "-Infinity" | "-0" }`, and (in optimizer state only) a tensor becomes
 * `{ "$tensor": NAME }`, a reference into `optimizer.safetensors`. Everything else must already be JSON:
 * null, booleans, finite numbers, strings, arrays and plain objects. Encoding then decoding gives back the
 * same value (numbers bit for bit), which is what makes a resumed training run exact.
 */
import { ValueError } from "../errors.js";
import { Tensor } from "../tensor.js";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity, "-0": -0 };

const isPlainObject = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/** True for `{ "$number": ... }` / `{ "$tensor": ... }`: the encoder's own markers. */
const isMarker = (o: Record<string, unknown>): boolean => {
  const keys = Object.keys(o);
  return keys.length === 1 && (keys[0] === "$number" || keys[0] === "$tensor");
};

/**
 * Encodes `value` for JSON. `where` names the value in messages (e.g. `metadata.seed`); `onTensor` names a
 * tensor found at a path and returns the name it is stored under (omitted: a tensor is an error).
 * ```ts
 * encodeJsonValue({ lr: 0.1, max: Infinity }, "options");   // { lr: 0.1, max: { $number: "Infinity" } }
 * ```
 */
export function encodeJsonValue(value: unknown, where: string, onTensor?: (t: Tensor, path: string[]) => string, path: string[] = []): JsonValue {
  const at = () => [where, ...path].join(".");
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") {
    if (Number.isFinite(value) && !Object.is(value, -0)) return value;
    return { $number: Object.is(value, -0) ? "-0" : String(value) };
  }
  if (value instanceof Tensor) {
    if (!onTensor) throw new ValueError(`model file: ${at()} is a Tensor, which cannot be stored here; store plain numbers (tensor.toArray()) instead.`);
    return { $tensor: onTensor(value, path) };
  }
  if (Array.isArray(value)) return value.map((v, i) => encodeJsonValue(v, where, onTensor, [...path, String(i)]));
  if (typeof value === "object" && isPlainObject(value)) {
    const o = value as Record<string, unknown>;
    if (isMarker(o)) throw new ValueError(`model file: ${at()} is an object whose only key is "${Object.keys(o)[0]}", which the format reserves; rename the key.`);
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = encodeJsonValue(v, where, onTensor, [...path, k]);
    return out;
  }
  const kind = value === undefined ? "undefined" : typeof value === "object" ? `a ${(value as object).constructor?.name ?? "object"}` : `a ${typeof value}`;
  throw new ValueError(`model file: ${at()} is ${kind}, which is not JSON; use null, booleans, numbers, strings, arrays or plain objects.`);
}

/**
 * Reverses {@link encodeJsonValue}. `getTensor` resolves `{ "$tensor": NAME }` (omitted: such a marker is an
 * error); a bad marker throws with `where` and the path in the message.
 */
export function decodeJsonValue(value: unknown, where: string, getTensor?: (name: string, path: string[]) => Tensor, path: string[] = []): unknown {
  const at = () => [where, ...path].join(".");
  if (Array.isArray(value)) return value.map((v, i) => decodeJsonValue(v, where, getTensor, [...path, String(i)]));
  if (value === null || typeof value !== "object") return value;
  const o = value as Record<string, unknown>;
  if (isMarker(o)) {
    if ("$number" in o) {
      const s = o.$number;
      if (typeof s !== "string" || !(s in SPECIAL)) throw new ValueError(`model file: ${at()} has $number ${JSON.stringify(s)}; expected "NaN", "Infinity", "-Infinity" or "-0".`);
      return SPECIAL[s];
    }
    if (!getTensor) throw new ValueError(`model file: ${at()} refers to tensor ${JSON.stringify(o.$tensor)}, but tensors are not allowed here.`);
    if (typeof o.$tensor !== "string") throw new ValueError(`model file: ${at()} has a $tensor reference that is not a string.`);
    return getTensor(o.$tensor, path);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = decodeJsonValue(v, where, getTensor, [...path, k]);
  return out;
}
