import { Text, Tooltip, type TextProps } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../i18n/index.ts';
import { formatFullDateTime, formatMessageDateTime, formatRelativeTime } from '../i18n/relativeTime.ts';
import { useNow } from './useNow.ts';

interface TimestampProps extends TextProps {
  /** ISO-8601 string from the API. */
  value: string;
  /** `relative` reads "2 min ago"; `datetime` reads "21:47" today, a date and time otherwise. */
  format?: 'relative' | 'datetime';
}

/** A time in the agent's language, with the full date in a tooltip. */
export function Timestamp({ value, format = 'relative', ...textProps }: TimestampProps) {
  const { t } = useTranslation();
  const now = useNow();
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    return (
      <Text component="span" {...textProps}>
        {value}
      </Text>
    );
  }
  const locale = currentLanguage();
  const nowDate = new Date(now);
  const full = formatFullDateTime(date, locale);
  const shown =
    format === 'relative' ? formatRelativeTime(date, nowDate, locale, t) : formatMessageDateTime(date, nowDate, locale);
  return (
    <Tooltip label={full} openDelay={300} withArrow>
      <Text component="time" dateTime={value} {...textProps}>
        {shown}
      </Text>
    </Tooltip>
  );
}
