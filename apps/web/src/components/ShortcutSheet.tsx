import { Kbd, Modal, Stack, Table } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

const shortcuts = [
  { keys: ['j'], label: 'shortcuts.next' },
  { keys: ['k'], label: 'shortcuts.previous' },
  { keys: ['Enter'], label: 'shortcuts.open' },
  { keys: ['r'], label: 'shortcuts.reply' },
  { keys: ['Ctrl', 'Enter'], label: 'shortcuts.send' },
  { keys: ['e'], label: 'shortcuts.resolve' },
  { keys: ['a'], label: 'shortcuts.assignToMe' },
  { keys: ['/'], label: 'shortcuts.template' },
  { keys: ['?'], label: 'shortcuts.sheet' },
] as const;

/** `?` anywhere outside a text field shows every keyboard shortcut. */
export function ShortcutSheet() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  useHotkeys([
    ['shift+?', () => setOpen(true)],
    ['?', () => setOpen(true)],
  ]);
  return (
    <Modal opened={open} onClose={() => setOpen(false)} title={t('shortcuts.title')} data-testid="shortcut-sheet">
      <Stack>
        <Table>
          <Table.Tbody>
            {shortcuts.map((shortcut) => (
              <Table.Tr key={shortcut.label}>
                <Table.Td>
                  {shortcut.keys.map((key, index) => (
                    <span key={key}>
                      {index > 0 && ' + '}
                      {/* Key names in the agent's language: "Entrée" on a French keyboard. */}
                      <Kbd>{key === 'Enter' ? t('shortcuts.enterKey') : key}</Kbd>
                    </span>
                  ))}
                </Table.Td>
                <Table.Td>{t(shortcut.label)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Modal>
  );
}
