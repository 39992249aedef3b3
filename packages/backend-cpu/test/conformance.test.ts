// The shared conformance suite on the pure-JS reference backend.
import '@llmkit/backend-cpu';
import { runConformance } from '@llmkit/testkit';

runConformance('cpu');
