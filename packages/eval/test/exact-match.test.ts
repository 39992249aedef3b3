// Exact match with HF evaluate's options. evaluate is not installed here: the expected values are
// counted by hand from the inputs, as stated per case.
import { describe, expect, it } from 'vitest';
import { exactMatch } from '../src/index.js';

const preds = ['The Cat!', 'the cat', 'Room 101', 'yes', 'Answer: 42'];
const refs = ['the cat', 'the cat', 'room 102', 'no', '42'];

describe('exact match', () => {
  it('plain: only pair 1 is identical -> 1/5', () => expect(exactMatch(preds, refs)).toBe(1 / 5));
  it('ignoreCase: pair 1 -> 1/5 (pair 0 keeps its "!")', () => expect(exactMatch(preds, refs, { ignoreCase: true })).toBe(1 / 5));
  it('ignoreCase + ignorePunctuation: pairs 0, 1 -> 2/5', () => expect(exactMatch(preds, refs, { ignoreCase: true, ignorePunctuation: true })).toBe(2 / 5));
  it('+ ignoreNumbers: pairs 0, 1, 2 -> 3/5', () => expect(exactMatch(preds, refs, { ignoreCase: true, ignorePunctuation: true, ignoreNumbers: true })).toBe(3 / 5));
  it('regexesToIgnore "Answer: " first: pairs 1, 4 -> 2/5', () => expect(exactMatch(preds, refs, { regexesToIgnore: ['Answer: '] })).toBe(2 / 5));
  it('different lengths are a ShapeError', () => expect(() => exactMatch(['a'], [])).toThrow(/same length; got 1 and 0/));
});
