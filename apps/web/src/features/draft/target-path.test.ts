import { describe, expect, it } from 'vitest';
import { targetPath } from './target-path.js';

describe('targetPath', () => {
  it('reads names inside the folder and absolute paths as they are', () => {
    expect(targetPath('/etc', 'motd')).toBe('/etc/motd');
    expect(targetPath('/', 'app/config.yaml')).toBe('/app/config.yaml');
    expect(targetPath('/etc', '/opt/x/')).toBe('/opt/x');
    expect(targetPath('/etc', ' ./a//b ')).toBe('/etc/a/b');
  });
  it('refuses empty names, the root and climbing', () => {
    expect(targetPath('/etc', '  ')).toBeNull();
    expect(targetPath('/etc', '/')).toBeNull();
    expect(targetPath('/etc', '../shadow')).toBeNull();
  });
});
