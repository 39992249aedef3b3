// Keeps the key order (and unknown scalar fields) of a loaded tokenizer.json, so that saving what was
// loaded reproduces the file exactly even across HF versions that add or drop optional fields.

/** The keys of a JSON value's objects, without the big tables (vocab, merges). */
export interface JSONShape {
  keys: string[];
  scalars: Record<string, unknown>;
  children: Record<string, JSONShape | JSONShape[] | undefined>;
}

const OPAQUE = new Set(['vocab', 'merges']);

/** Records the shape of a parsed JSON object. */
export function captureShape(value: unknown): JSONShape | JSONShape[] | undefined {
  if (Array.isArray(value)) return value.map((v) => captureShape(v) as JSONShape);
  if (typeof value !== 'object' || value === null) return undefined;
  const shape: JSONShape = { keys: Object.keys(value), scalars: {}, children: {} };
  for (const [key, v] of Object.entries(value)) {
    if (OPAQUE.has(key)) continue;
    if (typeof v === 'object' && v !== null) shape.children[key] = captureShape(v);
    else shape.scalars[key] = v;
  }
  return shape;
}

/**
 * Reorders `value`'s keys like the shape; keys the shape lacks are dropped when null or false
 * (an absent optional field), keys only the shape has are restored from its scalars.
 */
export function applyShape<T>(value: T, shape: JSONShape | JSONShape[] | undefined): T {
  if (shape === undefined) return value;
  if (Array.isArray(value)) {
    if (!Array.isArray(shape) || shape.length !== value.length) return value;
    return value.map((v, i) => applyShape(v, shape[i])) as T;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(shape)) return value;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of shape.keys) {
    if (key in src) out[key] = applyShape(src[key], shape.children[key]);
    else if (key in shape.scalars) out[key] = shape.scalars[key];
  }
  for (const [key, v] of Object.entries(src)) {
    if (key in out || (!shape.keys.includes(key) && (v === null || v === false))) continue;
    out[key] = v;
  }
  return out as T;
}
