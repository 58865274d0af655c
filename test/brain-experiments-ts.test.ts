/** The brain experiments' seeded science tests under the pure-TypeScript matrix kernel (see test-support/brain-science.ts). */
import { brainScience } from '../test-support/brain-science.js';

brainScience('ts');
