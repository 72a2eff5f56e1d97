export type { ScenarioShape } from './points.js';
export { scenarioShape, scenarioTriggers, triggersFor, TIME_POINTS_MS } from './points.js';
export type { ScheduleSpace } from './arbitrary.js';
export { scheduleArbitrary, singleFaultPoints, applicable, defaultCheckFaults, resolveCheckFaults } from './arbitrary.js';
export type { SearchOptions, SearchProgress, SearchResult } from './search.js';
export { searchSchedules, scheduleAt } from './search.js';
