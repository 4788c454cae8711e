export * from './codes.js';
export * from './compute.js';
export * from './gstin.js';
export * from './money.js';
export * from './numbering.js';
export * from './rates.js';
export * from './state-codes.js';
export * from './words.js';
