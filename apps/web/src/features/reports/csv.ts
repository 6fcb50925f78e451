// The same neutralising writer as the server's audit export: one rule for every CSV the desk produces.
export { toCsv } from '@guichet/contracts';

/** Offers the CSV as a file download (UTF-8 with a byte-order mark, so spreadsheets read accents). */
export function downloadCsv(filename: string, csv: string): void {
  const blob = new Blob(['\ufeff', csv], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
