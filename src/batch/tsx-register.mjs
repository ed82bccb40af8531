// Preloaded into batch worker threads (--import): registers tsx's TypeScript loader there. tsx's own
// `--import tsx` entry skips registration off the main thread (it expects inherited hooks, which
// Node 20 does not provide), so the register API is called explicitly.
import { register } from 'tsx/esm/api';

register();
