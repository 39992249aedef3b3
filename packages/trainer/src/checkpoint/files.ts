// The files of a training checkpoint, and durable small-file writes (write, fsync, rename).
import { importBuiltin } from '../node.js';

export const MODEL_FILE = 'model.safetensors';
export const CONFIG_FILE = 'config.json';
export const OPTIMIZER_FILE = 'optimizer.safetensors';
export const OPTIMIZER_META_FILE = 'optimizer.json';
export const TRAINER_FILE = 'trainer.json';
export const TOKENIZER_FILE = 'tokenizer.json';
/** In the checkpoint root: the name of the newest complete checkpoint folder. */
export const LATEST_FILE = 'latest';

export type Fs = typeof import('node:fs/promises');
export type Path = typeof import('node:path');

export async function nodeFs(): Promise<{ fs: Fs; path: Path }> {
  const [fs, path] = await Promise.all([importBuiltin<Fs>('node:fs/promises'), importBuiltin<Path>('node:path')]);
  return { fs, path };
}

/** A short random suffix for temporary names. */
export function randomSuffix(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Writes `text` to `file` and fsyncs it (the file is new: it lives in a temporary folder). */
export async function writeFileSynced(file: string, text: string | Uint8Array): Promise<void> {
  const { fs } = await nodeFs();
  const handle = await fs.open(file, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replaces `file` atomically: a temporary sibling, fsync, rename, then fsync of the folder. */
export async function replaceFileAtomic(file: string, text: string): Promise<void> {
  const { fs, path } = await nodeFs();
  const tmp = `${file}.tmp-${randomSuffix()}`;
  try {
    await writeFileSynced(tmp, text);
    await fs.rename(tmp, file);
  } catch (error) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncDir(path.dirname(file));
}

/** fsync of a folder, so a rename in it survives a crash; best effort (not every platform can). */
export async function syncDir(dir: string): Promise<void> {
  const { fs } = await nodeFs();
  const handle = await fs.open(dir, 'r').catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close().catch(() => undefined);
}

/** JSON as checkpoints hold it: two-space indent, trailing newline. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
