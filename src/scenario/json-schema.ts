import { z } from 'zod';
import { ScenarioSchema } from './schema.ts';

/** Where the committed JSON Schema lives; scenario files reference it as `./scenario.schema.json`. */
export const SCHEMA_FILE = 'scenarios/scenario.schema.json';

/**
 * JSON Schema (draft 2020-12) of a scenario file, generated from the zod schema on the input side:
 * fields with defaults are optional. Cross-field rules (e.g. horizonDays divisible by stepDays) are
 * checked by `hashsim validate`, not by the JSON Schema.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12', reused: 'ref' }) as Record<string, unknown>;
  return {
    $schema: schema['$schema'],
    $id: 'https://hashsim.local/scenario.schema.json',
    title: 'hashsim scenario',
    description: 'A hashsim scenario file (YAML or JSON). Field reference: docs/MODEL.md, "Scenario format".',
    ...schema,
  };
}

/** The JSON Schema as the text committed in scenarios/scenario.schema.json. */
export function scenarioJsonSchemaText(): string {
  return JSON.stringify(scenarioJsonSchema(), null, 2) + '\n';
}
