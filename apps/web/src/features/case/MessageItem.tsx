import { Alert, Anchor, Badge, Button, Group, Loader, Paper, Text, Tooltip } from '@mantine/core';
import type { Message } from '@guichet/contracts';
import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { Timestamp } from '../../components/Timestamp.tsx';
import { safeHttpUrl } from '../../components/safeUrl.ts';
import { ApprovalNotice } from '../approvals/ApprovalNotice.tsx';
import { personalDataKinds } from '../composer/personalData.ts';
import { EngagementActions } from '../engagement/EngagementActions.tsx';
import { MessageAttachments } from './MessageAttachments.tsx';
import { segmentMessageText } from './messageText.ts';

interface MessageItemProps {
  message: Message;
  isReplyTarget: boolean;
  onReplyTo?: (message: Message) => void;
  /** The case shown: approvals and likes / reposts act from it. */
  caseId?: string;
  /** Offered on messages a case can be split at: it and the later ones become a new case. */
  onSplitHere?: ((message: Message) => void) | undefined;
  /** The windowed thread measures each message's height on its root element. */
  itemRef?: (element: HTMLElement | null) => void;
}

export function MessageItem({ message, isReplyTarget, onReplyTo, caseId, onSplitHere, itemRef }: MessageItemProps) {
  const { t } = useTranslation();
  const { author } = message;
  const inbound = message.direction === 'inbound';
  // Written by the desk itself (away message, incident reply, survey): no agent, so no agent's name.
  const automatic = !inbound && author.kind === 'agent' && author.agentId === null;
  const externalUrl = safeHttpUrl(message.externalUrl);
  // A customer who posted their own email or order number in public should be told, and moved to DM.
  const exposed = inbound && message.visibility === 'public' ? personalDataKinds(message.text) : [];

  return (
    <Paper
      component="li"
      ref={itemRef}
      withBorder
      radius="md"
      p="sm"
      className="message"
      data-testid="message"
      data-message-id={message.id}
      data-direction={message.direction}
      data-visibility={message.visibility}
      data-delivery-status={message.deliveryStatus ?? undefined}
      data-reply-target={isReplyTarget || undefined}
    >
      <Group gap={6} wrap="wrap" mb={6}>
        {author.kind === 'contact' &&
          (author.isCaseContact ? (
            <Badge size="sm" color="gray" variant="filled">
              {t('case.customer')}
            </Badge>
          ) : (
            <Tooltip label={t('case.thirdPartyHint')} withArrow>
              <Badge size="sm" color="orange" variant="outline">
                {t('case.thirdParty')}
              </Badge>
            </Tooltip>
          ))}
        {automatic ? (
          <Tooltip label={t('case.automaticAuthorHint')} withArrow>
            <Text fw={600} size="sm" data-testid="message-author-automatic">
              {t('case.automaticAuthor')}
            </Text>
          </Tooltip>
        ) : (
          <Text fw={600} size="sm" className="customer-text">
            {author.name}
          </Text>
        )}
        {author.kind === 'contact' && author.handle && (
          <Text size="sm" c="dimmed" className="customer-text">
            @{author.handle}
          </Text>
        )}
        <Badge
          size="sm"
          variant={message.visibility === 'direct' ? 'filled' : 'light'}
          color={message.visibility === 'direct' ? 'violet' : 'blue'}
          data-testid="message-visibility"
        >
          {t(`case.visibility.${message.visibility}`)}
        </Badge>
        <Timestamp value={message.createdAt} format="datetime" size="xs" c="dimmed" />
      </Group>

      <Text size="sm" className="customer-text message-text">
        {segmentMessageText(message.text, message.attachments).map((segment, index) =>
          segment.kind === 'text' ? (
            <Fragment key={index}>{segment.text}</Fragment>
          ) : (
            <Anchor
              key={index}
              href={segment.href}
              target="_blank"
              rel="noopener noreferrer"
              data-testid="message-link"
            >
              {segment.label}
            </Anchor>
          ),
        )}
      </Text>
      <MessageAttachments message={message} />

      {caseId && <ApprovalNotice message={message} caseId={caseId} />}

      {exposed.length > 0 && (
        <Alert color="orange" p={6} mt={6} data-testid="inbound-personal-data">
          <Text size="xs">
            {t('case.exposedPersonalData', { kinds: exposed.map((kind) => t(`personalData.${kind}`)).join(', ') })}
          </Text>
        </Alert>
      )}

      <Group gap="sm" mt={6} justify="space-between" wrap="wrap">
        <Group gap="sm" wrap="wrap">
          {!inbound && <DeliveryStatus message={message} />}
          {externalUrl && (
            <Anchor href={externalUrl} target="_blank" rel="noopener noreferrer" size="xs">
              {t('case.viewOnX')}
            </Anchor>
          )}
        </Group>
        {caseId && inbound && message.visibility === 'public' && message.externalId && (
          <EngagementActions message={message} caseId={caseId} />
        )}
        {onSplitHere && (
          <Tooltip label={t('caseStructure.splitHint')} withArrow>
            <Button
              size="compact-xs"
              variant="subtle"
              color="gray"
              onClick={() => onSplitHere(message)}
              data-testid="split-here"
            >
              {t('caseStructure.split')}
            </Button>
          </Tooltip>
        )}
        {inbound && onReplyTo && (
          <Button
            size="compact-xs"
            variant={isReplyTarget ? 'light' : 'subtle'}
            aria-pressed={isReplyTarget}
            onClick={() => onReplyTo(message)}
          >
            {isReplyTarget ? t('case.replyingToThis') : t('case.replyToThis')}
          </Button>
        )}
      </Group>
    </Paper>
  );
}

function DeliveryStatus({ message }: { message: Message }) {
  const { t } = useTranslation();
  switch (message.deliveryStatus) {
    case 'pending_approval':
      return (
        <Text size="xs" c="yellow.9" fw={600} data-testid="delivery-status">
          {t('approvals.status.pending')}
        </Text>
      );
    case 'rejected':
      return (
        <Text size="xs" c="red.7" fw={600} data-testid="delivery-status">
          {t('approvals.status.rejected')}
        </Text>
      );
    case 'queued':
    case 'sending':
      return (
        <Group gap={6} wrap="nowrap" data-testid="delivery-status">
          <Loader size={10} />
          <Text size="xs" c="dimmed">
            {t('case.delivery.sending')}
          </Text>
        </Group>
      );
    case 'sent':
      return (
        <Text size="xs" c="green.8" data-testid="delivery-status">
          {message.visibility === 'direct' ? t('case.delivery.sentDirect') : t('case.delivery.sent')}
        </Text>
      );
    case 'failed':
      return (
        <Text size="xs" c="red.7" fw={600} data-testid="delivery-status" className="customer-text">
          {message.deliveryError?.startsWith('thread.previous_part_failed')
            ? t('case.delivery.threadStopped')
            : message.deliveryError
              ? t('case.delivery.failedWithReason', { reason: message.deliveryError })
              : t('case.delivery.failed')}
        </Text>
      );
    case null:
      // Posts the brand made directly on the network have no delivery of ours to report.
      return null;
  }
}
