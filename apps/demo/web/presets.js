// The page's model sizes: nanoGPT's shakespeare-char "baby" GPT (small, the Node demo's) and one
// size either side; every size has 64 characters of context and trains on batches of 16 rows.
export const SIZES = {
  tiny: { nLayer: 2, nHead: 4, nEmbd: 64 },
  small: { nLayer: 4, nHead: 4, nEmbd: 128 },
  medium: { nLayer: 6, nHead: 6, nEmbd: 192 },
};

export const BLOCK = 64;
export const BATCH = 16;
export const SEED = 1337;
