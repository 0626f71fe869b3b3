export * from './alerts.js';
export * from './delivery.js';
export * from './digests.js';
export * from './org.js';
export * from './rollups.js';
export * from './sales.js';
export * from './seed.js';
export * from './targets.js';
