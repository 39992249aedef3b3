// safetensors I/O: a pure, browser-safe codec (header validation, F16/BF16 conversion, layout as
// huggingface/safetensors writes it), tfjs tensor helpers, and Node file read / atomic write.
export {
  ALL_SAFETENSORS_DTYPES,
  READABLE_DTYPES,
  WRITABLE_DTYPES,
  type SafetensorsDtypeName,
  type SafetensorsReadableDtype,
  type SafetensorsWritableDtype,
  type SafetensorsData,
} from './dtypes.js';
export {
  parseSafetensorsHeader,
  SAFETENSORS_MAX_HEADER_BYTES,
  type SafetensorsEntry,
  type SafetensorsHeader,
} from './header.js';
export { decodeSafetensorsEntry, type SafetensorsTensor } from './decode.js';
export { parseSafetensors, type ParsedSafetensors } from './parse.js';
export { serializeSafetensors, type SafetensorsTensorInput } from './serialize.js';
export { tensorsToSafetensors, safetensorsToTensors, type TensorsToSafetensorsOptions } from './tfjs.js';
export { readSafetensorsFile, writeSafetensorsFile } from './node-file.js';
