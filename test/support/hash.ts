// The digest tests compare bytes by: what Kie (the simulator) served against what reached the fake chat server.
import { createHash } from 'node:crypto';

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
