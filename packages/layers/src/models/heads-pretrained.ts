// Loading HF's GPT2/Bert ForSequenceClassification and ForTokenClassification checkpoints into
// the heads: config.json's labels (id2label), problem_type, pad_token_id and classifier dropout,
// the backbone's own config checks, and every weight's shape checked before anything is allocated.
import { tf } from '@llmkit/core';
import { show } from '../config.js';
import type { Backbone } from './backbone.js';
import { BertModel, bertConfigFromHF, bertKey, checkBERTWeights, type ResolvedBERTConfig } from './bert.js';
import { CheckpointError, type HFConfig } from './checkpoint.js';
import { GPTModel, checkGPTWeights, gptConfigFromHF, gptKey, type ResolvedGPTConfig } from './gpt.js';
import { SequenceClassifier, TokenClassifier, type ClassifierOptions, type ProblemType } from './heads.js';
import { expectWeights, loadPretrained, pretrainedFromTensors, type PretrainedFormat, type WeightShapes } from './pretrained.js';

type Kind = 'sequence' | 'token';
type Classifier = SequenceClassifier | TokenClassifier;
interface HeadConfig {
  family: 'gpt2' | 'bert';
  backbone: ResolvedGPTConfig | ResolvedBERTConfig;
  head: ClassifierOptions;
}

/** Label names by id from config.json's id2label (transformers: num_labels = len(id2label), default 2). */
function labelsFromHF(where: string, hf: HFConfig): string[] {
  const id2label = hf.id2label;
  if (id2label === undefined || id2label === null) {
    const n = hf.num_labels ?? 2;
    if (!Number.isSafeInteger(n) || (n as number) < 1) throw new CheckpointError(`${where}: config.json 'num_labels' must be a positive integer; got ${show(n)}`);
    return Array.from({ length: n as number }, (_, i) => `LABEL_${i}`);
  }
  if (typeof id2label !== 'object' || Array.isArray(id2label)) throw new CheckpointError(`${where}: config.json 'id2label' must be an object {"0": name, ...}; got ${show(id2label)}`);
  const entries = Object.entries(id2label as Record<string, unknown>);
  const labels = entries.map((_, i) => (id2label as Record<string, unknown>)[String(i)]);
  const bad = labels.findIndex((l) => typeof l !== 'string');
  if (entries.length === 0 || bad >= 0) throw new CheckpointError(`${where}: config.json 'id2label' must name ids 0..${entries.length - 1} with strings; id ${Math.max(bad, 0)} is ${show(labels[Math.max(bad, 0)])}`);
  if (hf.num_labels !== undefined && hf.num_labels !== labels.length) {
    throw new CheckpointError(`${where}: config.json 'num_labels' is ${show(hf.num_labels)} but 'id2label' names ${labels.length} labels`);
  }
  return labels as string[];
}

