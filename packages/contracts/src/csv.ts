/**
 * RFC 4180 CSV: fields with a comma, quote or line break are quoted; a leading = + - @ (or tab, carriage
 * return) is neutralised with a quote. Shared by the browser's report export and the server's audit export.
 */
export function toCsv(header: string[], rows: (string | number | null)[][]): string {
  const cell = (value: string | number | null): string => {
    if (value === null) return '';
    let text = String(value);
    // Spreadsheets run cells that start like a formula; a customer-controlled label must not.
    if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
