/**
 * Hands a URL to the browser's download manager, as a link with `download` would: the response
 * streams to disk (never into page memory) and the server's file name is kept.
 */
export function startDownload(url: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = '';
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
}
