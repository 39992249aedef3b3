// How a pipeline turns pieces of text into training items (blocks or segment pairs) and items into
// batches. Packing one piece is a pure function of the piece and the carry from the pieces before,
// which is what lets a pipeline resume mid-piece by packing that piece again.
import type { TextPiece } from './source.js';

export interface Packed<Item, Carry> {
  /** Items completed by this piece, in order. */
  items: Item[];
  /** What the next piece continues from (an unfinished block, the sentences of an open pair). */
  carry: Carry;
}

export interface Packer<Item, Carry, Batch> {
  /** The carry at the start of an epoch. */
  initialCarry(): Carry;
  /** Index (in corpus order) of the next item this carry will produce: numbers items for the block split. */
  itemIndex(carry: Carry): number;
  pack(piece: TextPiece, carry: Carry): Packed<Item, Carry>;
  /** An item that owns its memory (the packed ones may view a whole piece's ids). */
  detach(item: Item): Item;
  collate(items: Item[]): Batch;
  saveCarry(carry: Carry): unknown;
  loadCarry(state: unknown): Carry;
  saveItems(items: readonly Item[]): unknown;
  loadItems(state: unknown): Item[];
  /** The options that fix what the items are: a resumed state must have been saved under the same ones. */
  config(): Record<string, unknown>;
}
