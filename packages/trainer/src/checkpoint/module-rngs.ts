// The random generators a model keeps inside (dropout masks): found by walking its modules, so a
// checkpoint saves and restores their streams and a resumed run draws the same masks.
import type { Module, Rng, RngState } from '@llmkit/core';

function isRng(value: unknown): value is Rng {
  const v = value as Partial<Rng> | null;
  return typeof v === 'object' && v !== null && typeof v.getState === 'function' && typeof v.setState === 'function' && typeof v.nextUint32 === 'function';
}

/**
 * Every `Rng` held in a field of the model or one of its modules, keyed `<module path>#<field>`
 * (`transformer.h.0.attn.attn_dropout#rng`); one generator shared by several modules is listed once.
 */
export function moduleRngs(model: Module): Map<string, Rng> {
  const out = new Map<string, Rng>();
  const seen = new Set<Rng>();
  for (const [path, module] of model.namedModules()) {
    for (const [field, value] of Object.entries(module)) {
      if (!isRng(value) || seen.has(value)) continue;
      seen.add(value);
      out.set(`${path}#${field}`, value);
    }
  }
  return out;
}

/** The states of {@link moduleRngs}, as JSON. */
export function getModuleRngStates(model: Module): Record<string, RngState> {
  return Object.fromEntries([...moduleRngs(model)].map(([key, rng]) => [key, rng.getState()]));
}

/** Restores {@link getModuleRngStates}; returns the keys of the model that the saved states lacked. */
export function setModuleRngStates(model: Module, states: Record<string, RngState>): string[] {
  const missing: string[] = [];
  for (const [key, rng] of moduleRngs(model)) {
    const state = states[key];
    if (state) rng.setState(state);
    else missing.push(key);
  }
  return missing;
}
