/** `io`: weight files (safetensors) and atomic file writes. Re-exports only. */
export {
  serializeSafetensors, parseSafetensors, saveSafetensors, loadSafetensors, safetensorsChunks, SafetensorsError,
  SAFETENSORS_DTYPES, MAX_HEADER_BYTES, type SafetensorsDType, type ParsedSafetensors,
} from "./safetensors.js";
export { writeFileAtomic, writeFileAtomicSync, type AtomicData, type AtomicDataSync } from "./atomic-write.js";
export {
  saveModel, loadModel, serializeModel, deserializeModel, optimizerParamGroups, ModelFileError, MODEL_FORMAT,
  MODEL_FORMAT_VERSION, MODEL_FILES, NABLA_VERSION, type SaveModelOptions, type LoadedModel, type SerializedModel, type ModelJson,
} from "./model-file.js";
export { registerModule, unregisterModule, registeredModules, type ArchitectureNode, type FromConfig, type ModuleClass } from "./layer-registry.js";
export { sha256Hex } from "./sha256.js";
