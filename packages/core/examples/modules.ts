// Modules: parameters registered by name, nested modules, state dicts checked on load.
import { Module, ModuleList, tf } from '@llmkit/core';

class Linear extends Module {
  readonly weight = this.registerParameter('weight', tf.randomNormal([4, 8]));
  readonly bias = this.registerParameter('bias', tf.zeros([8]));
}
class Mlp extends Module {
  readonly layers = this.registerModule('h', new ModuleList([new Linear(), new Linear()]));
}

const m = new Mlp();
const other = new Mlp();
console.log(m.namedParameters().map(([name]) => name)); // ['h.0.weight', 'h.0.bias', 'h.1.weight', 'h.1.bias']
m.loadStateDict(other.stateDict()); // checks every key, shape and dtype first; all or nothing
m.dispose();
other.dispose();
