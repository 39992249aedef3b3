// What the browser page (entry.ts) tells the Node side (harness.ts): events sent one by one through
// `window.__llmkitEvent` (a Playwright binding), so that a run that hangs or crashes still says
// which tests finished and which one was running.

/** What the page found before running anything. */
export interface BrowserEnv {
  userAgent: string;
  secureContext: boolean;
  /** `navigator.gpu` is defined. */
  gpu: boolean;
  /** `navigator.gpu.requestAdapter()` returned an adapter: its `info`, else null. */
  adapter: { vendor: string; architecture: string; device: string; description: string } | null;
  /** The llmkit backend's own description (after `useBackend`), if it initialised. */
  backend?: string;
}

/** The page's tfjs state after the suite ran: the backend the tests used and the flag they set. */
export interface FinalState {
  tfBackend: string;
  webgpuCpuForward: unknown;
}

export type TestStatus = 'pass' | 'fail' | 'skip';

export interface TestResult {
  /** Suite names and the test name, outermost first. */
  path: string[];
  status: TestStatus;
  /** The error's message (with the first stack lines) for failures; the reason for skips. */
  error?: string;
  durationMs: number;
}

export type BrowserEvent =
  | { type: 'env'; env: BrowserEnv }
  | { type: 'collected'; count: number }
  | { type: 'start'; path: string[] }
  | { type: 'result'; result: TestResult }
  | { type: 'done'; durationMs: number; final?: FinalState }
  | { type: 'fatal'; error: string };

/** The binding the Node side exposes to the page. */
export const EVENT_BINDING = '__llmkitEvent';
