import type { AccountChecklist } from '@guichet/contracts';
import { Button, CopyButton, Group, Modal, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../../i18n/index.ts';
import { publicLength } from '../composer/xLength.ts';
import { BIO_LIMIT, brandOf, writeBio } from './bioWriter.ts';

/**
 * "Write my bio": a draft from the reply settings (help centre, email) and the business hours, in French or
 * English, counted as X counts it; the person edits it, copies it and pastes it on X.
 */
export function BioWriterModal({ checklist, onClose }: { checklist: AccountChecklist; onClose: () => void }) {
  const { t } = useTranslation();
  const [lang, setLang] = useState<'fr' | 'en'>(currentLanguage() === 'en' ? 'en' : 'fr');
  const brand = brandOf(checklist.profile.name, checklist.profile.handle);
  const [text, setText] = useState(() => writeBio({ brand, facts: checklist.bioFacts, lang }));
  const length = publicLength(text);
  const missingFacts = !checklist.bioFacts.week || !checklist.bioFacts.helpCenterUrl;
  return (
    <Modal opened onClose={onClose} title={t('accountChecklist.bio.title')} size="lg">
      <Stack gap="sm" data-testid="bio-writer">
        <Text size="sm" c="dimmed">
          {t('accountChecklist.bio.intro')}
        </Text>
        <SegmentedControl
          value={lang}
          onChange={(value) => {
            const next = value === 'en' ? 'en' : 'fr';
            setLang(next);
            setText(writeBio({ brand, facts: checklist.bioFacts, lang: next }));
          }}
          data={[
            { value: 'fr', label: t('accountChecklist.bio.french') },
            { value: 'en', label: t('accountChecklist.bio.english') },
          ]}
          data-testid="bio-writer-lang"
        />
        <Textarea
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
          autosize
          minRows={3}
          error={length > BIO_LIMIT ? t('accountChecklist.bio.tooLong') : undefined}
          data-testid="bio-writer-text"
        />
        <Text size="xs" c={length > BIO_LIMIT ? 'red' : 'dimmed'} ta="right" data-testid="bio-writer-count">
          {t('accountChecklist.bio.count', { count: length, max: BIO_LIMIT })}
        </Text>
        {missingFacts && (
          <Text size="xs" c="dimmed">
            {t('accountChecklist.bio.missingFacts')}
          </Text>
        )}
        <Text size="xs" c="dimmed">
          {t('accountChecklist.bio.where')}
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('accountChecklist.bio.close')}
          </Button>
          <CopyButton value={text}>
            {({ copied, copy }) => (
              <Button onClick={copy} color={copied ? 'teal' : 'blue'} disabled={length > BIO_LIMIT}>
                {copied ? t('accountChecklist.bio.copied') : t('accountChecklist.bio.copy')}
              </Button>
            )}
          </CopyButton>
        </Group>
      </Stack>
    </Modal>
  );
}
