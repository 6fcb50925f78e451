import { Anchor, Badge, Box, Group, Image, Modal, Paper, Stack, Text, UnstyledButton } from '@mantine/core';
import type { Message, MessageMedia } from '@guichet/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { safeHttpUrl } from '../../components/safeUrl.ts';
import { displayForm, formatDuration } from './messageText.ts';

/** Thumbnails stay small in the thread; the full picture opens in a viewer. */
const THUMB = { maw: 240, mah: 180 } as const;

/**
 * What a message carries besides its text (issue 12): photos as thumbnails that open full size, GIFs and
 * videos as their poster with a link to play them, alt text under the picture, and the links' landing pages
 * (title, description) when the network gave them. Addresses come from the network: only http(s) ones are
 * rendered. Media of direct messages need the account's credentials on X (ton.twitter.com), so they load
 * through the desk's own route (/api/messages/:id/media/:index, signed-in agents, cached); so do the pictures
 * an agent attached to a reply, from the desk's copy. If the desk cannot load one, a note says so and links
 * to the conversation on X.
 */
export function MessageAttachments({ message }: { message: Message }) {
  const { media, links } = message.attachments;
  const cards = links.filter((l) => l.title && safeHttpUrl(l.expandedUrl ?? l.unwoundUrl));
  if (media.length === 0 && cards.length === 0) return null;
  return (
    <Stack gap={6} mt={6}>
      {media.length > 0 && (
        <Group gap={8} align="flex-start" wrap="wrap">
          {media.map((item, index) =>
            item.private ? (
              <PrivateMedia
                key={item.mediaKey ?? index}
                media={item}
                src={`/api/messages/${encodeURIComponent(message.id)}/media/${index}`}
                own={message.direction === 'outbound'}
                conversationUrl={message.externalUrl}
              />
            ) : (
              <PublicMedia key={item.mediaKey ?? index} media={item} postUrl={message.externalUrl} />
            ),
          )}
        </Group>
      )}
      {cards.map((link) => {
        const href = safeHttpUrl(link.expandedUrl ?? link.unwoundUrl)!;
        return (
          <Paper key={link.url} withBorder radius="sm" p={8} maw={420} data-testid="message-link-card">
            <Anchor href={href} target="_blank" rel="noopener noreferrer" size="sm" fw={600} className="customer-text">
              {link.title}
            </Anchor>
            {link.description && (
              <Text size="xs" c="dimmed" lineClamp={2} className="customer-text">
                {link.description}
              </Text>
            )}
            <Text size="xs" c="dimmed">
              {link.displayUrl ?? displayForm(href)}
            </Text>
          </Paper>
        );
      })}
    </Stack>
  );
}

function AltText({ text, wide = false }: { text: string | null; wide?: boolean }) {
  const { t } = useTranslation();
  if (!text) return null;
  return (
    <Text size="xs" c="dimmed" maw={wide ? undefined : THUMB.maw} className="customer-text" data-testid="media-alt">
      {t('media.altText', { text })}
    </Text>
  );
}

