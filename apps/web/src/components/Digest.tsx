import { useEffect, useState } from 'react';
import { Icon } from './Icon.js';

/**
 * Puts text on the clipboard. The Clipboard API needs a secure context (localhost is one); Peel
 * opened by another host name over http is not, and there the older select-and-copy still works.
 */
async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  const copied = document.execCommand('copy');
  area.remove();
  if (!copied) throw new Error('the browser refused to copy');
}

/**
 * A digest shortened to 12 hex digits (the full value on hover), with a button that copies the
 * full value and says so.
 */
export function Digest({ value, full }: { value: string | null | undefined; full?: boolean }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(null), 2000);
    return () => clearTimeout(timer);
  }, [copied]);
  if (!value) return <span className="muted">–</span>;
  const [algo, hex] = value.includes(':') ? value.split(':', 2) : ['', value];
  const short = `${algo ? `${algo}:` : ''}${hex.slice(0, 12)}`;
  return (
    <span className="digest">
      <code title={value}>{full ? value : short}</code>
      <button
        type="button"
        className="copy-button"
        aria-label={`Copy digest ${short}`}
        title={`Copy ${value}`}
        onClick={() => copyText(value).then(() => setCopied('yes'), () => setCopied('failed'))}
      >
        <Icon name={copied === 'yes' ? 'check' : 'copy'} />
      </button>
      <span role="status" className={copied === 'failed' ? 'copy-note error' : 'copy-note'}>
        {copied === 'yes' ? 'Copied' : copied === 'failed' ? 'Could not copy' : ''}
      </span>
    </span>
  );
}
