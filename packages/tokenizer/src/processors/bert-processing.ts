// BERT's and RoBERTa's fixed templates: [CLS] A [SEP] (B [SEP]) and <s> A </s> (</s> B </s>).
import type { PostProcessor, PostProcessorJSON, TemplatePiece } from './post-processor.js';

const special = (token: readonly [string, number], typeId: number): TemplatePiece => ({
  kind: 'special',
  name: token[0],
  ids: [token[1]],
  tokens: [token[0]],
  typeId,
});
const seq = (sequence: 0 | 1, typeId: number): TemplatePiece => ({ kind: 'sequence', sequence, typeId });

/** `{"type": "BertProcessing", "sep": ["[SEP]", 102], "cls": ["[CLS]", 101]}`; B has type id 1. */
export class BertProcessing implements PostProcessor {
  readonly type = 'BertProcessing';
  readonly trimOffsets = false;
  constructor(
    readonly sep: readonly [string, number],
    readonly cls: readonly [string, number],
  ) {}
  template(isPair: boolean): readonly TemplatePiece[] {
    const single = [special(this.cls, 0), seq(0, 0), special(this.sep, 0)];
    return isPair ? [...single, seq(1, 1), special(this.sep, 1)] : single;
  }
  toJSON(): PostProcessorJSON {
    return { type: this.type, sep: [...this.sep], cls: [...this.cls] };
  }
}

/** `{"type": "RobertaProcessing", "sep", "cls", "trim_offsets", "add_prefix_space"}`; all type ids 0. */
export class RobertaProcessing implements PostProcessor {
  readonly type = 'RobertaProcessing';
  constructor(
    readonly sep: readonly [string, number],
    readonly cls: readonly [string, number],
    readonly trimOffsets = true,
    readonly addPrefixSpace = true,
  ) {}
  template(isPair: boolean): readonly TemplatePiece[] {
    const single = [special(this.cls, 0), seq(0, 0), special(this.sep, 0)];
    return isPair ? [...single, special(this.sep, 0), seq(1, 0), special(this.sep, 0)] : single;
  }
  toJSON(): PostProcessorJSON {
    return { type: this.type, sep: [...this.sep], cls: [...this.cls], trim_offsets: this.trimOffsets, add_prefix_space: this.addPrefixSpace };
  }
}
