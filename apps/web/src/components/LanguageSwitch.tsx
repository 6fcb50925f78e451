import { NativeSelect } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { currentLanguage, switchLanguage } from '../i18n/index.ts';
import { isSupportedLanguage, supportedLanguages } from '../i18n/languages.ts';

/** Language names stay in their own language, so anyone can find theirs. */
export function LanguageSwitch() {
  const { t } = useTranslation();
  return (
    <NativeSelect
      size="xs"
      aria-label={t('header.language')}
      value={currentLanguage()}
      onChange={(event) => {
        const language = event.currentTarget.value;
        if (isSupportedLanguage(language)) void switchLanguage(language);
      }}
      data={supportedLanguages.map((language) => ({ value: language, label: t(`languages.${language}`) }))}
    />
  );
}
