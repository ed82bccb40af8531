export {
  PriceModelSchema,
  FeeModelSchema,
  ShockSchema,
  ImpactSchema,
  PRICE_MODELS,
  FEE_MODELS,
  DEFAULT_INITIAL_USD,
  DEFAULT_VOL_ANNUAL,
  type PriceModelConfig,
  type PriceModelInput,
  type FeeModelConfig,
  type FeeModelInput,
  type ShockConfig,
  type ImpactConfig,
} from './schema.ts';
export { createPriceProcess, impactImpulse, impactDecay, shockStep, DAYS_PER_YEAR, type PriceProcess, type PriceProcessOptions } from './price.ts';
export { createFeeProcess, type FeeProcess } from './fees.ts';
export { parsePriceCsv, parseReturnsCsv, CsvFormatError } from './csv.ts';
