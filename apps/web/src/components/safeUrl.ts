/**
 * Returns the URL only if it is http(s). Links and images come from the network and the customer's
 * profile, so anything else (`javascript:`, `data:`) is dropped rather than rendered.
 */
export function safeHttpUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
}
