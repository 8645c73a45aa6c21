import { describe, expect, it } from 'vitest';
import { fixture, peel } from './helpers/run.js';
import { parseFailOn } from '../src/commands/findings.js';

interface FindingsJson {
  secrets: Array<{ kind: string; path: string; layer: number; line: number; deletedIn: number | null; preview: string }>;
  waste: { bytes: number; efficiency: number };
  failOn: Array<{ check: string; failed: boolean }>;
}

describe('peel findings', () => {
  it('--json: the deleted .env secret and the hand-computed waste of the multi fixture', async () => {
    const r = await peel(['findings', fixture('multi-oci.tar'), '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as FindingsJson;
    expect(j.secrets.map((s) => [s.kind, s.path, s.layer, s.line, s.deletedIn])).toEqual([
      ['dotenv', '/opt/app/.env', 5, 2, 6],
      ['dotenv', '/opt/app/.env', 5, 3, 6],
    ]);
    expect(r.out).not.toContain('0123456789abcdef');
    expect(j.waste.bytes).toBe(2_097_445); // see packages/engine/test/findings/fixtures.test.ts
    expect(j.failOn).toEqual([]);
  });

  it('--fail-on exits 3 when a check holds and names it; 0 when none does', async () => {
    const bad = await peel(['findings', fixture('multi-docker-legacy.tar'), '--fail-on', 'secrets,waste>10%']);
    expect(bad.code).toBe(3);
    expect(bad.out).toContain('FAIL  secrets: 2 found');
    expect(bad.out).toContain('FAIL  waste>10%: 50.6%');
    expect(bad.stderr).toContain('over the --fail-on threshold');
    expect(bad.out).toContain('deleted in layer 6, still shipped in layer 5');

    const fine = await peel(['findings', fixture('multi-docker-legacy.tar'), '--fail-on', 'waste>60%,waste>3MB,efficiency<40%']);
    expect(fine.code).toBe(0);
    const clean = await peel(['findings', fixture('tiny-docker-legacy.tar'), '--fail-on', 'secrets,waste>0%']);
    expect(clean.code).toBe(0);
    expect(clean.out).toContain('Secrets: 0');
  });

  it('reads the archive from stdin', async () => {
    const r = await peel(['findings', '-', '--json', '--fail-on', 'secrets'], { stdin: fixture('multi-podman-oci.tar') });
    expect(r.code).toBe(3);
    expect((JSON.parse(r.out) as FindingsJson).failOn).toEqual([{ check: 'secrets', value: '2 found', failed: true }]);
  });

  it('refuses a check it cannot read, with exit 1', async () => {
    const r = await peel(['findings', fixture('tiny-docker-legacy.tar'), '--fail-on', 'waste>lots']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot read "waste>lots"');
    expect(() => parseFailOn('secret')).toThrow(/cannot read "secret"/);
    expect(parseFailOn(' secrets , efficiency<90% ').map((c) => c.text)).toEqual(['secrets', 'efficiency<90%']);
  });
});
