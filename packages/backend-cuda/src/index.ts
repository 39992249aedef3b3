// @llmkit/backend-cuda: work in progress (issue 12).
export const CUDA_BACKEND_NAME = 'cuda';
