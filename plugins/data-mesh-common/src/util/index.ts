export { entityRefKey } from './entityRefKey';
export { isJsonObject } from './isJsonObject';
export { parseIsoDuration } from './isoDuration';
export type { IsoDurationUnits } from './isoDuration';
export { serviceLevelDurationMs } from './serviceLevelDuration';
