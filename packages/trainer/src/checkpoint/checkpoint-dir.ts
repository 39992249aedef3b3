// Where checkpoints live and how one is made durable: each is a folder `step-000100` under the
// checkpoint root, written whole into `step-000100.tmp-<random>` and renamed into place; then the
// root's `latest` file is replaced atomically to name it. Until that rename the previous checkpoint
// is what `latest` names, so a crash at any moment leaves a loadable checkpoint.
import { CheckpointError } from '@llmkit/layers';
import { LATEST_FILE, TRAINER_FILE, nodeFs, randomSuffix, replaceFileAtomic, syncDir } from './files.js';

const STEP_DIR = /^step-(\d+)$/;
const TEMPORARY = /\.(tmp|old)-[0-9a-f]+$/;

/** The folder name of the checkpoint after `step` steps: `step-000100`. */
export function checkpointName(step: number): string {
  return `step-${String(step).padStart(6, '0')}`;
}

/**
 * Writes a checkpoint folder `<root>/<name>` atomically: `fill(tmpDir)` writes every file into a
 * temporary sibling folder, which is fsynced and renamed, and only then does `latest` name it.
 * Older `step-*` folders beyond the `keep` newest are removed afterwards, with any temporary
 * folders left by a crashed writer.
 * @returns the checkpoint's folder.
 * @throws CheckpointError naming the folder; the previous checkpoint is untouched.
 */
export async function writeCheckpointDir(root: string, name: string, fill: (dir: string) => Promise<void>, keep = Infinity): Promise<string> {
  const { fs, path } = await nodeFs();
  const final = path.join(root, name);
  const tmp = `${final}.tmp-${randomSuffix()}`;
  try {
    await fs.mkdir(root, { recursive: true });
    await fs.mkdir(tmp);
    await fill(tmp);
    await syncDir(tmp);
    const existing = await fs.stat(final).catch(() => undefined);
    if (existing) {
      // Saving the same step again: swap it out first (rename cannot replace a non-empty folder).
      const old = `${final}.old-${randomSuffix()}`;
      await fs.rename(final, old);
      await fs.rename(tmp, final);
      await fs.rm(old, { recursive: true, force: true });
    } else {
      await fs.rename(tmp, final);
    }
    await syncDir(root);
    await replaceFileAtomic(path.join(root, LATEST_FILE), `${name}\n`);
  } catch (cause) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    if (CheckpointError.isInstance(cause)) throw cause;
    throw new CheckpointError(`checkpoint '${final}': cannot write: ${(cause as Error).message}`, { cause });
  }
  await prune(root, name, keep);
  return final;
}

/** Removes `step-*` folders older than the `keep` newest (never `current`) and stale temporary folders. */
async function prune(root: string, current: string, keep: number): Promise<void> {
  const { fs, path } = await nodeFs();
  const entries = await fs.readdir(root).catch(() => [] as string[]);
  const steps = entries.filter((e) => STEP_DIR.test(e)).sort();
  const doomed = Number.isFinite(keep) ? steps.slice(0, Math.max(0, steps.length - keep)) : [];
  for (const name of [...doomed.filter((n) => n !== current), ...entries.filter((e) => STEP_DIR.test(e.replace(TEMPORARY, '')) && TEMPORARY.test(e))]) {
    await fs.rm(path.join(root, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * The checkpoint folder that `location` names: itself when it holds `trainer.json`, else the folder
 * its `latest` file names (a checkpoint root).
 * @throws CheckpointError when neither is there.
 */
export async function resolveCheckpoint(location: string): Promise<string> {
  const { fs, path } = await nodeFs();
  if (await fs.stat(path.join(location, TRAINER_FILE)).catch(() => undefined)) return location;
  let latest: string;
  try {
    latest = (await fs.readFile(path.join(location, LATEST_FILE), 'utf8')).trim();
  } catch (cause) {
    throw new CheckpointError(`checkpoint '${location}': neither a checkpoint (no ${TRAINER_FILE}) nor a checkpoint root (no ${LATEST_FILE} file)`, { cause });
  }
  if (!STEP_DIR.test(latest)) throw new CheckpointError(`checkpoint '${location}': ${LATEST_FILE} must name a step-NNNNNN folder, got ${JSON.stringify(latest)}`);
  const dir = path.join(location, latest);
  if (!(await fs.stat(path.join(dir, TRAINER_FILE)).catch(() => undefined))) {
    throw new CheckpointError(`checkpoint '${location}': ${LATEST_FILE} names '${latest}', which has no ${TRAINER_FILE}`);
  }
  return dir;
}
