import { z } from 'zod';

// PLACEHOLDER owned by the engine/agents work: the full miner, population and fringe schemas replace this.
export const MinerSchema = z
  .object({
    name: z.string().min(1),
    hashrateEHs: z.number().positive(),
    efficiencyJPerTH: z.number().positive(),
    powerPriceUsdPerMWh: z.number().nonnegative(),
  })
  .strict();
export type MinerConfig = z.infer<typeof MinerSchema>;

export const PopulationSchema = z.object({ name: z.string().min(1), count: z.number().int().positive() }).strict();
export type PopulationConfig = z.infer<typeof PopulationSchema>;

export const FringeSchema = z.object({ hashrateEHs: z.number().nonnegative() }).strict();
export type FringeConfig = z.infer<typeof FringeSchema>;
