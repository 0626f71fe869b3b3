export * from './org.js';
export * from './sales.js';
export * from './targets.js';
export * from './alerts.js';
export * from './digests.js';
export * from './seed.js';
export * from './rollups.js';
