import { describe, expect, it } from 'vitest';
import { buildRunRequest, type RunFields } from './run-form.js';

const base: RunFields = { ref: 'alpyne:latest', command: '', entrypoint: '', env: '', tty: true };

describe('the Run form', () => {
  it("keeps the image's command and entrypoint when left empty", () => {
    expect(buildRunRequest(base)).toEqual({ request: { ref: 'alpyne:latest', tty: true } });
  });

  it('splits the command and entrypoint like a shell, without expanding anything', () => {
    const got = buildRunRequest({ ...base, ref: ' a:1 ', command: `/bin/sh -c 'echo $HOME; cat "/etc/os-release"'`, entrypoint: "''", tty: false });
    expect(got).toEqual({ request: { ref: 'a:1', tty: false, cmd: ['/bin/sh', '-c', 'echo $HOME; cat "/etc/os-release"'], entrypoint: [''] } });
  });

  it('takes one KEY=value per line, skipping blank lines', () => {
    expect(buildRunRequest({ ...base, env: 'A=1\n\n  B=two words \nC=' })).toEqual({ request: { ref: 'alpyne:latest', tty: true, env: ['A=1', 'B=two words', 'C='] } });
  });

  it('says what is wrong', () => {
    expect(buildRunRequest({ ...base, ref: '  ' })).toEqual({ error: expect.stringMatching(/Name the image/) });
    expect(buildRunRequest({ ...base, ref: 'a b' })).toEqual({ error: 'An image reference has no spaces.' });
    expect(buildRunRequest({ ...base, command: "echo 'open" })).toEqual({ error: 'Command: A single quote is not closed.' });
    expect(buildRunRequest({ ...base, env: 'A=1\nnot a pair' })).toEqual({ error: 'Environment line 2 is not KEY=value: not a pair' });
    expect(buildRunRequest({ ...base, env: '=x' })).toEqual({ error: 'Environment line 1 is not KEY=value: =x' });
  });
});
