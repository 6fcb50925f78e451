import { Button, Checkbox, Group, NumberInput, Textarea } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface SamplePostDraft {
  text: string;
  followers: number;
  verified: boolean;
}

interface SamplePostFieldsProps<S extends SamplePostDraft> {
  sample: S;
  onChange: (sample: S) => void;
  /** Runs the sample (test a rule, try a priority policy); disabled while the text is empty. */
  onRun: () => void;
  running: boolean;
  runLabel: string;
  textTestId: string;
  runTestId: string;
  /** Small inputs, for a panel among other small inputs. */
  compact?: boolean;
  /** More about the author, between "verified" and the run button. */
  extra?: ReactNode;
}

/** A sample post and its author, as rule tests and the priority policy's "try it" take them. */
export function SamplePostFields<S extends SamplePostDraft>(props: SamplePostFieldsProps<S>) {
  const { sample, onChange, compact = false } = props;
  const { t } = useTranslation();
  return (
    <>
      <Textarea
        aria-label={t('rules.samplePost')}
        placeholder={t('rules.samplePlaceholder')}
        value={sample.text}
        onChange={(e) => onChange({ ...sample, text: e.currentTarget.value })}
        autosize
        minRows={2}
        maxLength={4000}
        classNames={{ input: 'message-text' }}
        data-testid={props.textTestId}
      />
      <Group align="flex-end">
        <NumberInput
          size={compact ? 'xs' : undefined}
          w={compact ? 150 : 160}
          label={t('rules.sampleFollowers')}
          min={0}
          value={sample.followers}
          onChange={(v) => onChange({ ...sample, followers: typeof v === 'number' ? Math.max(0, v) : 0 })}
        />
        <Checkbox
          label={t('rules.sampleVerified')}
          checked={sample.verified}
          onChange={(e) => onChange({ ...sample, verified: e.currentTarget.checked })}
          mb={compact ? 6 : 8}
        />
        {props.extra}
        <Button
          variant="light"
          onClick={props.onRun}
          loading={props.running}
          disabled={sample.text.trim().length === 0}
          data-testid={props.runTestId}
        >
          {props.runLabel}
        </Button>
      </Group>
    </>
  );
}
