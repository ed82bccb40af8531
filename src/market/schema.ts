import { z } from 'zod';

// PLACEHOLDER owned by the scenario/market work: the full price and fee model schemas replace this.
export const PriceModelSchema = z
  .object({
    model: z.literal('gbm'),
    initialUsd: z.number().positive().default(70_000),
    driftAnnual: z.number().default(0),
    volAnnual: z.number().nonnegative().default(0.5),
  })
  .strict();
export type PriceModelConfig = z.infer<typeof PriceModelSchema>;

export const FeeModelSchema = z
  .object({ model: z.literal('constant'), btcPerBlock: z.number().nonnegative().default(0.03) })
  .strict();
export type FeeModelConfig = z.infer<typeof FeeModelSchema>;
