// tfjs-backend-wasm's ESM bundle imports fs, path, perf_hooks and os at the top for its Node code
// path; in a browser that path never runs, so the import map points them here.
export default {};
