import { Button, CloseButton, Group, Image, Paper, Stack, Text } from '@mantine/core';
import {
  OUTGOING_IMAGE_TYPES,
  OUTGOING_MEDIA_LIMITS,
  outgoingMediaMaxBytes,
  type OutgoingImageType,
  type OutgoingMedia,
} from '@guichet/contracts';
import { useCallback, useMemo, useRef, useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/ApiContext.tsx';
import { errorMessageKey, type ErrorMessageKey } from '../../api/errorMessages.ts';

/**
 * The composer's pictures (issue 12): the agent adds JPEG, PNG, WebP or GIF files, each uploaded to the desk
 * at once (kept in its data folder until the reply goes out) and shown as a thumbnail that can be removed.
 * X's limits are explained and checked here before the upload; the server checks them again on sending.
 */

export interface ReplyImage extends OutgoingMedia {
  name: string;
}

export interface ReplyImagesState {
  images: ReplyImage[];
  mediaIds: string[];
  add(image: ReplyImage): void;
  remove(id: string): void;
  /** After the reply went out: the pictures now belong to it. */
  clear(): void;
}

export function useReplyImages(): ReplyImagesState {
  const [images, setImages] = useState<ReplyImage[]>([]);
  const add = useCallback((image: ReplyImage) => setImages((list) => [...list, image]), []);
  const remove = useCallback((id: string) => setImages((list) => list.filter((i) => i.id !== id)), []);
  const clear = useCallback(() => setImages([]), []);
  const mediaIds = useMemo(() => images.map((i) => i.id), [images]);
  return { images, mediaIds, add, remove, clear };
}

/** A translation key and what it names (the file, the limit in MB). */
interface Problem {
  key: ErrorMessageKey;
  name?: string;
  limit?: number;
}

/** What X would refuse in this reply: count by visibility, a GIF alone, nothing else to say when it fits. */
export function replyImagesProblem(
  types: string[],
  visibility: 'public' | 'direct',
): 'replyImages.errors.count' | 'replyImages.errors.gifAlone' | null {
  const max = visibility === 'direct' ? OUTGOING_MEDIA_LIMITS.maxDirect : OUTGOING_MEDIA_LIMITS.maxPublic;
  if (types.length > max) return 'replyImages.errors.count';
  if (types.includes('image/gif') && types.length > 1) return 'replyImages.errors.gifAlone';
  return null;
}

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable file'));
    reader.readAsDataURL(file);
  });
}

export function ReplyImages({
  state,
  visibility,
  disabled = false,
}: {
  state: ReplyImagesState;
  visibility: 'public' | 'direct';
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const input = useRef<HTMLInputElement>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [uploading, setUploading] = useState(0);
  const max = visibility === 'direct' ? OUTGOING_MEDIA_LIMITS.maxDirect : OUTGOING_MEDIA_LIMITS.maxPublic;
  const current = replyImagesProblem(
    state.images.map((i) => i.contentType),
    visibility,
  );

  const onFiles = async (event: ChangeEvent<HTMLInputElement>) => {
    const files = [...(event.target.files ?? [])];
    event.target.value = '';
    setProblem(null);
    const types = state.images.map((i) => i.contentType as string);
    for (const file of files) {
      if (!(OUTGOING_IMAGE_TYPES as readonly string[]).includes(file.type)) {
        setProblem({ key: 'replyImages.errors.type', name: file.name });
        continue;
      }
      const limit = outgoingMediaMaxBytes(file.type as OutgoingImageType);
      if (file.size > limit) {
        setProblem({ key: 'replyImages.errors.size', name: file.name, limit: limit / 1024 / 1024 });
        continue;
      }
      const refused = replyImagesProblem([...types, file.type], visibility);
      if (refused) {
        setProblem({ key: refused });
        break;
      }
      types.push(file.type);
      setUploading((n) => n + 1);
      try {
        const stored = await api.uploadReplyImage(file.type, await readBase64(file));
        state.add({ ...stored, name: file.name });
      } catch (error) {
        setProblem({ key: errorMessageKey(error), name: file.name });
        types.pop();
      } finally {
        setUploading((n) => n - 1);
      }
    }
  };

  const remove = (image: ReplyImage) => {
    state.remove(image.id);
    // The file stays on the desk only if this fails; a reply can no longer carry it either way.
    void api.discardReplyImage(image.id).catch(() => undefined);
  };

  const shown = problem ?? (current ? { key: current } : null);
  return (
    <Stack gap={4} data-testid="reply-images">
      {state.images.length > 0 && (
        <Group gap={6}>
          {state.images.map((image, index) => (
            <Paper key={image.id} withBorder radius="sm" pos="relative" data-testid="reply-image">
              <Image src={image.url} alt={image.name} w={64} h={64} fit="cover" radius="sm" />
              <CloseButton
                size="xs"
                pos="absolute"
                top={2}
                right={2}
                variant="filled"
                disabled={disabled}
                aria-label={t('replyImages.remove', { index: index + 1, name: image.name })}
                onClick={() => remove(image)}
              />
            </Paper>
          ))}
        </Group>
      )}
      <Group gap="xs" wrap="wrap">
        <input
          ref={input}
          type="file"
          accept={OUTGOING_IMAGE_TYPES.join(',')}
          multiple={max > 1}
          hidden
          onChange={(event) => void onFiles(event)}
          data-testid="reply-image-input"
        />
        <Button
          size="compact-xs"
          variant="default"
          disabled={disabled || state.images.length >= max}
          loading={uploading > 0}
          onClick={() => input.current?.click()}
          data-testid="reply-image-add"
        >
          {t('replyImages.add')}
        </Button>
        <Text size="xs" c="dimmed">
          {t(visibility === 'direct' ? 'replyImages.limitsDirect' : 'replyImages.limitsPublic')}
        </Text>
      </Group>
      {shown && (
        <Text size="xs" c="red.7" role="alert" data-testid="reply-image-error">
          {t(shown.key, { name: shown.name, limit: shown.limit })}
        </Text>
      )}
    </Stack>
  );
}
