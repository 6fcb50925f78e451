import { Avatar, type AvatarProps } from '@mantine/core';
import type { ContactSummary } from '@guichet/contracts';
import { safeHttpUrl } from './safeUrl.ts';

export function ContactAvatar({ contact, ...props }: { contact: ContactSummary } & AvatarProps) {
  return (
    <Avatar
      src={safeHttpUrl(contact.avatarUrl)}
      name={contact.name}
      color="initials"
      alt=""
      // Do not tell the avatar's host which page the agent is on.
      imageProps={{ referrerPolicy: 'no-referrer' }}
      {...props}
    />
  );
}
