import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  NumberInput,
  type NumberInputProps,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  TagsInput,
  Text,
  Title,
} from '@mantine/core';
import type { PriorityPolicyDto, PriorityPolicyResponse } from '@guichet/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { useCueLabel } from '../rules/RuleEditor.tsx';
import { rulesQueryKeys, useRulesApi } from '../rules/rulesApi.ts';
import { reasonWith } from './reasonText.ts';
import { SamplePostFields } from './SamplePostFields.tsx';
import { TRIAGE_SENTIMENTS, TRIAGE_TYPES } from './triageOptions.ts';

const points = (v: string | number, fallback: number) =>
  typeof v === 'number' && Number.isFinite(v) ? Math.max(-5, Math.min(10, Math.round(v))) : fallback;

/** A small input for a policy's points: a cleared or odd entry keeps the current value. */
function PointsInput({
  value,
  onChange,
  ...props
}: Omit<NumberInputProps, 'value' | 'onChange' | 'size'> & { value: number; onChange: (points: number) => void }) {
  return <NumberInput size="xs" value={value} onChange={(v) => onChange(points(v, value))} {...props} />;
}

/** The documented, editable mapping from triage to P1–P4, with a "try it" box on the draft. */
export function PriorityPolicyPanel({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const api = useRulesApi();
  const policy = useQuery({ queryKey: rulesQueryKeys.policy, queryFn: ({ signal }) => api.getPolicy(signal) });
  // Kept here: the form starts afresh from each saved version, and still says it was saved.
  const [saved, setSaved] = useState(false);
  if (policy.isPending) return <CenteredLoader />;
  if (policy.isError) return <Alert color="red">{t(errorMessageKey(policy.error))}</Alert>;
  return (
    <PolicyForm
      key={JSON.stringify(policy.data.policy)}
      data={policy.data}
      canEdit={canEdit}
      saved={saved}
      onSaved={() => setSaved(true)}
    />
  );
}

function PolicyForm(props: { data: PriorityPolicyResponse; canEdit: boolean; saved: boolean; onSaved: () => void }) {
  const { data, canEdit } = props;
  const { t } = useTranslation();
  const api = useRulesApi();
  const queryClient = useQueryClient();
  const cueLabel = useCueLabel();
  const cueExamples = (id: string) => {
    const key = `triage.cueExamples.${id}`;
    const text = String(t(key as 'triage.cueExamples.outage'));
    // A workspace cue the catalogue does not know: its name says enough.
    return text === key ? cueLabel(id) : text;
  };
  const [form, setForm] = useState<PriorityPolicyDto>(data.policy);
  const save = useMutation({
    mutationFn: () => api.savePolicy(form),
    onSuccess: () => {
      props.onSaved();
      void queryClient.invalidateQueries({ queryKey: rulesQueryKeys.policy });
    },
  });
  const disabled = !canEdit;
  const dirty = JSON.stringify(form) !== JSON.stringify(data.policy);
  const { p1, p2, p3 } = form.thresholds;
  const thresholdsValid = p1 > p2 && p2 > p3;
  const priorityOf = (n: number) => (n >= p1 ? 1 : n >= p2 ? 2 : n >= p3 ? 3 : 4);
  const setTiers = (followers: PriorityPolicyDto['customer']['followers']) =>
    setForm({ ...form, customer: { ...form.customer, followers } });

  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed" maw={800}>
        {t('triage.policy.intro')}
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Paper withBorder p="md">
          <Title order={5} mb="xs">
            {t('triage.policy.base')}
          </Title>
          <Text size="xs" c="dimmed" mb="xs">
            {t('triage.policy.baseHelp')}
          </Text>
          <Table withColumnBorders verticalSpacing={4} data-testid="policy-base">
            <Table.Thead>
              <Table.Tr>
                <Table.Th />
                {TRIAGE_SENTIMENTS.map((s) => (
                  <Table.Th key={s}>
                    <Stack gap={2}>
                      <Text size="xs">{t(`triage.sentiment.${s}`)}</Text>
                      <PointsInput
                        w={70}
                        aria-label={`${t(`triage.sentiment.${s}`)} ${t('triage.policy.points')}`}
                        value={form.sentiment[s]}
                        min={-5}
                        max={10}
                        disabled={disabled}
                        onChange={(n) => setForm({ ...form, sentiment: { ...form.sentiment, [s]: n } })}
                      />
                    </Stack>
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {TRIAGE_TYPES.map((type) => (
                <Table.Tr key={type}>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Text size="xs" w={80}>
                        {t(`triage.type.${type}`)}
                      </Text>
                      <PointsInput
                        w={70}
                        aria-label={`${t(`triage.type.${type}`)} ${t('triage.policy.points')}`}
                        value={form.type[type]}
                        min={-5}
                        max={10}
                        disabled={disabled}
                        onChange={(n) => setForm({ ...form, type: { ...form.type, [type]: n } })}
                        data-testid={`policy-type-${type}`}
                      />
                    </Group>
                  </Table.Td>
                  {TRIAGE_SENTIMENTS.map((s) => {
                    const sum = form.type[type] + form.sentiment[s];
                    const priority = priorityOf(sum);
                    return (
                      <Table.Td key={s} ta="center">
                        <Badge color={priority <= 2 ? 'red' : 'gray'} variant={priority <= 2 ? 'filled' : 'light'}>
                          P{priority}
                        </Badge>
                        <Text size="xs" c="dimmed">
                          {t('triage.policy.pointsCount', { count: sum })}
                        </Text>
                      </Table.Td>
                    );
                  })}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Group mt="sm" gap="xs" align="flex-end">
            {(['p1', 'p2', 'p3'] as const).map((k) => (
              <PointsInput
                key={k}
                w={110}
                label={t('triage.policy.threshold', { priority: k.slice(1) })}
                value={form.thresholds[k]}
                disabled={disabled}
                onChange={(n) => setForm({ ...form, thresholds: { ...form.thresholds, [k]: n } })}
              />
            ))}
          </Group>
          {!thresholdsValid && (
            <Text size="xs" c="red" mt={4}>
              {t('triage.policy.thresholdsInvalid')}
            </Text>
          )}
        </Paper>

        <Paper withBorder p="md">
          <Title order={5} mb="xs">
            {t('triage.policy.customer')}
          </Title>
          <Stack gap="xs">
            {form.customer.followers.map((tier, index) => (
              <Group key={index} gap="xs" align="flex-end">
                <NumberInput
                  size="xs"
                  w={150}
                  label={t('triage.policy.followersAtLeast')}
                  value={tier.atLeast}
                  min={0}
                  thousandSeparator=" "
                  disabled={disabled}
                  onChange={(v) =>
                    setTiers(
                      form.customer.followers.map((x, i) =>
                        i === index ? { ...x, atLeast: typeof v === 'number' ? Math.max(0, Math.round(v)) : 0 } : x,
                      ),
                    )
                  }
                />
                <PointsInput
                  w={90}
                  label={t('triage.policy.points')}
                  value={tier.points}
                  disabled={disabled}
                  onChange={(n) =>
                    setTiers(form.customer.followers.map((x, i) => (i === index ? { ...x, points: n } : x)))
                  }
                />
                {!disabled && (
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    mb={4}
                    aria-label={t('triage.policy.removeTier')}
                    onClick={() => setTiers(form.customer.followers.filter((_, i) => i !== index))}
                  >
                    ×
                  </ActionIcon>
                )}
              </Group>
            ))}
            {!disabled && form.customer.followers.length < 10 && (
              <Group>
                <Button
                  size="xs"
                  variant="default"
                  onClick={() => setTiers([...form.customer.followers, { atLeast: 1_000_000, points: 3 }])}
                >
                  {t('triage.policy.addTier')}
                </Button>
              </Group>
            )}
            <Group gap="md">
              <PointsInput
                w={150}
                label={t('triage.policy.verified')}
                value={form.customer.verified}
                disabled={disabled}
                onChange={(n) => setForm({ ...form, customer: { ...form.customer, verified: n } })}
              />
              <PointsInput
                w={150}
                label={t('triage.policy.repeatContact')}
                value={form.customer.repeatContact}
                disabled={disabled}
                onChange={(n) => setForm({ ...form, customer: { ...form.customer, repeatContact: n } })}
              />
            </Group>
          </Stack>
        </Paper>
      </SimpleGrid>

      <Paper withBorder p="md">
        <Title order={5} mb="xs">
          {t('triage.policy.cues')}
        </Title>
        <Text size="xs" c="dimmed" mb="xs">
          {t('triage.policy.cuesHelp')}
        </Text>
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="xs" data-testid="policy-cues">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('triage.policy.cue')}</Table.Th>
                <Table.Th w={90}>{t('triage.policy.points')}</Table.Th>
                <Table.Th>{t('triage.policy.builtIn')}</Table.Th>
                <Table.Th w={300}>{t('triage.policy.ownWords')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.cues.map((cue) => (
                <Table.Tr key={cue.id} data-testid={`policy-cue-${cue.id}`}>
                  <Table.Td>
                    <Text size="sm">{cueLabel(cue.id)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <PointsInput
                      w={70}
                      aria-label={`${cueLabel(cue.id)} ${t('triage.policy.points')}`}
                      value={form.cues[cue.id] ?? 0}
                      disabled={disabled}
                      onChange={(n) => setForm({ ...form, cues: { ...form.cues, [cue.id]: n } })}
                    />
                  </Table.Td>
                  <Table.Td>
                    {/* Examples in words, not the matching expressions: leads read this, not engineers. */}
                    <Text size="xs" c="dimmed" lineClamp={2} data-testid={`policy-cue-examples-${cue.id}`}>
                      {cueExamples(cue.id)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <TagsInput
                      size="xs"
                      aria-label={`${cueLabel(cue.id)} — ${t('triage.policy.ownWords')}`}
                      placeholder={disabled ? '' : t('triage.policy.wordsPlaceholder')}
                      value={form.words[cue.id] ?? []}
                      disabled={disabled}
                      maxTags={50}
                      onChange={(list) =>
                        setForm({
                          ...form,
                          words: { ...form.words, [cue.id]: list.map((w) => w.trim()).filter((w) => w.length >= 2) },
                        })
                      }
                      data-testid={`policy-words-${cue.id}`}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>

      {save.isError && <Alert color="red">{t(errorMessageKey(save.error))}</Alert>}
      {canEdit && (
        <Group>
          <Button
            onClick={() => save.mutate()}
            loading={save.isPending}
            disabled={!dirty || !thresholdsValid}
            data-testid="policy-save"
          >
            {t('triage.policy.save')}
          </Button>
          {data.defaults && (
            <Button variant="subtle" color="gray" onClick={() => setForm(data.defaults!)}>
              {t('triage.policy.resetDefaults')}
            </Button>
          )}
          {props.saved && !dirty && (
            <Text size="sm" c="teal" data-testid="policy-saved">
              {t('triage.policy.saved')}
            </Text>
          )}
        </Group>
      )}
      <TryIt policy={thresholdsValid ? form : null} />
    </Stack>
  );
}

/** The draft mapping on a sample post: the priority an agent would see and its reason. */
function TryIt({ policy }: { policy: PriorityPolicyDto | null }) {
  const { t } = useTranslation();
  const api = useRulesApi();
  const [sample, setSample] = useState({ text: '', followers: 0, verified: false, repeatContact: false });
  const tryIt = useMutation({
    mutationFn: () => api.classify({ ...sample, ...(policy ? { policy } : {}) }),
  });
  const result = tryIt.data;
  return (
    <Paper withBorder p="md" data-testid="policy-try">
      <Title order={5} mb="xs">
        {t('triage.policy.tryTitle')}
      </Title>
      <Stack gap="xs">
        <SamplePostFields
          sample={sample}
          onChange={setSample}
          onRun={() => tryIt.mutate()}
          running={tryIt.isPending}
          runLabel={t('triage.policy.try')}
          textTestId="policy-try-text"
          runTestId="policy-try-run"
          compact
          extra={
            <Checkbox
              label={t('triage.policy.repeatContact')}
              checked={sample.repeatContact}
              onChange={(e) => setSample({ ...sample, repeatContact: e.currentTarget.checked })}
              mb={6}
            />
          }
        />
        {tryIt.isError && <Alert color="red">{t(errorMessageKey(tryIt.error))}</Alert>}
        {result && (
          <Group gap="sm" data-testid="policy-try-result">
            <Badge size="lg" color={result.priority.priority <= 2 ? 'red' : 'gray'}>
              P{result.priority.priority}
            </Badge>
            <Text size="sm">{t('triage.reason', { reason: reasonWith(t)(result.priority.reason) })}</Text>
            <Text size="xs" c="dimmed">
              {t('triage.policy.pointsCount', { count: result.priority.points })} ·{' '}
              {t(`triage.type.${result.classification.type}`)} ·{' '}
              {t(`triage.sentiment.${result.classification.sentiment}`)} · {result.classification.language}
            </Text>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
