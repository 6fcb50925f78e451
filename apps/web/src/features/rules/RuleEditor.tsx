import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Group,
  List,
  MultiSelect,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import {
  ruleActionKindSchema,
  ruleConditionKindSchema,
  ruleEventSchema,
  type RuleActionDto,
  type RuleConditionDto,
  type RuleDraft,
  type RuleEventValue,
  type RuleTestResult,
} from '@guichet/contracts';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/ApiContext.tsx';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { isApiError } from '../../api/errors.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import { rulesQueryKeys, useRulesApi } from './rulesApi.ts';
import { defaultActionValue, defaultConditionValue, stringList, valueOf } from './ruleValues.ts';
import { reasonWith } from '../triage/reasonText.ts';
import { SamplePostFields } from '../triage/SamplePostFields.tsx';
import { TRIAGE_SENTIMENTS, TRIAGE_TYPES } from '../triage/triageOptions.ts';

const PRIORITIES = ['1', '2', '3', '4'];

interface RuleEditorProps {
  initial: RuleDraft;
  /** Null for a new rule. */
  ruleId: string | null;
  onSaved: () => void;
  onCancel: () => void;
}

/** When + if + then, with a "test against a sample post" before saving. */
export function RuleEditor({ initial, ruleId, onSaved, onCancel }: RuleEditorProps) {
  const { t } = useTranslation();
  const api = useRulesApi();
  const [rule, setRule] = useState<RuleDraft>(initial);
  const [sample, setSample] = useState({ text: '', followers: 0, verified: false });
  const save = useMutation({
    mutationFn: () => (ruleId ? api.update(ruleId, rule) : api.create(rule)),
    onSuccess: onSaved,
  });
  const test = useMutation({
    mutationFn: () => api.test(rule, { text: sample.text, followers: sample.followers, verified: sample.verified }),
  });
  const setCondition = (index: number, condition: RuleConditionDto) =>
    setRule({ ...rule, conditions: rule.conditions.map((c, i) => (i === index ? condition : c)) });
  const setAction = (index: number, action: RuleActionDto) =>
    setRule({ ...rule, actions: rule.actions.map((a, i) => (i === index ? action : a)) });
  const saveError = save.error;
  const loopMessage =
    isApiError(saveError) && saveError.code === 'rule.loop'
      ? t('rules.loop', {
          event: t(
            `rules.event.${String(valueOf(saveError.details).event ?? rule.event)}` as 'rules.event.case.tagged',
          ),
        })
      : null;

  return (
    <Paper withBorder p="md" data-testid="rule-editor">
      <Stack gap="md">
        <Title order={4}>{ruleId ? t('rules.editTitle') : t('rules.newTitle')}</Title>
        <Group align="flex-end" gap="md">
          <TextInput
            label={t('rules.name')}
            value={rule.name}
            onChange={(e) => setRule({ ...rule, name: e.currentTarget.value })}
            maxLength={120}
            w={320}
            required
            data-testid="rule-name"
          />
          <Select
            label={t('rules.when')}
            data={ruleEventSchema.options.map((e) => ({ value: e, label: t(`rules.event.${e}`) }))}
            value={rule.event}
            onChange={(v) => v && setRule({ ...rule, event: v as RuleEventValue })}
            allowDeselect={false}
            w={280}
            data-testid="rule-event"
          />
        </Group>

        <Stack gap="xs">
          <Text fw={600}>{t('rules.if')}</Text>
          {rule.conditions.length === 0 && (
            <Text size="sm" c="dimmed">
              {t('rules.noConditions')}
            </Text>
          )}
          {rule.conditions.map((condition, index) => (
            <RuleRow
              key={index}
              testId="rule-condition"
              kindLabel={t('rules.conditionKind')}
              kinds={ruleConditionKindSchema.options.map((k) => ({ value: k, label: t(`rules.condition.${k}`) }))}
              kind={condition.kind}
              kindWidth={200}
              onKind={(kind) => setCondition(index, { kind, value: defaultConditionValue(kind) })}
              removeLabel={t('rules.removeCondition')}
              onRemove={() => setRule({ ...rule, conditions: rule.conditions.filter((_, i) => i !== index) })}
            >
              <ConditionValue
                condition={condition}
                onChange={(value) => setCondition(index, { ...condition, value })}
              />
            </RuleRow>
          ))}
          <Group>
            <Button
              size="xs"
              variant="default"
              onClick={() =>
                setRule({
                  ...rule,
                  conditions: [...rule.conditions, { kind: 'words', value: defaultConditionValue('words') }],
                })
              }
              data-testid="rule-add-condition"
            >
              {t('rules.addCondition')}
            </Button>
          </Group>
        </Stack>

        <Stack gap="xs">
          <Text fw={600}>{t('rules.then')}</Text>
          {rule.actions.map((action, index) => (
            <RuleRow
              key={index}
              testId="rule-action"
              kindLabel={t('rules.actionKind')}
              kinds={ruleActionKindSchema.options.map((k) => ({ value: k, label: t(`rules.action.${k}`) }))}
              kind={action.kind}
              kindWidth={220}
              onKind={(kind) => setAction(index, { kind, value: defaultActionValue(kind) })}
              removeLabel={t('rules.removeAction')}
              removeDisabled={rule.actions.length === 1}
              onRemove={() => setRule({ ...rule, actions: rule.actions.filter((_, i) => i !== index) })}
            >
              <ActionValue action={action} onChange={(value) => setAction(index, { ...action, value })} />
            </RuleRow>
          ))}
          <Group>
            <Button
              size="xs"
              variant="default"
              disabled={rule.actions.length >= 10}
              onClick={() =>
                setRule({ ...rule, actions: [...rule.actions, { kind: 'tag', value: defaultActionValue('tag') }] })
              }
            >
              {t('rules.addAction')}
            </Button>
          </Group>
        </Stack>

        <Group gap="lg">
          <Switch
            label={t('rules.enabled')}
            checked={rule.enabled}
            onChange={(e) => setRule({ ...rule, enabled: e.currentTarget.checked })}
          />
          <Switch
            label={t('rules.stop')}
            checked={rule.stop}
            onChange={(e) => setRule({ ...rule, stop: e.currentTarget.checked })}
          />
        </Group>

        <Paper withBorder p="sm" bg="var(--mantine-color-gray-0)">
          <Stack gap="xs">
            <Text fw={600}>{t('rules.testTitle')}</Text>
            <Text size="xs" c="dimmed">
              {t('rules.testHelp')}
            </Text>
            <SamplePostFields
              sample={sample}
              onChange={setSample}
              onRun={() => test.mutate()}
              running={test.isPending}
              runLabel={t('rules.test')}
              textTestId="rule-sample"
              runTestId="rule-test"
            />
            {test.isError && <Alert color="red">{t(errorMessageKey(test.error))}</Alert>}
            {test.data && <TestResult result={test.data} />}
          </Stack>
        </Paper>

        {loopMessage ? (
          <Alert color="red" title={t('rules.loopTitle')} data-testid="rule-loop">
            <Text size="sm">{loopMessage}</Text>
          </Alert>
        ) : (
          save.isError && (
            <Alert color="red" data-testid="rule-error">
              {isApiError(saveError) && saveError.code === 'rule.unknown_reference'
                ? t('rules.unknownReference')
                : t(errorMessageKey(saveError))}
            </Alert>
          )
        )}
        <Group>
          <Button
            onClick={() => save.mutate()}
            loading={save.isPending}
            disabled={rule.name.trim().length === 0}
            data-testid="rule-save"
          >
            {t('rules.save')}
          </Button>
          <Button variant="subtle" color="gray" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/** One "if" or "then" line: its kind, the kind's value, and a button to remove the line. */
function RuleRow<K extends string>(props: {
  testId: string;
  kindLabel: string;
  kinds: { value: K; label: string }[];
  kind: K;
  kindWidth: number;
  onKind: (kind: K) => void;
  removeLabel: string;
  removeDisabled?: boolean;
  onRemove: () => void;
  children: ReactNode;
}) {
  return (
    <Group align="flex-end" gap="xs" wrap="nowrap" data-testid={props.testId}>
      <Select
        aria-label={props.kindLabel}
        data={props.kinds}
        value={props.kind}
        onChange={(v) => v && props.onKind(v as K)}
        allowDeselect={false}
        w={props.kindWidth}
      />
      {props.children}
      <ActionIcon
        variant="subtle"
        color="red"
        aria-label={props.removeLabel}
        disabled={props.removeDisabled}
        onClick={props.onRemove}
      >
        ×
      </ActionIcon>
    </Group>
  );
}

function TestResult({ result }: { result: RuleTestResult }) {
  const { t } = useTranslation();
  const c = result.classification;
  return (
    <Stack gap={6} data-testid="rule-test-result">
      <Group gap="xs">
        <Badge color={result.priority.priority <= 2 ? 'red' : 'gray'}>P{result.priority.priority}</Badge>
        <Text size="sm">
          {t(`triage.type.${c.type}`)} · {t(`triage.sentiment.${c.sentiment}`)} · {c.language}
        </Text>
        <Text size="xs" c="dimmed">
          {t('triage.reason', { reason: reasonWith(t)(result.priority.reason) })}
        </Text>
      </Group>
      {result.eventMismatch && <Text size="sm">{t('rules.eventMismatch')}</Text>}
      {result.conditions.length > 0 && (
        <List size="sm" spacing={2} data-testid="rule-test-conditions">
          {result.conditions.map((condition, index) => (
            <List.Item key={index} icon={<Text span>{condition.matched ? '✓' : '✗'}</Text>}>
              <Text span size="sm" c={condition.matched ? 'teal.8' : 'red.8'}>
                {t(`rules.condition.${condition.kind}`)}
                {' — '}
                {condition.matched ? t('rules.matched') : t('rules.notMatched')}
              </Text>
            </List.Item>
          ))}
        </List>
      )}
      <Alert color={result.matches ? 'teal' : 'gray'} p="xs" data-testid="rule-test-verdict">
        <Text size="sm" fw={600}>
          {result.matches ? t('rules.wouldRun') : t('rules.wouldNotRun')}
        </Text>
        {result.matches && (
          <List size="sm">
            {result.actions.map((a, i) => (
              <List.Item key={i}>{t(`rules.action.${a.kind}`)}</List.Item>
            ))}
          </List>
        )}
      </Alert>
      {result.loop && (
        <Alert color="red" p="xs" title={t('rules.loopTitle')}>
          <Text size="sm">{t('rules.loopShort')}</Text>
        </Alert>
      )}
    </Stack>
  );
}

function ConditionValue({ condition, onChange }: { condition: RuleConditionDto; onChange: (v: unknown) => void }) {
  const { t } = useTranslation();
  const api = useRulesApi();
  const policy = useQuery({ queryKey: rulesQueryKeys.policy, queryFn: ({ signal }) => api.getPolicy(signal) });
  const cueLabel = useCueLabel();
  const v = valueOf(condition.value);
  switch (condition.kind) {
    case 'words':
      return (
        <TagsInput
          aria-label={t('rules.condition.words')}
          placeholder={t('rules.wordsPlaceholder')}
          value={stringList(v.any)}
          onChange={(any) => onChange({ any })}
          flex={1}
          data-testid="rule-words"
        />
      );
    case 'urgency':
      return (
        <MultiSelect
          aria-label={t('rules.condition.urgency')}
          data={(policy.data?.cues ?? []).map((c) => ({ value: c.id, label: cueLabel(c.id) }))}
          value={stringList(v.any)}
          onChange={(any) => onChange({ any })}
          flex={1}
        />
      );
    case 'type':
    case 'sentiment':
      return (
        <MultiSelect
          aria-label={t(`rules.condition.${condition.kind}`)}
          data={
            condition.kind === 'type'
              ? TRIAGE_TYPES.map((x) => ({ value: x, label: t(`triage.type.${x}`) }))
              : TRIAGE_SENTIMENTS.map((x) => ({ value: x, label: t(`triage.sentiment.${x}`) }))
          }
          value={stringList(v.in)}
          onChange={(list) => onChange({ in: list })}
          flex={1}
        />
      );
    case 'language':
    case 'channel':
      return (
        <TagsInput
          aria-label={t(`rules.condition.${condition.kind}`)}
          placeholder={condition.kind === 'language' ? 'fr, en' : t('rules.channelPlaceholder')}
          value={stringList(v.in)}
          onChange={(list) => onChange({ in: list })}
          flex={1}
        />
      );
    case 'priority':
      return (
        <Select
          aria-label={t('rules.condition.priority')}
          data={PRIORITIES.map((p) => ({ value: p, label: t('rules.atMostPriority', { priority: p }) }))}
          value={String(v.atMost ?? 2)}
          onChange={(p) => p && onChange({ atMost: Number(p) })}
          allowDeselect={false}
          w={200}
        />
      );
    case 'visibility':
      return (
        <SegmentedControl
          data={[
            { value: 'public', label: t('rules.public') },
            { value: 'direct', label: t('rules.direct') },
          ]}
          value={String(v.is ?? 'public')}
          onChange={(is) => onChange({ is })}
        />
      );
    case 'followers':
      return (
        <NumberInput
          aria-label={t('rules.condition.followers')}
          prefix="≥ "
          min={0}
          value={Number(v.atLeast ?? 0)}
          onChange={(n) => onChange({ atLeast: typeof n === 'number' ? Math.max(0, Math.round(n)) : 0 })}
          w={160}
        />
      );
    case 'verified':
      return (
        <SegmentedControl
          data={[
            { value: 'yes', label: t('rules.verifiedYes') },
            { value: 'no', label: t('rules.verifiedNo') },
          ]}
          value={v.is === false ? 'no' : 'yes'}
          onChange={(x) => onChange({ is: x === 'yes' })}
        />
      );
    case 'timeOfDay':
      return (
        <Group gap="xs" wrap="nowrap">
          <TextInput
            aria-label={t('rules.from')}
            value={String(v.from ?? '')}
            onChange={(e) => onChange({ ...v, from: e.currentTarget.value })}
            w={80}
            placeholder="18:00"
          />
          <Text size="sm">–</Text>
          <TextInput
            aria-label={t('rules.to')}
            value={String(v.to ?? '')}
            onChange={(e) => onChange({ ...v, to: e.currentTarget.value })}
            w={80}
            placeholder="09:00"
          />
          <TextInput
            aria-label={t('rules.timeZone')}
            value={String(v.timeZone ?? '')}
            onChange={(e) => onChange({ ...v, timeZone: e.currentTarget.value })}
            w={180}
          />
        </Group>
      );
  }
}

function ActionValue({ action, onChange }: { action: RuleActionDto; onChange: (v: unknown) => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const agents = useQuery({
    queryKey: queryKeys.agents,
    queryFn: ({ signal }) => api.listAgents(signal),
    enabled: action.kind === 'assignAgent',
  });
  const teams = useQuery({
    queryKey: queryKeys.teams,
    queryFn: ({ signal }) => api.listTeams(signal),
    enabled: action.kind === 'assignTeam',
  });
  const templates = useQuery({
    queryKey: queryKeys.templates,
    queryFn: ({ signal }) => api.listTemplates(signal),
    enabled: action.kind === 'suggestTemplate',
  });
  const v = valueOf(action.value);
  switch (action.kind) {
    case 'assignAgent':
      return (
        <Select
          aria-label={t('rules.action.assignAgent')}
          data={(agents.data?.agents ?? []).map((a) => ({ value: a.id, label: a.name }))}
          value={String(v.agentId ?? '') || null}
          onChange={(agentId) => onChange({ agentId: agentId ?? '' })}
          w={260}
        />
      );
    case 'assignTeam':
      return (
        <Select
          aria-label={t('rules.action.assignTeam')}
          data={(teams.data?.teams ?? []).map((x) => ({ value: x.id, label: x.name }))}
          value={String(v.teamId ?? '') || null}
          onChange={(teamId) => onChange({ teamId: teamId ?? '' })}
          nothingFoundMessage={t('rules.noTeams')}
          w={260}
        />
      );
    case 'tag':
      return (
        <TextInput
          aria-label={t('rules.tagName')}
          placeholder={t('rules.tagName')}
          value={String(v.name ?? '')}
          onChange={(e) => onChange({ name: e.currentTarget.value })}
          maxLength={60}
          w={260}
          data-testid="rule-tag-name"
        />
      );
    case 'setPriority':
    case 'applySla':
      return (
        <Select
          aria-label={t(`rules.action.${action.kind}`)}
          data={PRIORITIES.map((p) => ({
            value: p,
            label: action.kind === 'applySla' ? t('rules.slaOf', { priority: p }) : `P${p}`,
          }))}
          value={String(v.priority ?? 1)}
          onChange={(p) => p && onChange({ priority: Number(p) })}
          allowDeselect={false}
          w={260}
          data-testid={`rule-${action.kind}`}
        />
      );
    case 'suggestTemplate':
      return (
        <Select
          aria-label={t('rules.action.suggestTemplate')}
          data={(templates.data?.templates ?? []).map((x) => ({ value: x.id, label: `/${x.shortcut} — ${x.name}` }))}
          value={String(v.templateId ?? '') || null}
          onChange={(templateId) => onChange({ templateId: templateId ?? '' })}
          nothingFoundMessage={t('rules.noTemplates')}
          w={320}
          data-testid="rule-template"
        />
      );
    case 'markSpam':
    case 'linkIncident':
      return (
        <Text size="sm" c="dimmed">
          {t(action.kind === 'markSpam' ? 'rules.markSpamHelp' : 'rules.linkIncidentHelp')}
        </Text>
      );
  }
}

/** A cue's human name in the interface language; unknown ids (added later on the server) as they are. */
export function useCueLabel(): (id: string) => string {
  const { t } = useTranslation();
  return (id) => {
    const key = `triage.cue.${id}`;
    const label = String(t(key as 'triage.cue.outage'));
    return label === key ? id : label;
  };
}
