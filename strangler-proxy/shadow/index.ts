export { ShadowPlan, compileShadows } from './plan.js';
export { ShadowRecorder, SAMPLE_LIMIT, newShadowTotals } from './recorder.js';
export { ShadowTrip, readSmallBody, type ShadowTargets } from './trip.js';
export { shadowSchema, type ShadowConfig } from './shadow-config.js';
export { compareResponses, compareJson, compareExact, compareHeaders, type CompareSettings, type CapturedResponse } from './compare.js';
export { parseJsonPath, pathMatches, formatLocation, type JsonPath } from './json-path.js';
export { SHADOW_HEADER } from './send.js';
