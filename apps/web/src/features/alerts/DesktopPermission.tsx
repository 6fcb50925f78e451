import { Button, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { desktopPermission, requestDesktopPermission } from './desktopNotify.ts';

/**
 * Desktop notifications are opt-in twice: the agent's choices on the profile, and this browser's
 * permission, which only a click may ask for.
 */
export function DesktopPermission() {
  const { t } = useTranslation();
  const [permission, setPermission] = useState(desktopPermission);
  if (permission === 'granted') {
    return (
      <Text size="xs" c="green" data-testid="desktop-permission">
        {t('alerts.desktop.enabled')}
      </Text>
    );
  }
  if (permission === 'denied' || permission === 'unsupported') {
    return (
      <Text size="xs" c="dimmed" data-testid="desktop-permission">
        {t(`alerts.desktop.${permission}`)}
      </Text>
    );
  }
  return (
    <div data-testid="desktop-permission">
      <Text size="xs" c="dimmed" mb={4}>
        {t('alerts.desktop.off')}
      </Text>
      <Button
        size="xs"
        variant="light"
        onClick={() => void requestDesktopPermission().then(setPermission)}
        data-testid="desktop-permission-enable"
      >
        {t('alerts.desktop.enable')}
      </Button>
    </div>
  );
}
