import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiJson } from '../../../lib/api-client.js';
import { imageKeys } from './query-keys.js';

/** `DELETE /api/images/:id`: removes an image (blobs shared with other images stay). */
export function deleteImage(id: string): Promise<void> {
  return apiJson<void>(`/api/images/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

export function useDeleteImage() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: deleteImage,
    onSuccess: (_data, id) => {
      client.removeQueries({ queryKey: imageKeys.image(id), exact: true });
      return client.invalidateQueries({ queryKey: imageKeys.list(), exact: true });
    },
  });
}
