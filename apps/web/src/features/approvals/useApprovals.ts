import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/ApiContext.tsx';
import { queryKeys } from '../../api/queryKeys.ts';
import { useSession } from '../auth/session.ts';

/** Leads and admins review trainees' replies (F17). */
export function useCanReview(): boolean {
  const role = useSession().data?.agent.role;
  return role === 'lead' || role === 'admin';
}

/** The replies waiting for review; realtime refreshes it with the queue overview. */
export function useApprovals() {
  const api = useApi();
  const canReview = useCanReview();
  return useQuery({
    queryKey: queryKeys.approvals,
    queryFn: ({ signal }) => api.listApprovals(signal),
    enabled: canReview,
  });
}