function PublicMedia({ media, postUrl }: { media: MessageMedia; postUrl: string | null }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const picture = safeHttpUrl(media.type === 'photo' ? media.url : media.previewUrl);
  const alt = media.altText ?? t(`media.defaultAlt.${media.type}`);
  // The playable file; without one (X did not give it), the message's own "view on X" link plays it there.
  const play = safeHttpUrl(media.videoUrl);
  if (!picture) {
    // No picture we may show (none given, or not http(s)): say what it was and where to see it.
    const elsewhere = play ?? safeHttpUrl(postUrl);
    return (
      <Box data-testid="message-media" data-media-type={media.type}>
        <Text size="xs" c="dimmed">
          {t(`media.kind.${media.type}`)}
          {elsewhere && (
            <>
              {' · '}
              <Anchor href={elsewhere} target="_blank" rel="noopener noreferrer" size="xs">
                {t('media.openOnX')}
              </Anchor>
            </>
          )}
        </Text>
      </Box>
    );
  }
  if (media.type !== 'photo') {
    return (
      <Stack gap={4} data-testid="message-media" data-media-type={media.type}>
        <Box pos="relative" w="fit-content">
          <Image src={picture} alt={alt} loading="lazy" radius="sm" fit="cover" {...THUMB} w="auto" />
          <Badge pos="absolute" top={6} left={6} size="sm" color="dark" variant="filled">
            {t(`media.kind.${media.type}`)}
            {media.durationMs !== null && ` · ${formatDuration(media.durationMs)}`}
          </Badge>
        </Box>
        {play && (
          <Anchor href={play} target="_blank" rel="noopener noreferrer" size="xs" data-testid="media-play">
            {t(media.type === 'video' ? 'media.playVideo' : 'media.playGif')}
          </Anchor>
        )}
        <AltText text={media.altText} />
      </Stack>
    );
  }
  return (
    <Stack gap={4} data-testid="message-media" data-media-type="photo">
      <UnstyledButton onClick={() => setOpen(true)} aria-label={t('media.openFull')} w="fit-content">
        <Image src={picture} alt={alt} loading="lazy" radius="sm" fit="cover" {...THUMB} w="auto" />
      </UnstyledButton>
      <AltText text={media.altText} />
      <Modal opened={open} onClose={() => setOpen(false)} title={t('media.kind.photo')} size="auto" centered>
        <Stack gap={6}>
          <Image src={picture} alt={alt} maw="85vw" mah="75vh" fit="contain" data-testid="media-full" />
          <AltText text={media.altText} wide />
          <Anchor href={picture} target="_blank" rel="noopener noreferrer" size="xs">
            {t('media.openOriginal')}
          </Anchor>
        </Stack>
      </Modal>
    </Stack>
  );
}

function PrivateMedia({
  media,
  src,
  own,
  conversationUrl,
}: {
  media: MessageMedia;
  /** The desk's route for this media. */
  src: string;
  /** A picture the desk itself sent (an agent's attachment), not the customer's. */
  own: boolean;
  conversationUrl: string | null;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [failed, setFailed] = useState(false);
  const href = safeHttpUrl(conversationUrl);
  const alt = media.altText ?? t(own ? `media.ownAlt.${media.type}` : `media.defaultAlt.${media.type}`);
  const photo = media.type === 'photo';
  return (
    <Stack
      gap={4}
      maw={THUMB.maw + 40}
      data-testid={own ? 'message-media-own' : 'message-media-private'}
      data-media-type={media.type}
    >
      {!own && (
        <Text size="xs" fw={600}>
          {t(`media.private.${media.type}`)}
        </Text>
      )}
      {failed ? (
        <Text size="xs" c="dimmed">
          {t('media.privateHint')}
        </Text>
      ) : (
        <UnstyledButton
          onClick={() => photo && setOpen(true)}
          aria-label={photo ? t('media.openFull') : undefined}
          w="fit-content"
          pos="relative"
        >
          <Image
            src={src}
            alt={alt}
            loading="lazy"
            radius="sm"
            fit="cover"
            {...THUMB}
            w="auto"
            onError={() => setFailed(true)}
          />
          {!photo && (
            <Badge pos="absolute" top={6} left={6} size="sm" color="dark" variant="filled">
              {t(`media.kind.${media.type}`)}
              {media.durationMs !== null && ` · ${formatDuration(media.durationMs)}`}
            </Badge>
          )}
        </UnstyledButton>
      )}
      {!photo && media.videoUrl && !failed && (
        <Anchor
          href={`${src}?variant=video`}
          target="_blank"
          rel="noopener noreferrer"
          size="xs"
          data-testid="media-play"
        >
          {t(media.type === 'video' ? 'media.playVideo' : 'media.playGif')}
        </Anchor>
      )}
      <AltText text={media.altText} />
      {!own && href && (
        <Anchor href={href} target="_blank" rel="noopener noreferrer" size="xs">
          {t('media.openOnX')}
        </Anchor>
      )}
      <Modal opened={open} onClose={() => setOpen(false)} title={t('media.kind.photo')} size="auto" centered>
        <Image src={src} alt={alt} maw="85vw" mah="75vh" fit="contain" data-testid="media-full" />
      </Modal>
    </Stack>
  );
}
