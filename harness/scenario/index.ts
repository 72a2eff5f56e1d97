export type { Scenario, Turn, PlainTurn, BranchTurn, ToolCallSpec, ExpectedEffect, Usage, ToolName } from './types.js';
export { EFFECT_TOOLS, TOOLS, isEffectTool } from './types.js';
export { isBranch, leafTurns, turnCalls, cassetteCalls, maxCalls, selectTurn, resultField } from './turns.js';
export { canonicalJson } from '../json.js';
export { validateScenario } from './validate.js';
export { loadScenarioFile, resolveScenario, builtinScenarioNames, parseJsonFile } from './load.js';
