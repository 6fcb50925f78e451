import { Button, Menu, Text } from '@mantine/core';
import type { Message } from '@guichet/contracts';
import { useTranslation } from 'react-i18next';
import { Timestamp } from '../../components/Timestamp.tsx';
import { targetPreview } from '../case/replyTarget.ts';

interface ReplyTargetMenuProps {
  target: Message;
  /** The customer's recent messages, newest first. */
  candidates: readonly Message[];
  onChoose: (messageId: string) => void;
}

/**
 * "In reply to …" beside Send: the message this reply answers (fixed once the agent starts writing), with a
 * small menu of the customer's recent messages to answer another one.
 */
export function ReplyTargetMenu({ target, candidates, onChoose }: ReplyTargetMenuProps) {
  const { t } = useTranslation();
  const label = (message: Message) =>
    t(message.visibility === 'direct' ? 'reply.inReplyToDm' : 'reply.inReplyToPost', {
      preview: targetPreview(message),
    });
  return (
    <Menu position="top-end" withinPortal>
      <Menu.Target>
        <Button
          size="compact-xs"
          variant="subtle"
          color="gray"
          maw={320}
          data-testid="reply-target"
          data-target-id={target.id}
          aria-label={t('reply.changeTarget')}
        >
          <Text size="xs" truncate="end" className="customer-text">
            {label(target)}
          </Text>
        </Button>
      </Menu.Target>
      <Menu.Dropdown maw={360}>
        <Menu.Label>{t('reply.changeTarget')}</Menu.Label>
        {candidates.map((message) => (
          <Menu.Item
            key={message.id}
            onClick={() => onChoose(message.id)}
            data-testid="reply-target-option"
            fw={message.id === target.id ? 700 : 400}
          >
            <Text size="xs" className="customer-text" lineClamp={2}>
              {label(message)}
            </Text>
            <Timestamp value={message.createdAt} size="xs" c="dimmed" />
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
