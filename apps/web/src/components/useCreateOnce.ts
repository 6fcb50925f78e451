import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useState } from 'react';

/**
 * A "create" modal's request: what it created stays shown (a secret the server gives this once), and the
 * list it belongs to is refreshed behind the modal.
 */
export function useCreateOnce<T>(mutationFn: () => Promise<T>, listKey: QueryKey) {
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<T | null>(null);
  const create = useMutation({
    mutationFn,
    onSuccess: (result) => {
      setCreated(result);
      void queryClient.invalidateQueries({ queryKey: listKey });
    },
  });
  return { created, create };
}
