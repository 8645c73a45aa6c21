import { describe, expect, it } from 'vitest';
import { encodePathParam } from '@peel/api';
import { decodeName, encodeName } from '@peel/engine';
import { percentEncodePath } from '../src/store/path-codec.js';
import { parseQuery } from '../src/http/querystring.js';
import { parseRange } from '../src/http/range.js';
import { splitHost } from '../src/http/security.js';
import { splitPath, toEnginePath } from '../src/store/image-path.js';
import { globToRegExp } from '../src/store/glob.js';
import Database from 'better-sqlite3';

describe('path codec', () => {
  it('round-trips any bytes through engine strings', () => {
    const samples = [Buffer.from('etc/os-release'), Buffer.from('caf\xc3\xa9/\xe2\x82\xac', 'latin1'), Buffer.from([0x66, 0xff, 0x80, 0x2f, 0xc3]),
      Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf0, 0x9f, 0x98, 0x80, 0xf0, 0x9f]), Buffer.from('\uFFFD', 'utf8')];
    for (let i = 0; i < 500; i++) samples.push(Buffer.from(Array.from({ length: 1 + (i % 17) }, (_, k) => (i * 31 + k * 97) % 256)));
    for (const b of samples) {
      const s = decodeName(b);
      expect(encodeName(s).equals(b), b.toString('hex')).toBe(true);
    }
    expect(decodeName(Buffer.from([0x61, 0xff]))).toBe('a\udcff');
    expect(decodeName(Buffer.from([0xe2, 0x82, 0x61]))).toBe('\udce2\udc82a');
  });

  it('carries raw bytes through the query string', () => {
    const name = decodeName(Buffer.from([0x2f, 0x61, 0xff, 0x20, 0x2b, 0xc3, 0xa9]));
    expect(parseQuery(`path=${percentEncodePath(name)}`).path).toBe(name);
    expect(parseQuery(`path=${encodePathParam(name)}`).path).toBe(name);
    expect(parseQuery('path=%2Fetc%2Fos-release&layer=3&x=a+b&x=c').path).toBe('/etc/os-release');
    expect(parseQuery('x=a+b&x=c').x).toEqual(['a b', 'c']);
    expect(parseQuery('__proto__=1').__proto__).toBe('1');
    expect(parseQuery('a=%zz%4').a).toBe('%zz%4');
    expect(encodePathParam('/a b/😀')).toBe(encodeURIComponent('/a b/😀'));
  });

  it('normalises API paths without ever leaving the root', () => {
    expect(toEnginePath('/etc//./os-release/')).toBe('etc/os-release');
    expect(toEnginePath('/../../etc/../../passwd')).toBe('passwd');
    expect(toEnginePath('/')).toBe('');
    expect(splitPath('a/b/c')).toEqual({ parent: 'a/b', name: 'c' });
    expect(splitPath('a')).toEqual({ parent: '', name: 'a' });
  });
});

describe('Range and Host parsing', () => {
  it('parses single byte ranges', () => {
    expect(parseRange(undefined, 10)).toBeNull();
    expect(parseRange('bytes=0-4', 10)).toEqual({ start: 0, end: 5 });
    expect(parseRange('bytes=5-', 10)).toEqual({ start: 5, end: 10 });
    expect(parseRange('bytes=-3', 10)).toEqual({ start: 7, end: 10 });
    expect(parseRange('bytes=-30', 10)).toEqual({ start: 0, end: 10 });
    expect(parseRange('bytes=8-100', 10)).toEqual({ start: 8, end: 10 });
    expect(parseRange('bytes=10-', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,3-4', 10)).toBeNull();
    expect(parseRange('items=0-1', 10)).toBeNull();
  });

  it('splits Host headers', () => {
    expect(splitHost('localhost:7777')).toEqual({ host: 'localhost', port: 7777 });
    expect(splitHost('[::1]:80')).toEqual({ host: '[::1]', port: 80 });
    expect(splitHost('127.0.0.1')).toEqual({ host: '127.0.0.1', port: null });
    expect(splitHost('a:b:c')).toBeNull();
    expect(splitHost('evil.example:80@localhost')).toBeNull();
  });
});

describe('glob fallback', () => {
  it('agrees with SQLite GLOB on UTF-8 names', () => {
    const db = new Database(':memory:');
    const glob = db.prepare('SELECT ? GLOB ?').pluck();
    const subjects = ['/etc/os-release', 'a.conf', 'with space.conf', '/opt/app/conf/keep.conf', 'x]y', 'abc', 'a*b', '[x]', 'ünï.txt', 'a.b.c'];
    const patterns = ['*.conf', '/etc/*', '?bc', '[ab]bc', '[^a]bc', '*[]]*', '[a-c]*', 'a\\*b', '*', '/opt/*/*/*.conf', 'ü*', '*.?', '[x'];
    for (const p of patterns) {
      for (const subject of subjects) {
        expect(globToRegExp(p).test(subject), `${subject} GLOB ${p}`).toBe(glob.get(subject, p) === 1);
      }
    }
    db.close();
  });
});
