export { RandomStream, type StreamState } from './stream.ts';
export { deriveStream, streamKey, type StreamIdentity } from './derive.ts';
