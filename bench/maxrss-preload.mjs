// Preloaded with --import into a benchmarked CLI process: on exit, writes the process's peak resident
// set size (getrusage ru_maxrss: the whole process, worker threads included) to $HASHSIM_BENCH_RSS_FILE.
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const file = process.env.HASHSIM_BENCH_RSS_FILE;
if (file && isMainThread) {
  process.on('exit', () => {
    writeFileSync(file, JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
  });
}