function headFromHF(kind: Kind, where: string, hf: HFConfig): HeadConfig {
  if (typeof hf !== 'object' || hf === null) throw new CheckpointError(`${where}: config.json must be an object; got ${show(hf)}`);
  const family = hf.model_type === 'gpt2' ? 'gpt2' : hf.model_type === 'bert' ? 'bert' : null;
  if (!family) throw new CheckpointError(`${where}: config.json 'model_type' must be "gpt2" or "bert"; got ${show(hf.model_type)}`);
  const labels = labelsFromHF(where, hf);
  const problemType = hf.problem_type ?? null;
  const types = ['regression', 'single_label_classification', 'multi_label_classification'];
  if (problemType !== null && (kind === 'token' || !types.includes(problemType as string))) {
    throw new CheckpointError(`${where}: config.json 'problem_type' must be ${kind === 'token' ? 'null for token classification' : `null or one of ${types.join(', ')}`}; got ${show(problemType)}`);
  }
  const dropoutField = (key: string) => {
    const v = hf[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new CheckpointError(`${where}: config.json '${key}' must be a number in [0, 1) or null; got ${show(v)}`);
    return v;
  };
  // The dropout transformers puts before the head (GPT2ForSequenceClassification has none).
  const dropout = family === 'gpt2' ? (kind === 'sequence' ? 0 : dropoutField('classifier_dropout') ?? dropoutField('hidden_dropout') ?? 0.1) : dropoutField('classifier_dropout') ?? dropoutField('hidden_dropout_prob') ?? 0.1;
  const backbone = family === 'gpt2' ? gptConfigFromHF(hf, where) : bertConfigFromHF(hf, where);
  const head: ClassifierOptions = { numLabels: labels.length, labels, dropout, ...(kind === 'sequence' ? { problemType: problemType as ProblemType | null } : {}) };
  return { family, backbone, head };
}

function checkHeadWeights(kind: Kind, c: HeadConfig, shapes: WeightShapes): void {
  const where = `${kind === 'sequence' ? 'SequenceClassifier' : 'TokenClassifier'}.load`;
  const n = c.head.numLabels;
  if (c.family === 'gpt2') {
    const b = c.backbone as ResolvedGPTConfig;
    checkGPTWeights({ ...b, tieWordEmbeddings: true }, shapes);
    const fields = `num_labels ${n} (id2label), n_embd ${b.nEmbd}`;
    expectWeights(where, shapes, kind === 'sequence' ? [['score.weight', [n, b.nEmbd], fields]] : [['classifier.weight', [n, b.nEmbd], fields], ['classifier.bias', [n], fields]]);
  } else {
    const b = c.backbone as ResolvedBERTConfig;
    checkBERTWeights(b, shapes);
    const fields = `num_labels ${n} (id2label), hidden_size ${b.hiddenSize}`;
    const pooler = kind === 'sequence' ? [['bert.pooler.dense.weight', [b.hiddenSize, b.hiddenSize], `hidden_size ${b.hiddenSize}`] as const] : [];
    expectWeights(where, shapes, [...pooler, ['classifier.weight', [n, b.hiddenSize], fields], ['classifier.bias', [n], fields]]);
  }
}

function format(kind: Kind): PretrainedFormat<Classifier, HeadConfig> {
  const Head = kind === 'sequence' ? SequenceClassifier : TokenClassifier;
  return {
    name: Head.name,
    configFromHF: (hf) => headFromHF(kind, `${Head.name}.load`, hf),
    // The head's keys stay; the backbone's are read as GPT / BERT read them (legacy names, buffers).
    renameKey: (key) => (/^(score|classifier)\./.test(key) ? key : key.startsWith('bert.') || key.startsWith('cls.') ? bertKey(key) : gptKey(key)),
    checkWeights: (c, shapes) => checkHeadWeights(kind, c, shapes),
    build: (c) => {
      const backbone: Backbone = c.family === 'gpt2' ? new GPTModel(c.backbone as ResolvedGPTConfig, { initialize: false }) : new BertModel(c.backbone as ResolvedBERTConfig, { initialize: false });
      const head = new Head(backbone, c.head);
      // BertForTokenClassification has no pooler: ours keeps its (unused) own weights, so a strict load still fits.
      if (kind === 'token' && c.family === 'bert') return withOwnPooler(head);
      return head;
    },
  };
}

/** A head whose `loadStateDict` fills a missing `bert.pooler.*` from its own variables. */
function withOwnPooler(head: Classifier): Classifier {
  const load = head.loadStateDict.bind(head);
  head.loadStateDict = (dict, options) => {
    const own = Object.fromEntries([...head.stateDict()].filter(([k]) => k.startsWith('bert.pooler.')));
    const given = dict instanceof Map ? Object.fromEntries(dict) : (dict as Record<string, tf.Tensor>);
    return load({ ...own, ...given }, options);
  };
  return head;
}

/** Loads a classifier folder written by transformers or by `save`. Node only. */
export function loadClassifier(kind: Kind, dir: string): Promise<Classifier> {
  return loadPretrained(format(kind), dir);
}

/** A classifier from config.json's object and its weights (the tensors stay the caller's). */
export function classifierFromTensors(kind: Kind, hf: HFConfig, tensors: Record<string, tf.Tensor>): Classifier {
  return pretrainedFromTensors(format(kind), hf, tensors);
}
