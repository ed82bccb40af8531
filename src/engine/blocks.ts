import { blockSubsidySats, COIN, expectedHashesPerBlock, MAINNET, type DifficultyAlgorithm } from '../consensus/index.ts';
import type { RandomStream } from '../random/index.ts';
import { HashsimError } from '../errors.ts';

const HALVING_INTERVAL = MAINNET.subsidyHalvingInterval;

/**
 * Most blocks one `advance` may find per day of simulated time: 1,000 x the 144-a-day target (a
 * hashrate 1,000 x what the difficulty expects, before retargets catch up), and at least 100,000 per
 * call. An absurd hashrate (1e300 EH/s) would otherwise spin the loop practically forever; past the
 * bound the run fails with a message instead.
 */
export const MAX_BLOCKS_PER_DAY = 144_000;
const MIN_BLOCK_BOUND = 100_000;

/** Receives each block as it is found (the engine assigns its reward to a miner). */
export interface BlockSink {
  onBlock(rewardBtc: number): void;
}

/** Called at every change of the required bits (a retarget, or any ASERT step). */
export type RetargetHook = (height: number, oldBits: number, newBits: number, time: number) => void;

/**
 * The block process: blocks arrive as a Poisson process with rate H / expectedHashesPerBlock(bits)
 * (H in hashes per second). Inter-arrival times are exponential; after each block the difficulty
 * algorithm sees (height, time) and may change the bits, which changes the rate from that instant.
 * Because the exponential is memoryless, the draw pending at the end of an interval is discarded and
 * a fresh one drawn at the next interval's rate: the process is exact for piecewise-constant H.
 */
export class BlockProcess {
  /** Height of the last block (the tip). */
  height: number;
  /** Bits required of the next block. */
  bits: number;
  /** Expected hashes per block at `bits`. */
  hashesPerBlock: number;
  /** Subsidy (BTC) of the next block. */
  subsidyBtc: number;
  /** Simulation clock, seconds since the start. */
  time = 0;
  /** Time of the last block (seconds since the start; the start tip is at 0). */
  lastBlockTime = 0;
  /** Longest gap between consecutive blocks seen so far (seconds; the wait since the last block counts). */
  maxGap = 0;
  blocks = 0;
  retargets = 0;
  halvings = 0;
  /** BTC per EH/s earned in expectation over the last `advance` (the FPPS yardstick). */
  rewardPerEhs = 0;
  private readonly bitcoin: boolean;
  /** First height of the next subsidy era (the subsidy changes only there). */
  private nextHalving: number;
  /** Block rewards (BTC) found during the last `advance`. */
  rewardsBtc = 0;
  /** Blocks found during the last `advance`. */
  stepBlocks = 0;

  constructor(
    private readonly algo: DifficultyAlgorithm,
    startHeight: number,
    private readonly startUnix: number,
    private readonly arrivals: RandomStream,
    private readonly onRetarget?: RetargetHook,
  ) {
    this.bitcoin = algo.name === 'bitcoin';
    this.height = startHeight;
    this.bits = algo.nextBits;
    this.hashesPerBlock = expectedHashesPerBlock(this.bits);
    this.subsidyBtc = blockSubsidySats(startHeight + 1) / COIN;
    this.nextHalving = (Math.floor((startHeight + 1) / HALVING_INTERVAL) + 1) * HALVING_INTERVAL;
  }

  /**
   * Run the clock to `tEnd` (seconds since start) at constant hashrate `ehs` (EH/s) and fee
   * `feeBtc` per block, handing every block to `sink`.
   */
  advance(ehs: number, tEnd: number, feeBtc: number, sink: BlockSink, where = 'block loop'): void {
    const hps = ehs * 1e18;
    let t = this.time;
    let perEhs = 0;
    let rewards = 0;
    let n = 0;
    const bound = Math.max(MIN_BLOCK_BOUND, Math.ceil((MAX_BLOCKS_PER_DAY * (tEnd - t)) / 86_400));
    if (hps > 0) {
      for (;;) {
        if (n >= bound) {
          throw new HashsimError(
            `${where}: more than ${bound} blocks in one step (the bound is ${MAX_BLOCKS_PER_DAY} a day, 1,000 x the target): ` +
              `a network hashrate of ${ehs.toPrecision(4)} EH/s is implausible for the difficulty; check hashrateEHs and the fringe's growth`,
            3,
          );
        }
        const rate = hps / this.hashesPerBlock;
        const reward = this.subsidyBtc + feeBtc;
        if (!(rate > 0)) {
          // A hashrate so small (e.g. 1e-320 EH/s) that the rate underflows to 0: no block this step.
          perEhs += ((tEnd - t) * 1e18 * reward) / this.hashesPerBlock;
          break;
        }
        const dt = this.arrivals.exponential(rate);
        if (t + dt >= tEnd) {
          perEhs += ((tEnd - t) * 1e18 * reward) / this.hashesPerBlock;
          break;
        }
        perEhs += (dt * 1e18 * reward) / this.hashesPerBlock;
        t += dt;
        this.appendBlock(t);
        n++;
        rewards += reward;
        sink.onBlock(reward);
      }
    }
    const wait = tEnd - this.lastBlockTime;
    if (wait > this.maxGap) this.maxGap = wait;
    this.time = tEnd;
    this.rewardPerEhs = perEhs;
    this.rewardsBtc = rewards;
    this.stepBlocks = n;
    this.blocks += n;
  }

  private appendBlock(t: number): void {
    const gap = t - this.lastBlockTime;
    if (gap > this.maxGap) this.maxGap = gap;
    this.lastBlockTime = t;
    const h = ++this.height;
    const unix = this.startUnix + t;
    const old = this.bits;
    const next = this.algo.onBlock(h, unix);
    // Bitcoin retargets at every 2016th height even when the bits come out unchanged; other
    // algorithms count as retargeting whenever the bits change.
    const retarget = this.bitcoin ? (h + 1) % 2016 === 0 : next !== old;
    if (next !== old) {
      this.bits = next;
      this.hashesPerBlock = expectedHashesPerBlock(next);
    }
    if (retarget) {
      this.retargets++;
      if (this.onRetarget !== undefined) this.onRetarget(h + 1, old, next, Math.floor(unix));
    }
    if (h + 1 >= this.nextHalving) {
      this.nextHalving += HALVING_INTERVAL;
      const sub = blockSubsidySats(h + 1) / COIN;
      if (sub !== this.subsidyBtc) {
        this.subsidyBtc = sub;
        this.halvings++;
      }
    }
  }
}
