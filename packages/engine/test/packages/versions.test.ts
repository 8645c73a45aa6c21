import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compareVersions } from '../../src/packages/versions.js';

/**
 * Version order against the package managers themselves: `dpkg --compare-versions` and rpm's
 * own vercmp (through `rpm --eval` and its Lua `rpm.vercmp`), on tricky pairs and on pairs
 * made from a fixed pseudo-random alphabet of version pieces.
 */
const TRICKY = [
  ['1.0', '1.0'], ['1.0', '1.0.0'], ['1.0~rc1', '1.0'], ['1.0~~', '1.0~'], ['1.0~rc1', '1.0~beta'],
  ['1:0.9', '2.0'], ['0:1.0', '1.0'], ['1.0-1', '1.0-1ubuntu1'], ['2.36-9+deb12u4', '2.36-9+deb12u10'],
  ['1.2.3a', '1.2.3'], ['1.2.3+b1', '1.2.3'], ['10', '9'], ['1.01', '1.1'], ['1.0a', '1.0b'],
  ['3.0.11-1~deb12u2', '3.0.11-1'], ['7.88.1-10+deb12u5', '7.88.1-10+deb12u12'], ['1.0-', '1.0'],
  ['1.0^git1', '1.0'], ['1.0^git1', '1.0.1'], ['1.0', '1.0^'], ['2.0.0-0.rc1', '2.0.0-1'], ['1.0.0', '1.0.a'],
  ['abc', 'abd'], ['1.0_1', '1.0.1'], ['5.2.15-2+b2', '5.2.15-2+b10'],
];

/** A deterministic stream of versions built from pieces the algorithms treat differently. */
function generated(count: number): Array<[string, string]> {
  const pieces = ['0', '1', '2', '10', '01', 'a', 'b', 'rc', '.', '~', '+', '-', '^', 'z', ':'];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const version = () => {
    let v = String(Math.floor(next() * 3));
    for (let n = Math.floor(next() * 6); n > 0; n--) v += pieces[Math.floor(next() * pieces.length)];
    // Both tools need a version to start with a digit and not end in a hyphen.
    return v.replace(/-+$/, '');
  };
  return Array.from({ length: count }, () => [version(), version()]);
}

const PAIRS: Array<[string, string]> = [...TRICKY.map(([a, b]) => [a, b] as [string, string]), ...generated(1000)];

function dpkgOrder(a: string, b: string): number | null {
  const holds = (op: string) => {
    try {
      execFileSync('dpkg', ['--compare-versions', a, op, b], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (holds('lt')) return -1;
  if (holds('gt')) return 1;
  if (holds('eq')) return 0;
  // dpkg refuses the version (a hyphen in a place it does not allow, …): nothing to compare.
  return null;
}

describe('package version order', () => {
  it('dpkg: as dpkg --compare-versions says', () => {
    let compared = 0;
    // Three runs of dpkg a pair: the first 300 generated pairs are plenty.
    for (const [a, b] of PAIRS.slice(0, TRICKY.length + 300)) {
      const oracle = dpkgOrder(a, b);
      if (oracle === null) continue;
      compared++;
      expect(compareVersions('deb', a, b), `${a} vs ${b}`).toBe(oracle);
    }
    expect(compared).toBeGreaterThan(150);
  });

  it('rpm: as rpm.vercmp says, epoch and release included', () => {
    // rpm's Lua print joins its output without separators: one print of them all.
    const calls = PAIRS.map(([a, b]) => `t[#t+1] = rpm.vercmp(${JSON.stringify(a)}, ${JSON.stringify(b)})`).join(' ');
    const out = execFileSync('rpm', ['--eval', `%{lua: local t = {} ${calls} print(table.concat(t, ","))}`], { encoding: 'utf8' }).trim().split(',');
    expect(out).toHaveLength(PAIRS.length);
    PAIRS.forEach(([a, b], i) => expect(compareVersions('rpm', a, b), `${a} vs ${b}`).toBe(Number(out[i])));
  });

  it('apk: numbers, letter, suffixes and revision in apk order', () => {
    const ascending = ['1.0_alpha1', '1.0_beta', '1.0_pre2', '1.0_rc1', '1.0', '1.0-r1', '1.0-r10', '1.0_p1', '1.0a', '1.0.1', '1.2', '1.10', '2.0_git20240101'];
    for (let i = 0; i + 1 < ascending.length; i++) {
      expect(compareVersions('apk', ascending[i], ascending[i + 1]), `${ascending[i]} < ${ascending[i + 1]}`).toBe(-1);
      expect(compareVersions('apk', ascending[i + 1], ascending[i])).toBe(1);
    }
    expect(compareVersions('apk', '3.3.1-r0', '3.3.1-r0')).toBe(0);
  });

  it('npm and Python: numbers as numbers, a pre-release before its release', () => {
    expect(compareVersions('npm', '4.17.21', '4.17.3')).toBe(1);
    expect(compareVersions('npm', '2.0.0-rc.1', '2.0.0')).toBe(-1);
    expect(compareVersions('pypi', '2.31.0', '2.4')).toBe(1);
    expect(compareVersions('pypi', '1.0rc1', '1.0')).toBe(-1);
    expect(compareVersions('pypi', '1.0.post1', '1.0')).toBe(1);
  });
});
