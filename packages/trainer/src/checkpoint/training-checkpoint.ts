// A training checkpoint's contents: the model (its own `save`: config.json + model.safetensors),
// the optimizer state (optimizer.safetensors + optimizer.json), the loop's state (trainer.json:
// step, schedule, RNG streams, data position) and the tokenizer. Reading checks everything first.
import { safetensorsToTensors, tf, writeSafetensorsFile, type Module, type RngState } from '@llmkit/core';
import { CheckpointError, readCheckpoint, uniqueStateDict } from '@llmkit/layers';
import type { Optimizer, OptimizerState } from '../optim/optimizer.js';
import { checkpointName, resolveCheckpoint, writeCheckpointDir } from './checkpoint-dir.js';
import {
  CONFIG_FILE,
  MODEL_FILE,
  OPTIMIZER_FILE,
  OPTIMIZER_META_FILE,
  TOKENIZER_FILE,
  TRAINER_FILE,
  jsonText,
  nodeFs,
  writeFileSynced,
} from './files.js';

/** What `trainer.json` holds. */
export interface TrainerState {
  format: 'llmkit-trainer';
  version: 1;
  /** Completed optimizer steps. */
  step: number;
  /** Real tokens trained on so far. */
  tokensSeen: number;
  seed: number;
  gradAccumulation: number;
  /** The schedule's config and the rate of the next step. */
  schedule: Record<string, unknown>;
  /** The stream the objective draws masks and swaps from. */
  rng: RngState;
  /** The model's own generators (dropout), by `<module path>#<field>`. */
  modelRngs: Record<string, RngState>;
  /** The data source's `getState()`, or null when it has none. */
  data: unknown;
  /** The loss scaler's state, if one is used. */
  lossScaler?: Record<string, unknown>;
  /** Callbacks' `getState()`, by name. */
  callbacks: Record<string, unknown>;
}

/** A model the trainer can checkpoint: a Module, ideally with HF-style `save(dir)` (GPT, BERT). */
export type CheckpointableModel = Module & { save?(dir: string): Promise<void>; getConfig?(): unknown };

/** Something that serializes to tokenizer.json (`@llmkit/tokenizer`'s Tokenizer), or its JSON text. */
export type TokenizerLike = { toJSON(): unknown } | string;

export interface CheckpointContents {
  model: CheckpointableModel;
  optimizer: Optimizer;
  trainer: TrainerState;
  tokenizer?: TokenizerLike;
}

/**
 * Writes `<root>/step-NNNNNN/` atomically (see {@link writeCheckpointDir}) and points `latest` at it.
 * @returns the checkpoint folder.
 */
export async function saveTrainingCheckpoint(root: string, contents: CheckpointContents, keep = Infinity): Promise<string> {
  const { model, optimizer, trainer, tokenizer } = contents;
  return writeCheckpointDir(
    root,
    checkpointName(trainer.step),
    async (dir) => {
      const { path } = await nodeFs();
      if (typeof model.save === 'function') {
        await model.save(dir);
      } else {
        await writeSafetensorsFile(path.join(dir, MODEL_FILE), uniqueStateDict(model), { format: 'pt' });
        await writeFileSynced(path.join(dir, CONFIG_FILE), jsonText(model.getConfig?.() ?? {}));
      }
      const state = optimizer.getState();
      try {
        await writeSafetensorsFile(path.join(dir, OPTIMIZER_FILE), state.tensors, { format: 'pt' });
      } finally {
        tf.dispose(Object.values(state.tensors));
      }
      await writeFileSynced(path.join(dir, OPTIMIZER_META_FILE), jsonText(state.meta));
      if (tokenizer !== undefined) {
        const text = typeof tokenizer === 'string' ? tokenizer : JSON.stringify(tokenizer.toJSON());
        await writeFileSynced(path.join(dir, TOKENIZER_FILE), text);
      }
      await writeFileSynced(path.join(dir, TRAINER_FILE), jsonText(trainer));
    },
    keep,
  );
}

async function readJson(dir: string, name: string): Promise<unknown> {
  const { fs, path } = await nodeFs();
  try {
    return JSON.parse(await fs.readFile(path.join(dir, name), 'utf8'));
  } catch (cause) {
    throw new CheckpointError(`checkpoint '${dir}': cannot read ${name}: ${(cause as Error).message}`, { cause });
  }
}

/** Reads `trainer.json` of a checkpoint folder or root (`latest`), checking its format. */
export async function readTrainerState(location: string): Promise<{ dir: string; state: TrainerState }> {
  const dir = await resolveCheckpoint(location);
  const state = (await readJson(dir, TRAINER_FILE)) as TrainerState;
  if (state?.format !== 'llmkit-trainer' || state.version !== 1) {
    throw new CheckpointError(`checkpoint '${dir}': ${TRAINER_FILE} must have format 'llmkit-trainer' version 1, got ${JSON.stringify({ format: state?.format, version: state?.version })}`);
  }
  if (!Number.isSafeInteger(state.step) || state.step < 0) {
    throw new CheckpointError(`checkpoint '${dir}': ${TRAINER_FILE} 'step' must be an integer >= 0, got ${String(state.step)}`);
  }
  return { dir, state };
}

/**
 * Loads a checkpoint's weights into `model` and its optimizer state into `optimizer` (strictly:
 * every key and shape, all or nothing for each), and returns `trainer.json`.
 */
export async function loadTrainingCheckpoint(location: string, target: { model: Module; optimizer: Optimizer }): Promise<{ dir: string; state: TrainerState }> {
  const { dir, state } = await readTrainerState(location);
  const { fs, path } = await nodeFs();
  const { tensors } = await readCheckpoint(dir);
  try {
    target.model.loadStateDict(tensors);
  } finally {
    tf.dispose(Object.values(tensors));
  }
  let optimizerState: OptimizerState;
  try {
    optimizerState = { tensors: safetensorsToTensors(await fs.readFile(path.join(dir, OPTIMIZER_FILE))), meta: (await readJson(dir, OPTIMIZER_META_FILE)) as OptimizerState['meta'] };
  } catch (cause) {
    if (CheckpointError.isInstance(cause)) throw cause;
    throw new CheckpointError(`checkpoint '${dir}': cannot read ${OPTIMIZER_FILE}: ${(cause as Error).message}`, { cause });
  }
  try {
    target.optimizer.setState(optimizerState);
  } finally {
    tf.dispose(Object.values(optimizerState.tensors));
  }
  return { dir, state };
}
