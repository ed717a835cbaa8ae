/**
 * Restoring any preprocessor from its `toJSON()` form by its `type` tag, so model files can store the
 * preprocessing beside the weights.
 *
 * ```ts
 * const saved = JSON.stringify(new StandardScaler().fit(x));
 * const scaler = preprocessorFromJSON(JSON.parse(saved)); // a StandardScaler again
 * ```
 */
import { ValueError } from "../../errors.js";
import { LabelEncoder } from "./label-encoder.js";
import { MinMaxScaler } from "./min-max-scaler.js";
import { OneHotEncoder } from "./one-hot-encoder.js";
import { StandardScaler } from "./standard-scaler.js";

export type Preprocessor = StandardScaler | MinMaxScaler | OneHotEncoder | LabelEncoder;

const REGISTRY = {
  StandardScaler: StandardScaler.fromJSON,
  MinMaxScaler: MinMaxScaler.fromJSON,
  OneHotEncoder: OneHotEncoder.fromJSON,
  LabelEncoder: LabelEncoder.fromJSON,
} satisfies Record<Preprocessor["toJSON"] extends () => infer J ? J extends { type: infer T extends string } ? T : never : never, (j: unknown) => Preprocessor>;

/** The preprocessor a `toJSON()` object describes; an unknown `type` is an error listing the known ones. */
export function preprocessorFromJSON(json: unknown): Preprocessor {
  const type = (json as { type?: unknown } | null)?.type;
  const restore = typeof type === "string" ? REGISTRY[type as keyof typeof REGISTRY] : undefined;
  if (!restore) {
    throw new ValueError(`preprocessorFromJSON: unknown preprocessor type ${JSON.stringify(type)}; known: ${Object.keys(REGISTRY).join(", ")}.`);
  }
  return restore(json);
}
