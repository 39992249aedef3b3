// The page's checkpoint as one file: @llmkit/trainer writes its checkpoint folder (the one Node writes)
// into the in-memory file system under CHECKPOINT_ROOT; this packs `latest` and the folder it names
// into a tar, and unpacks such a tar (from OPFS, IndexedDB or a chosen file) back into that root.
import { readTrainerState } from '@llmkit/trainer';
import { CheckpointError } from '@llmkit/layers';
import { filesUnder, mkdir, readFile, rm, writeFile } from './memory-fs.js';
import { packTar, unpackTar } from './tar.js';

export const CHECKPOINT_ROOT = '/checkpoints';

/** @returns {Promise<{ name: string, bytes: Uint8Array }>} the newest checkpoint (`latest` + its folder) as a tar */
export async function packCheckpoint() {
  const latest = (await readFile(`${CHECKPOINT_ROOT}/latest`, 'utf8')).trim();
  const files = filesUnder(CHECKPOINT_ROOT).filter(([path]) => path === 'latest' || path.startsWith(`${latest}/`));
  return { name: latest, bytes: packTar(files) };
}

/**
 * Replaces the in-memory checkpoint root with the tar's files and reads its trainer.json. A tar of a
 * lone `step-NNNNNN/` folder (no `latest`) is accepted too: `latest` is written to name it.
 * @returns {Promise<{ root: string, state: import('@llmkit/trainer').TrainerState }>}
 * @throws CheckpointError naming `where` for a file that is not an llmkit training checkpoint
 */
export async function unpackCheckpoint(bytes, where) {
  const files = unpackTar(bytes, where);
  await rm(CHECKPOINT_ROOT, { recursive: true, force: true });
  await mkdir(CHECKPOINT_ROOT, { recursive: true });
  for (const [path, data] of files) {
    const cut = path.lastIndexOf('/');
    if (cut > 0) await mkdir(`${CHECKPOINT_ROOT}/${path.slice(0, cut)}`, { recursive: true });
    await writeFile(`${CHECKPOINT_ROOT}/${path}`, data);
  }
  if (!files.some(([path]) => path === 'latest')) {
    const folders = [...new Set(files.map(([path]) => path.split('/')[0]).filter((p) => /^step-\d+$/.test(p)))];
    if (folders.length !== 1) throw new CheckpointError(`${where}: expected one step-NNNNNN folder or a 'latest' file, got ${folders.length} folders`);
    await writeFile(`${CHECKPOINT_ROOT}/latest`, `${folders[0]}\n`);
  }
  try {
    const { state } = await readTrainerState(CHECKPOINT_ROOT);
    return { root: CHECKPOINT_ROOT, state };
  } catch (cause) {
    throw new CheckpointError(`${where}: ${cause.message.replace(/^checkpoint '[^']*': /, '')}`, { cause });
  }
}
