import { Group, NativeSelect, NumberInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { splitTarget, targetMinutes, type TargetUnit } from './slaTime.ts';

const units: TargetUnit[] = ['min', 'h', 'd'];

/**
 * A response target typed in minutes, hours or days ("7 days", not "10080 min"); the form keeps minutes.
 * Empty means no target when `optional`.
 */
export function DurationInput(props: {
  minutes: number | null;
  onChange: (minutes: number | null) => void;
  label: string;
  disabled: boolean;
  placeholder?: string;
}) {
  const { t } = useTranslation();
  const [unit, setUnit] = useState<TargetUnit>(() => (props.minutes ? splitTarget(props.minutes).unit : 'min'));
  const amount = props.minutes === null ? '' : props.minutes / targetMinutesFor(unit);
  const change = (value: string | number) =>
    props.onChange(typeof value === 'number' && value > 0 ? Math.max(1, targetMinutes(value, unit)) : null);
  return (
    <Group gap={4} wrap="nowrap" data-testid="sla-duration">
      <NumberInput
        size="xs"
        w={72}
        min={0}
        decimalScale={2}
        hideControls
        aria-label={props.label}
        placeholder={props.placeholder}
        value={amount === '' ? '' : Math.round(amount * 100) / 100}
        disabled={props.disabled}
        onChange={change}
      />
      <NativeSelect
        size="xs"
        w={84}
        aria-label={t('sla.policies.unitOf', { target: props.label })}
        value={unit}
        disabled={props.disabled}
        onChange={(event) => {
          // "7" then "days" means 7 days: the number typed stays, the unit changes what it means.
          const next = event.currentTarget.value as TargetUnit;
          if (typeof amount === 'number') props.onChange(Math.max(1, targetMinutes(amount, next)));
          setUnit(next);
        }}
        data={units.map((value) => ({ value, label: t(`sla.policies.units.${value}`) }))}
      />
    </Group>
  );
}

const targetMinutesFor = (unit: TargetUnit) => targetMinutes(1, unit);
