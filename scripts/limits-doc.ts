/**
 * Writes docs/limits.md, the reference of every setting, from the limits table
 * (src/limits/settings.ts). test/limits/reference.test.ts fails when the file is out of date.
 *   npm run limits-doc
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LIMITS, renderReference } from '../src/limits/index.js';

const path = join(import.meta.dirname, '..', 'docs', 'limits.md');
writeFileSync(path, renderReference(LIMITS));
console.log(`wrote ${path}`);
