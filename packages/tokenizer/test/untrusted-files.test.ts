// Untrusted files: llmkit must accept and reject exactly the tokenizer.json, vocab.json + merges.txt
// and vocab.txt files that HF tokenizers accepts and rejects (test/fixtures/untrusted-files.json, made
// by test/fixtures/gen_untrusted.py from mutations of small trained files), answer everything else
// with a TokenizerError (never a TypeError, RangeError or a hang), and keep messages short.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadBertVocab, loadGpt2Files, Tokenizer, TokenizerError, TokenizerFormatError, UnsupportedComponentError } from '../src/index.js';

interface TokenizerJsonCase {
  base: string;
  path: Array<string | number>;
  key: string | number;
  op: 'delete' | 'set' | 'append';
  value: unknown;
  hf: 'accept' | 'reject' | 'accept-encode-fails';
  hfMessage: string;
}
interface Fixture {
  sample: string;
  bases: Record<string, Record<string, unknown>>;
  tokenizerJson: TokenizerJsonCase[];
  vocabMerges: Array<{ name: string; vocabJson: number[]; mergesTxt: number[]; hf: 'accept' | 'reject'; hfMessage: string }>;
  vocabTxt: Array<{ name: string; vocabTxt: number[]; hf: 'accept' | 'reject'; hfMessage: string; hfVocab: Record<string, number> | null }>;
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/untrusted-files.json', import.meta.url), 'utf8')) as Fixture;

/** The same mutation as gen_untrusted.py's apply(). */
function mutate(c: TokenizerJsonCase): unknown {
  const json = structuredClone(fx.bases[c.base]!) as Record<string | number, unknown>;
  let node = json as Record<string | number, unknown>;
  for (const p of c.path) node = node[p] as Record<string | number, unknown>;
  if (c.op === 'delete') {
    if (Array.isArray(node)) node.splice(c.key as number, 1);
    else delete node[c.key];
  } else if (c.op === 'set') node[c.key] = c.value;
  else (node[c.key] as unknown[]).push(c.value);
  return json;
}

type Verdict = 'accept' | 'reject' | 'accept-encode-fails' | 'unsupported' | 'id-too-large';
/** Loads (and encodes the sample); any error that is not a TokenizerError is rethrown (a test failure). */
function verdict(text: string): { verdict: Verdict; message: string } {
  let tok: Tokenizer;
  try {
    tok = Tokenizer.fromJSON(text);
  } catch (e) {
    if (!TokenizerError.isInstance(e)) throw e;
    if (UnsupportedComponentError.isInstance(e)) return { verdict: 'unsupported', message: e.message };
    const message = (e as Error).message;
    return { verdict: /too large \(llmkit stores ids as 32-bit/.test(message) ? 'id-too-large' : 'reject', message };
  }
  try {
    tok.encode(fx.sample);
    tok.encode(fx.sample, 'pair');
    tok.encodeBatch([fx.sample, ['a', 'b']]);
    return { verdict: 'accept', message: '' };
  } catch (e) {
    if (!TokenizerError.isInstance(e)) throw e;
    return { verdict: 'accept-encode-fails', message: e.message };
  }
}

/** Where llmkit may differ from HF, by design (README "Not implemented", ids stored as Int32). */
function agrees(hf: TokenizerJsonCase['hf'], ours: Verdict): boolean {
  // A component llmkit does not implement is a rejection of its own (BPE dropout, an unknown type).
  if (ours === 'unsupported') return true;
  if (ours === 'id-too-large') return true;
  return hf === ours;
}

const bytes = (xs: number[]): Buffer => Buffer.from(Uint8Array.from(xs));

describe('untrusted tokenizer.json: the same verdicts as HF tokenizers', () => {
  test(`every one of the ${fx.tokenizerJson.length} mutated files is accepted or rejected as HF does, within 2 s each`, () => {
    const wrong: string[] = [];
    let slowest = 0;
    for (const c of fx.tokenizerJson) {
      const text = JSON.stringify(mutate(c));
      const start = performance.now();
      const ours = verdict(text);
      slowest = Math.max(slowest, performance.now() - start);
      if (!agrees(c.hf, ours.verdict)) {
        wrong.push(`${c.base} ${[...c.path, c.key].join('.')} ${c.op} ${JSON.stringify(c.value)?.slice(0, 40)}: HF ${c.hf} (${c.hfMessage.slice(0, 60)}), llmkit ${ours.verdict} (${ours.message.slice(0, 80)})`);
      }
      expect(ours.message.length, ours.message.slice(0, 200)).toBeLessThan(400);
    }
    expect(wrong).toEqual([]);
    expect(slowest).toBeLessThan(2000);
    // The fixture exercises both answers.
    expect(fx.tokenizerJson.filter((c) => c.hf === 'reject').length).toBeGreaterThan(100);
    expect(fx.tokenizerJson.filter((c) => c.hf === 'accept').length).toBeGreaterThan(100);
  });

  test('vocab.json + merges.txt: the same verdicts as HF BPE.from_file; rejections name the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmkit-untrusted-'));
    for (const c of fx.vocabMerges) {
      writeFileSync(join(dir, 'vocab.json'), bytes(c.vocabJson));
      writeFileSync(join(dir, 'merges.txt'), bytes(c.mergesTxt));
      let error: unknown = null;
      try {
        await loadGpt2Files(join(dir, 'vocab.json'), join(dir, 'merges.txt'));
      } catch (e) {
        error = e;
      }
      if (error !== null && !TokenizerError.isInstance(error)) throw error;
      const message = (error as Error | null)?.message ?? '';
      // llmkit stores ids as Int32 and refuses ids ≥ 2^31 that HF reads (README: "Behaviour worth knowing").
      if (c.hf === 'accept' && /too large \(llmkit stores ids as 32-bit/.test(message)) continue;
      expect(error === null ? 'accept' : 'reject', `${c.name}: ${message} / HF: ${c.hfMessage}`).toBe(c.hf);
      if (error !== null) expect(message).toMatch(/vocab\.json|merges\.txt/);
    }
  });

  test("vocab.txt: the same verdicts and the same token → id map as HF WordPiece.from_file", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmkit-untrusted-'));
    for (const c of fx.vocabTxt) {
      writeFileSync(join(dir, 'vocab.txt'), bytes(c.vocabTxt));
      let tok: Tokenizer | null = null;
      let error: unknown = null;
      try {
        tok = await loadBertVocab(join(dir, 'vocab.txt'));
      } catch (e) {
        error = e;
      }
      if (error !== null && !TokenizerError.isInstance(error)) throw error;
      expect(error === null ? 'accept' : 'reject', `${c.name}: ${(error as Error | null)?.message}`).toBe(c.hf);
      if (tok !== null) expect(Object.fromEntries(tok.model.getVocab()), c.name).toEqual(c.hfVocab);
      else expect((error as Error).message).toMatch(/vocab\.txt.*not valid UTF-8/);
    }
  });
});
