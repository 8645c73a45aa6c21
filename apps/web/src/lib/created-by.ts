/**
 * Shortens a history step's `created_by` the way people read it: drops the `/bin/sh -c #(nop) `
 * prefix of metadata steps (LABEL, ENV, CMD…), turns `/bin/sh -c cmd` into `RUN cmd`, and keeps
 * build-arg prefixes like `|1 APP_UID=999` out of the way. The full text stays available.
 */
export function trimCreatedBy(createdBy: string | null): string {
  if (!createdBy) return '';
  let text = createdBy.trim();
  // Build args recorded by the classic builder: "|2 A=1 B=2 /bin/sh -c …".
  const args = /^\|(\d+)\s+/.exec(text);
  if (args) {
    let rest = text.slice(args[0].length);
    for (let i = 0; i < Number(args[1]); i += 1) rest = rest.replace(/^\S+\s+/, '');
    text = rest;
  }
  const nop = /^\/bin\/sh -c #\(nop\)\s*/.exec(text);
  if (nop) return text.slice(nop[0].length).trim();
  const shell = /^\/bin\/(?:ba)?sh -c\s+/.exec(text);
  if (shell) return `RUN ${text.slice(shell[0].length).trim()}`;
  return text;
}

/** The Dockerfile instruction a trimmed step starts with ("RUN", "COPY"…), if it looks like one. */
export function instructionOf(trimmed: string): string | null {
  const match = /^([A-Z]{2,11})\b/.exec(trimmed);
  return match ? match[1] : null;
}
