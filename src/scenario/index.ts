// Scenario files: schema, loading (YAML/JSON, safe), defaults, calibrated start, JSON Schema export.
export {
  ScenarioSchema,
  StartSchema,
  DifficultySchema,
  OutputSchema,
  DEFAULT_START_DATE,
  type Scenario,
  type ScenarioInput,
} from './schema.ts';
export {
  loadScenarioFile,
  parseScenario,
  parseScenarioWithFiles,
  parseScenarioText,
  validateScenario,
  checkPlainData,
  resolveScenarioPath,
  FORBIDDEN_KEYS,
  MAX_ALIAS_COUNT,
  type LoadedScenario,
  type DataFile,
  type ParseOptions,
} from './load.ts';
export { ScenarioError, formatProblems, formatPath, issuesToProblems, type Problem } from './errors.ts';
export { scenarioJsonSchema, scenarioJsonSchemaText, SCHEMA_FILE } from './json-schema.ts';
export {
  resolveStart,
  heightAtTime,
  bitsAtHeight,
  epochStartTime,
  epochBlockInterval,
  dateToUnix,
  KNOWN_EPOCHS,
  type ResolvedStart,
  type StartInput,
} from './calibration.ts';
