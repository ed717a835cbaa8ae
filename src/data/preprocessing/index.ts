/** Preprocessing: scalers and encoders with fit/transform/inverseTransform and toJSON/fromJSON. */
export { StandardScaler, nanMeanVar, scaleFromVariance, type StandardScalerJSON } from "./standard-scaler.js";
export { MinMaxScaler, type MinMaxScalerJSON } from "./min-max-scaler.js";
export { OneHotEncoder, type OneHotEncoderJSON } from "./one-hot-encoder.js";
export { LabelEncoder, type LabelEncoderJSON } from "./label-encoder.js";
export { preprocessorFromJSON, type Preprocessor } from "./serialize.js";
export type { Category } from "./categories.js";
