// parseSafetensors: a whole safetensors buffer to metadata and decoded tensors, eagerly.
import { decodeSafetensorsEntry, type SafetensorsTensor } from './decode.js';
import { asBytes, parseSafetensorsHeader } from './header.js';

/** A parsed safetensors buffer. */
export interface ParsedSafetensors {
  /** The `__metadata__` table (empty when the file has none). */
  metadata: Record<string, string>;
  /** Every tensor by name, in the order of its data in the file. */
  tensors: Map<string, SafetensorsTensor>;
}

/**
 * Parses a safetensors buffer and decodes every tensor. The whole header is validated before any
 * tensor is decoded. For lazy, one-tensor-at-a-time reading of a large file use
 * `parseSafetensorsHeader` and `decodeSafetensorsEntry`.
 * @throws SafetensorsError on a malformed buffer or a tensor llmkit cannot decode.
 */
export function parseSafetensors(input: Uint8Array | ArrayBuffer): ParsedSafetensors {
  const bytes = asBytes(input);
  const header = parseSafetensorsHeader(bytes);
  const tensors = new Map<string, SafetensorsTensor>();
  for (const entry of header.entries) tensors.set(entry.name, decodeSafetensorsEntry(bytes, header, entry));
  return { metadata: header.metadata, tensors };
}
