export { SafetyChecker, SafetyViolation, entryKey } from './checker.js';
export { emptyDisk, persistReady, type Disk } from './disk.js';
export { EventQueue } from './events.js';
export { SeededRandom } from './random.js';
export { Simulation } from './simulator.js';
export type { SimOptions, SimResult, SimStats } from './simulator.js';
