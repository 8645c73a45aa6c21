import { QueryClient } from '@tanstack/react-query';
import { ApiError } from '../lib/api-client.js';

/** Image data never changes once stored, so queries stay fresh; 4xx replies are not retried. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      },
    },
  });
}
