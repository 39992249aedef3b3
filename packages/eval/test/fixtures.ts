// The committed reference numbers (fixtures/*.json) and where they came from.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const MODELS_DIR = fileURLToPath(new URL('../../testkit/fixtures/models/', import.meta.url));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function loadJson(name: string): any {
  return JSON.parse(readFileSync(`${FIXTURES_DIR}${name}`, 'utf8'));
}

/** null in a fixture stands for NaN (JSON has none). */
export const nanOf = (v: number | null): number => (v === null ? NaN : v);
