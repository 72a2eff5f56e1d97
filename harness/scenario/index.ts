export type { Scenario, Turn, ToolCallSpec, ExpectedEffect, Usage, ToolName } from './types.js';
export { EFFECT_TOOLS, TOOLS, isEffectTool } from './types.js';
export { validateScenario } from './validate.js';
export { loadScenarioFile, resolveScenario, builtinScenarioNames, parseJsonFile } from './load.js';
