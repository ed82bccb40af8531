// Names, units and meaning of every per-step series column and per-run summary value, in the
// fixed order the engine writes them (docs/MODEL.md renders the same lists).

export interface MetricDef {
  readonly name: string;
  readonly unit: string;
  /** level: value during the step; stock: value at the end of the step; flow: summed since the previous sample. */
  readonly kind: 'level' | 'stock' | 'flow';
  readonly description: string;
}

export const SERIES_METRICS = [
  { name: 'price_usd', unit: 'USD/BTC', kind: 'level', description: 'BTC price during the step' },
  { name: 'hashrate_ehs', unit: 'EH/s', kind: 'level', description: 'network hashrate running during the step (agents + fringe)' },
  { name: 'agent_hashrate_ehs', unit: 'EH/s', kind: 'level', description: 'hashrate of named and generated miners running during the step' },
  { name: 'fringe_hashrate_ehs', unit: 'EH/s', kind: 'level', description: 'hashrate of the fringe (the network outside the agents, supply model) running during the step' },
  { name: 'difficulty', unit: '1', kind: 'stock', description: "difficulty of the next block at the end of the step (Core's GetDifficulty)" },
  { name: 'bits', unit: 'compact', kind: 'stock', description: 'compact target (nBits) of the next block at the end of the step, as an integer' },
  { name: 'height', unit: 'blocks', kind: 'stock', description: 'height of the last block at the end of the step' },
  { name: 'blocks', unit: 'blocks', kind: 'flow', description: 'blocks found since the previous sample' },
  {
    name: 'block_interval_s',
    unit: 's',
    kind: 'flow',
    description: 'mean block interval since the previous sample (elapsed seconds / blocks); with no block, the seconds since the last block',
  },
  { name: 'hashprice_usd_per_ph_day', unit: 'USD/(PH/s)/day', kind: 'level', description: 'expected revenue of 1 PH/s for a day at the step start (gross of pool fees)' },
  { name: 'subsidy_btc', unit: 'BTC/block', kind: 'stock', description: 'subsidy of the next block at the end of the step' },
  { name: 'fee_btc_per_block', unit: 'BTC/block', kind: 'level', description: 'mean fee per block during the step (fee model)' },
  { name: 'block_rewards_btc', unit: 'BTC', kind: 'flow', description: 'subsidy + fees of the blocks found since the previous sample' },
  { name: 'miners_active', unit: 'miners', kind: 'stock', description: 'live agent miners running every installed machine (hashrate > 0)' },
  {
    name: 'miners_curtailing',
    unit: 'miners',
    kind: 'stock',
    description: 'live agent miners with at least one installed cohort switched off for economics, or with no hashrate running and no AI capacity',
  },
  { name: 'miners_pivoting', unit: 'miners', kind: 'stock', description: 'live agent miners that have left mining for AI: no mining hashrate installed, AI MW converting or operating' },
  { name: 'miners_exited', unit: 'miners', kind: 'stock', description: 'agent miners that have exited (cumulative); active + curtailing + pivoting + exited = all miners' },
  { name: 'miners_converting', unit: 'miners', kind: 'stock', description: 'live agent miners with an AI conversion in progress, whatever their status (their other capacity may still mine)' },
  { name: 'treasury_btc', unit: 'BTC', kind: 'stock', description: 'free BTC treasury of live agent miners' },
  { name: 'collateral_btc', unit: 'BTC', kind: 'stock', description: 'BTC pledged to lenders by live agent miners' },
  { name: 'sold_btc', unit: 'BTC', kind: 'flow', description: "agent miners' voluntary BTC sales since the previous sample" },
  { name: 'liquidated_btc', unit: 'BTC', kind: 'flow', description: 'BTC sold by lenders (liquidations) and from exiting miners\' estates since the previous sample' },
  { name: 'fringe_sold_btc', unit: 'BTC', kind: 'flow', description: 'BTC earned and sold by the fringe since the previous sample' },
  { name: 'sold_cum_btc', unit: 'BTC', kind: 'stock', description: 'cumulative agent sell pressure: voluntary sales + liquidations' },
  { name: 'debt_usd', unit: 'USD', kind: 'stock', description: 'BTC-backed debt of live agent miners' },
  { name: 'cash_usd', unit: 'USD', kind: 'stock', description: 'cash of live agent miners' },
  { name: 'margin_calls', unit: 'calls', kind: 'flow', description: 'margin calls opened since the previous sample (an event: a call that stays open is not counted again)' },
  { name: 'liquidations', unit: 'events', kind: 'flow', description: 'lender liquidations since the previous sample' },
  { name: 'exits', unit: 'miners', kind: 'flow', description: 'miners that exited since the previous sample' },
  { name: 'ai_mw', unit: 'MW', kind: 'stock', description: 'MW of live agents operating as AI/HPC hosting' },
  { name: 'ai_converting_mw', unit: 'MW', kind: 'stock', description: 'MW being converted to AI (hashrate already off)' },
  { name: 'mining_mw', unit: 'MW', kind: 'level', description: 'power drawn by running agent machines' },
  {
    name: 'attack_cost_usd_per_hour',
    unit: 'USD/h',
    kind: 'level',
    description: 'cost of an attack matching the honest network for security.attackHours (machines: idle and secondary-market first, then new; plus power), per hour of that attack',
  },
  { name: 'attack_cost_usd', unit: 'USD', kind: 'level', description: 'cost of an attack matching the honest network for security.attackHours: machines (idle and secondary-market at their prices first, then new at the ASIC price) plus their power' },
  { name: 'attack_existing_share', unit: '1', kind: 'level', description: "share of the attack's hashrate bought from idle and secondary-market machines (the rest new)" },
  { name: 'security_budget_usd_per_day', unit: 'USD/day', kind: 'level', description: "miners' revenue per day: network hashrate x hashprice" },
  { name: 'pool_hhi', unit: '1', kind: 'level', description: 'Herfindahl-Hirschman index of mining pools\' shares of the network (security.pools; the rest atomistic); 0..1' },
  { name: 'largest_pool_share', unit: '1', kind: 'level', description: "largest pool's share of the network's hashrate" },
  { name: 'hhi', unit: '1', kind: 'level', description: 'Herfindahl-Hirschman index of hashrate shares of the network, sum over agents of (running EH/s / network EH/s)^2; the fringe is atomistic (adds 0), so 0 when only the fringe mines; 0..1' },
  { name: 'pool_balance_btc', unit: 'BTC', kind: 'stock', description: "FPPS pool's cumulative block income minus payouts (its luck and fees)" },
  { name: 'fringe_installed_ehs', unit: 'EH/s', kind: 'stock', description: "fringe capacity installed (running + idle) at the end of the step (supply model)" },
  { name: 'fringe_in_transit_ehs', unit: 'EH/s', kind: 'stock', description: 'fringe machines ordered and not yet delivered at the end of the step' },
  { name: 'secondary_market_ehs', unit: 'EH/s', kind: 'stock', description: 'used machines held for resale (retired by the fringe or released by agents) at the end of the step' },
  { name: 'asic_usd_per_th', unit: 'USD/TH', kind: 'level', description: "price of a frontier machine at the investors' averaged hashprice" },
] as const satisfies readonly MetricDef[];

