export { SafetyChecker, SafetyViolation, entryKey } from './checker.js';
export { EventQueue } from './events.js';
export { SeededRandom } from './random.js';
export { Simulation } from './simulator.js';
export type { SimOptions, SimResult, SimStats } from './simulator.js';
