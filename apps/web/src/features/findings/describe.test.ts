import { describe, expect, it } from 'vitest';
import type { SecretFinding } from '@peel/api';
import { copySentences, percent, secretPlace, secretStatus, survivorSentence } from './describe.js';

const secret = (over: Partial<SecretFinding>): SecretFinding => ({
  id: 'x', kind: 'dotenv', title: 'API_KEY in a .env file', source: 'file', path: '/opt/app/.env', layer: 5, line: 2, deletedIn: 6,
  status: 'deleted', name: 'API_KEY', preview: 'API_KEY=sk_t****', historyStep: 10, createdBy: 'COPY .env', fromBase: false, fix: '', ...over,
});

describe('finding texts', () => {
  it('says deleted-but-shipped in so many words', () => {
    expect(secretStatus(secret({}))).toBe('deleted in layer 6 but still shipped in layer 5');
    expect(secretStatus(secret({ status: 'overwritten', deletedIn: 9 }))).toBe('overwritten in layer 9 but still shipped in layer 5');
    expect(secretStatus(secret({ status: 'present', deletedIn: null }))).toBe('in the final filesystem (layer 5)');
    expect(secretStatus(secret({ status: 'config', source: 'env' }))).toBe('in the config: Env');
    expect(secretPlace(secret({}))).toBe('/opt/app/.env:2');
    expect(secretPlace(secret({ source: 'history', path: null, line: 3 }))).toBe('history step 3');
  });

  it('describes each removed copy and the survivor', () => {
    const item = { kind: 'removed' as const, path: '/var/lib/app/big.bin', bytes: 2097152, copies: [{ layer: 7, size: 2097152, digest: null, removedIn: 8, how: 'overwritten' as const }], survivor: { layer: 8, size: 65536 } };
    expect(copySentences(item)).toEqual(['layer 7 wrote 2.1 MB, layer 8 overwrote it']);
    expect(survivorSentence(item)).toBe('the copy of layer 8 (65.5 kB) is in the final filesystem and not counted');
  });

  it('formats percentages', () => {
    expect(percent(0.4940952)).toBe('49.4%');
    expect(percent(1)).toBe('100%');
    expect(percent(0)).toBe('0%');
  });
});
