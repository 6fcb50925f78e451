import { auditListSchema, type AuditList } from '@guichet/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { HttpClient } from '../../api/http.ts';
import { endSession } from '../auth/session.ts';

/** The filters of the audit screen, as the URL query of both the list and the CSV export. */
export interface AuditFilters {
  action?: string | undefined;
  actor?: string | undefined;
  subjectType?: string | undefined;
  /** ISO date-times. */
  from?: string | undefined;
  to?: string | undefined;
}

export const auditQueryKey = (filters: AuditFilters) => ['admin', 'audit', filters] as const;

export function auditSearch(filters: AuditFilters, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
  for (const [key, value] of Object.entries(extra)) query.set(key, value);
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** Where the browser downloads the filtered lines as CSV (the server sends it as an attachment). */
export const auditCsvPath = (filters: AuditFilters) => `/api/audit.csv${auditSearch(filters)}`;

/** The audit trail (F28), admins only: one keyset page at a time, newest first. */
export function createAuditApi(http: HttpClient) {
  return {
    page: (filters: AuditFilters, cursor: string | undefined, signal?: AbortSignal): Promise<AuditList> =>
      http.json('GET', `/api/audit${auditSearch(filters, cursor ? { cursor } : {})}`, auditListSchema, { signal }),
  };
}

export function useAuditApi() {
  const queryClient = useQueryClient();
  return useMemo(
    () => createAuditApi(new HttpClient({ onUnauthorized: () => endSession(queryClient) })),
    [queryClient],
  );
}
