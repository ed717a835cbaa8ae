/** `io`: weight files (safetensors) and atomic file writes. Re-exports only. */
export {
  serializeSafetensors, parseSafetensors, saveSafetensors, loadSafetensors, safetensorsChunks, SafetensorsError,
  SAFETENSORS_DTYPES, MAX_HEADER_BYTES, type SafetensorsDType, type ParsedSafetensors,
} from "./safetensors.js";
export { writeFileAtomic, writeFileAtomicSync, type AtomicData, type AtomicDataSync } from "./atomic-write.js";
