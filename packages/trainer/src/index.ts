// @llmkit/trainer: the pretraining loop.
export {};