export type SeriesName = (typeof SERIES_METRICS)[number]['name'];

export interface SummaryDef {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
}

export const SUMMARY_METRICS = [
  { name: 'final_price_usd', unit: 'USD/BTC', description: 'price in the last step' },
  { name: 'min_price_usd', unit: 'USD/BTC', description: 'lowest step price' },
  { name: 'max_price_usd', unit: 'USD/BTC', description: 'highest step price' },
  { name: 'final_hashrate_ehs', unit: 'EH/s', description: 'network hashrate in the last step' },
  { name: 'min_hashrate_ehs', unit: 'EH/s', description: 'lowest network hashrate of any step' },
  { name: 'max_hashrate_ehs', unit: 'EH/s', description: 'highest network hashrate of any step' },
  { name: 'max_hashrate_drawdown_pct', unit: '%', description: 'largest fall of network hashrate from a running peak, in percent (0-100)' },
  { name: 'final_difficulty', unit: '1', description: 'difficulty at the end' },
  { name: 'min_difficulty', unit: '1', description: 'lowest difficulty at any step end' },
  { name: 'max_difficulty', unit: '1', description: 'highest difficulty at any step end' },
  { name: 'final_hashprice_usd_per_ph_day', unit: 'USD/(PH/s)/day', description: 'hashprice in the last step' },
  { name: 'min_hashprice_usd_per_ph_day', unit: 'USD/(PH/s)/day', description: 'lowest hashprice of any step' },
  { name: 'final_height', unit: 'blocks', description: 'height at the end' },
  { name: 'blocks', unit: 'blocks', description: 'blocks found in the run' },
  { name: 'retargets', unit: 'events', description: 'difficulty retargets (Bitcoin: every 2016th block; ASERT: bits changes)' },
  { name: 'halvings', unit: 'events', description: 'subsidy halvings crossed' },
  { name: 'mean_block_interval_s', unit: 's', description: 'elapsed time / blocks found (null without blocks)' },
  { name: 'max_block_interval_s', unit: 's', description: 'longest gap between consecutive blocks (incl. the open gap at the end)' },
  { name: 'steps_without_blocks', unit: 'steps', description: 'steps in which no block was found (death spiral indicator)' },
  { name: 'block_rewards_total_btc', unit: 'BTC', description: 'subsidy + fees of all blocks found' },
  { name: 'initial_btc', unit: 'BTC', description: 'BTC agent miners held at the start (treasury + collateral)' },
  { name: 'mined_total_btc', unit: 'BTC', description: 'BTC earned by agent miners (FPPS payouts, solo blocks, expected shares)' },
  { name: 'sold_total_btc', unit: 'BTC', description: "agent miners' voluntary BTC sales" },
  { name: 'liquidated_total_btc', unit: 'BTC', description: 'BTC sold by lenders and from exiting miners\' estates' },
  { name: 'fringe_sold_total_btc', unit: 'BTC', description: 'BTC earned (and sold) by the fringe' },
  { name: 'margin_calls_total', unit: 'calls', description: 'margin calls opened' },
  { name: 'liquidations_total', unit: 'events', description: 'lender liquidations' },
  { name: 'miners_total', unit: 'miners', description: 'agent miners (named + generated)' },
  { name: 'miners_exited', unit: 'miners', description: 'agent miners that exited' },
  { name: 'mw_pivoted', unit: 'MW', description: 'MW that started conversion to AI' },
  { name: 'ai_mw_final', unit: 'MW', description: 'MW operating as AI hosting at the end' },
  { name: 'first_margin_call_day', unit: 'day', description: 'day of the first margin call (null: never)' },
  { name: 'first_liquidation_day', unit: 'day', description: 'day of the first liquidation (null: never)' },
  { name: 'first_exit_day', unit: 'day', description: 'day of the first exit (null: never)' },
  { name: 'first_pivot_day', unit: 'day', description: 'day the first AI conversion started (null: never)' },
  { name: 'final_treasury_btc', unit: 'BTC', description: 'free treasury of live agents at the end' },
  { name: 'final_collateral_btc', unit: 'BTC', description: 'BTC pledged to lenders by live agents at the end' },
  { name: 'final_debt_usd', unit: 'USD', description: 'debt of live agents at the end' },
  { name: 'final_attack_cost_usd_per_hour', unit: 'USD/h', description: 'attack cost per hour of a security.attackHours attack in the last step' },
  { name: 'min_attack_cost_usd_per_hour', unit: 'USD/h', description: 'lowest attack cost per hour of any sampled step' },
  { name: 'final_hhi', unit: '1', description: 'HHI in the last step' },
  { name: 'max_hhi', unit: '1', description: 'highest HHI of any step' },
  { name: 'final_attack_cost_usd', unit: 'USD', description: 'cost of a security.attackHours attack in the last step' },
  { name: 'final_security_budget_usd_per_day', unit: 'USD/day', description: "miners' revenue per day in the last step" },
  { name: 'min_security_budget_usd_per_day', unit: 'USD/day', description: "lowest miners' revenue per day of any step" },
  { name: 'final_pool_hhi', unit: '1', description: 'pool HHI in the last step' },
  { name: 'max_pool_hhi', unit: '1', description: 'highest pool HHI of any step' },
  { name: 'max_largest_pool_share', unit: '1', description: "largest pool's highest share of any step" },
  { name: 'pool_balance_btc', unit: 'BTC', description: "FPPS pool's block income minus payouts at the end" },
  { name: 'fringe_ordered_total_ehs', unit: 'EH/s', description: 'machines the fringe ordered during the run (hashrate)' },
  { name: 'scrapped_total_ehs', unit: 'EH/s', description: 'used machines scrapped during the run (hashrate)' },
  { name: 'calibration_draw', unit: 'index', description: "posterior draw of the scenario's calibration set this run used (null without one)" },
] as const satisfies readonly SummaryDef[];

