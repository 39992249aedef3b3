// Keeps the key order (and unknown scalar fields) of a loaded tokenizer.json, so that saving what was
// loaded reproduces the file exactly even across HF versions that add or drop optional fields.

/** The keys of a JSON value's objects, without the big tables (vocab, merges). */
export interface JSONShape {
  keys: string[];
  scalars: Record<string, unknown>;
  children: Record<string, JSONShape | JSONShape[] | undefined>;
}

const OPAQUE = new Set(['vocab', 'merges']);

/** Records the shape of a parsed JSON object, iteratively (the value may be untrusted and deep). */
export function captureShape(value: unknown): JSONShape | JSONShape[] | undefined {
  const shapeOf = (v: unknown): JSONShape | JSONShape[] | undefined =>
    Array.isArray(v) ? [] : typeof v === 'object' && v !== null ? { keys: Object.keys(v), scalars: {}, children: {} } : undefined;
  const root = shapeOf(value);
  const stack: Array<[unknown, JSONShape | JSONShape[]]> = root === undefined ? [] : [[value, root]];
  while (stack.length > 0) {
    const [v, shape] = stack.pop()!;
    if (Array.isArray(shape)) {
      for (const item of v as unknown[]) {
        const child = shapeOf(item) as JSONShape;
        shape.push(child);
        if (child !== undefined) stack.push([item, child]);
      }
      continue;
    }
    for (const [key, child] of Object.entries(v as Record<string, unknown>)) {
      if (OPAQUE.has(key)) continue;
      if (typeof child === 'object' && child !== null) {
        const childShape = shapeOf(child)!;
        shape.children[key] = childShape;
        stack.push([child, childShape]);
      } else shape.scalars[key] = child;
    }
  }
  return root;
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
