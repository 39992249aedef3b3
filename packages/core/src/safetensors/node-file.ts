// Reading and atomically writing safetensors files on Node. Node builtins are imported lazily,
// inside the functions, through `importBuiltin`, so that a browser bundle of @llmkit/core never
// tries to resolve them (esbuild, webpack and Vite all fail on a literal `import('node:fs')`).
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { LlmkitError, SafetensorsError } from '../errors.js';
import { importBuiltin } from '../runtime/node-builtins.js';
import { asBytes, parseSafetensorsHeader } from './header.js';
import { parseSafetensors, type ParsedSafetensors } from './parse.js';
import { serializeSafetensors, type SafetensorsTensorInput } from './serialize.js';
import { tensorsToSafetensors, type TensorsToSafetensorsOptions } from './tfjs.js';

/**
 * Reads and parses a safetensors file (see `parseSafetensors`). Node only.
 * @throws SafetensorsError naming the path, for an unreadable or malformed file.
 */
export async function readSafetensorsFile(path: string): Promise<ParsedSafetensors> {
  const fs = await importBuiltin<typeof import('node:fs/promises')>('node:fs/promises');
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (cause) {
    throw new SafetensorsError(`safetensors: cannot read '${path}': ${(cause as Error).message}`, { cause });
  }
  try {
    return parseSafetensors(bytes);
  } catch (cause) {
    throw withPath(path, cause);
  }
}

/**
 * Writes a safetensors file atomically: the bytes go to `path + '.tmp-<random>'` in the same
 * directory, are fsynced, then renamed over `path`. On any failure the temporary file is removed
 * and an existing file at `path` is left as it was. Node only.
 *
 * `tensorsOrBytes` is a serialized buffer (checked with `parseSafetensorsHeader` before writing;
 * `metadata` must then be omitted), a record of tf.Tensors (`tensorsToSafetensors`) or a record
 * or Map of typed-array tensors (`serializeSafetensors`). `options` applies to tf.Tensors only.
 * @throws SafetensorsError naming the path.
 */
export async function writeSafetensorsFile(
  path: string,
  tensorsOrBytes:
    | Uint8Array
    | ArrayBuffer
    | Record<string, Tensor>
    | Record<string, SafetensorsTensorInput>
    | ReadonlyMap<string, SafetensorsTensorInput>,
  metadata?: Record<string, string>,
  options?: TensorsToSafetensorsOptions,
): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = await toBytes(tensorsOrBytes, metadata, options);
  } catch (cause) {
    throw withPath(path, cause);
  }

  const fs = await importBuiltin<typeof import('node:fs/promises')>('node:fs/promises');
  const suffix = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, '0')).join('');
  const tmp = `${path}.tmp-${suffix}`;
  let handle: Awaited<ReturnType<typeof fs.open>> | undefined;
  try {
    handle = await fs.open(tmp, 'wx');
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(tmp, path);
  } catch (cause) {
    await handle?.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw new SafetensorsError(`safetensors: cannot write '${path}': ${(cause as Error).message}`, { cause });
  }
  // Make the rename itself durable; best effort, as some platforms cannot open a directory.
  const { dirname } = await importBuiltin<typeof import('node:path')>('node:path');
  const dir = await fs.open(dirname(path), 'r').catch(() => undefined);
  await dir?.sync().catch(() => undefined);
  await dir?.close().catch(() => undefined);
}

async function toBytes(
  input: Parameters<typeof writeSafetensorsFile>[1],
  metadata: Record<string, string> | undefined,
  options: TensorsToSafetensorsOptions | undefined,
): Promise<Uint8Array> {
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    if (metadata !== undefined) {
      throw new SafetensorsError('safetensors: metadata cannot be added to an already serialized buffer');
    }
    const bytes = asBytes(input);
    parseSafetensorsHeader(bytes);
    return bytes;
  }
  if (input instanceof Map) return serializeSafetensors(input, metadata);
  const values = Object.values(input);
  const tensorCount = values.filter((v) => v instanceof tf.Tensor).length;
  if (values.length > 0 && tensorCount === values.length) {
    return tensorsToSafetensors(input as Record<string, Tensor>, metadata, options);
  }
  if (tensorCount > 0) {
    throw new SafetensorsError('safetensors: cannot mix tf.Tensors and typed-array tensors in one record');
  }
  return serializeSafetensors(input as Record<string, SafetensorsTensorInput>, metadata);
}

function withPath(path: string, cause: unknown): unknown {
  if (!LlmkitError.isInstance(cause)) return cause;
  return new SafetensorsError(`safetensors: '${path}': ${cause.message.replace(/^safetensors: /, '')}`, { cause });
}