export type SummaryName = (typeof SUMMARY_METRICS)[number]['name'];

/** Numeric outcome fields of each named miner (MinerOutcome.values), null = never happened. */
export const MINER_OUTCOME_FIELDS = [
  { name: 'initial_btc', unit: 'BTC', description: 'BTC held at the start (treasury + collateral)' },
  { name: 'mined_btc', unit: 'BTC', description: 'BTC earned (FPPS payouts or solo blocks)' },
  { name: 'sold_btc', unit: 'BTC', description: 'BTC sold voluntarily' },
  { name: 'liquidated_btc', unit: 'BTC', description: 'BTC sold by the lender or at exit' },
  { name: 'final_treasury_btc', unit: 'BTC', description: 'free treasury at the end' },
  { name: 'final_collateral_btc', unit: 'BTC', description: 'BTC pledged to the lender at the end' },
  { name: 'final_cash_usd', unit: 'USD', description: 'cash at the end' },
  { name: 'final_debt_usd', unit: 'USD', description: 'debt at the end' },
  { name: 'final_hashrate_ehs', unit: 'EH/s', description: 'hashrate running in the last step' },
  { name: 'installed_hashrate_ehs', unit: 'EH/s', description: 'installed (not retired) hashrate at the end' },
  { name: 'margin_calls', unit: 'calls', description: 'margin calls opened' },
  { name: 'liquidations', unit: 'events', description: 'lender liquidations' },
  { name: 'first_margin_call_day', unit: 'day', description: 'day of the first margin call' },
  { name: 'first_liquidation_day', unit: 'day', description: 'day of the first liquidation' },
  { name: 'exit_day', unit: 'day', description: 'day the miner exited' },
  { name: 'first_pivot_day', unit: 'day', description: 'day its first AI conversion started' },
  { name: 'mw_pivoted', unit: 'MW', description: 'MW that started conversion to AI' },
  { name: 'ai_mw', unit: 'MW', description: 'MW operating as AI hosting at the end' },
  { name: 'blocks_won', unit: 'blocks', description: 'blocks found solo' },
  { name: 'capex_usd', unit: 'USD', description: 'AI-build capex paid (upfront and drawn over builds)' },
  { name: 'notes_issued_usd', unit: 'USD', description: 'convertible / high-yield notes issued to fund AI builds' },
  { name: 'final_notes_usd', unit: 'USD', description: 'notes outstanding at the end (0 after an exit: settled from the estate)' },
  { name: 'prepayments_usd', unit: 'USD', description: 'tenant prepayments received for AI builds' },
  { name: 'loan_refinancings', unit: 'events', description: 'times the opening loan matured and was rolled over' },
] as const satisfies readonly SummaryDef[];


