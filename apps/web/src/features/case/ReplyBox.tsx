import { Alert, Button, Group, Paper, Stack, Text, Textarea, UnstyledButton } from '@mantine/core';
import type { CaseDetail, Message, PersonalDataKind, ReplyRequest, Template } from '@guichet/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent, type KeyboardEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/ApiContext.tsx';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { isApiError } from '../../api/errors.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import { Timestamp } from '../../components/Timestamp.tsx';
import { currentLanguage } from '../../i18n/index.ts';
import { useAnnouncePresence } from '../../realtime/RealtimeProvider.tsx';
import { useSession } from '../auth/session.ts';
import { PersonalDataWarning } from '../composer/PersonalDataWarning.tsx';
import { personalDataKinds } from '../composer/personalData.ts';
import { ReplyImages, useReplyImages } from '../composer/ReplyImages.tsx';
import { ReplyTargetMenu } from '../composer/ReplyTargetMenu.tsx';
import { renderTemplate } from '../composer/templateRender.ts';
import { replyLength, replyLimit, splitIntoThread } from '../composer/xLength.ts';
import { newIdempotencyKey } from './idempotencyKey.ts';
import { SuggestedTemplates } from '../rules/SuggestedTemplates.tsx';
import { MacroBar } from '../templates/MacroBar.tsx';

interface ReplyBoxProps {
  caseId: string;
  /** The message answered; null lets the server pick the customer's latest public message. */
  target: Message | null;
  customer: { name: string; handle: string | null };
  directReplyAvailable: boolean;
  /** Why a DM is not possible here (the server says), or null. */
  directReplyBlocked?: CaseDetail['directReplyBlocked'];
  /** Switches the reply to the customer's direct messages; absent when the case has none. */
  onMoveToDm?: (() => void) | undefined;
  /** The customer's recent messages, newest first, offered as other targets. */
  candidates?: readonly Message[];
  /** Whether the target is fixed (chosen, or fixed when the agent started writing). */
  targetPinned?: boolean;
  /** Fixes the target (an id) or lets it follow the default again (null). */
  onChooseTarget?: (messageId: string | null) => void;
  inputRef?: RefObject<HTMLTextAreaElement | null>;
}

/** `/word` being typed at the end of the draft: the saved-reply search. */
const slashQuery = /(^|\s)\/([\p{L}\p{N}_-]*)$/u;

export function ReplyBox({
  caseId,
  target,
  customer,
  directReplyAvailable,
  directReplyBlocked = null,
  onMoveToDm,
  candidates = [],
  targetPinned = false,
  onChooseTarget,
  inputRef: externalRef,
}: ReplyBoxProps) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const session = useSession().data;
  const [draft, setDraft] = useState('');
  const [personalDataConfirmed, setPersonalDataConfirmed] = useState(false);
  // A saved reply with effects inserted with `/`: the server applies them with the reply (once).
  const [macro, setMacro] = useState<Template | null>(null);
  // One key per draft text: resubmitting it (double click, retry after a network error) creates a
  // single reply, while an edited draft is a new reply that must not be matched to the old one.
  const idempotency = useRef<{ key: string; text: string } | null>(null);
  const ownRef = useRef<HTMLTextAreaElement>(null);
  const inputRef = externalRef ?? ownRef;
  const inputId = useId();
  const counterId = `${inputId}-counter`;
  const templates = useQuery({ queryKey: queryKeys.templates, queryFn: ({ signal }) => api.listTemplates(signal) });
  const settings = useQuery({
    queryKey: queryKeys.replySettings,
    queryFn: ({ signal }) => api.getReplySettings(signal),
  });

  useAnnouncePresence(caseId, draft.trim().length > 0);
  const images = useReplyImages();

  const send = useMutation({
    mutationFn: (request: ReplyRequest) => api.sendReply(caseId, request),
    onSuccess: (message) => {
      setDraft('');
      images.clear();
      setPersonalDataConfirmed(false);
      setMacro(null);
      idempotency.current = null;
      // The next reply follows the customer's latest message again until its writing starts.
      onChooseTarget?.(null);
      // Show the queued reply at once; the refetch and realtime then follow its delivery.
      queryClient.setQueryData<CaseDetail>(queryKeys.caseDetail(caseId), (detail) =>
        detail && !detail.messages.some((existing) => existing.id === message.id)
          ? { ...detail, messages: [...detail.messages, message] }
          : detail,
      );
      void queryClient.invalidateQueries({ queryKey: queryKeys.caseDetail(caseId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.caseLists });
    },
    onSettled: () => {
      // The input was disabled while sending; give the agent their cursor back.
      requestAnimationFrame(() => inputRef.current?.focus());
    },
  });
  const collision =
    send.isError && isApiError(send.error) && send.error.code === 'reply.already_answered'
      ? (send.error.details as { agentName?: string | null; at?: string } | undefined)
      : undefined;

  const text = draft.trim();
  const visibility = target?.visibility ?? 'public';
  const limit = replyLimit(visibility);
  const length = replyLength(text, visibility);
  const overLimit = length - limit;
  const thread = visibility === 'public' && overLimit > 0 ? splitIntoThread(text) : [];
  const unfilled = [...text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1] ?? '');
  // The server runs the same detector with the same brand contacts, and refuses what this warns about.
  const refusedKinds =
    send.isError && isApiError(send.error) && send.error.code.startsWith('reply.personal_data')
      ? ((send.error.details as { kinds?: PersonalDataKind[] } | undefined)?.kinds ?? [])
      : [];
  const found = visibility === 'public' ? personalDataKinds(text, settings.data) : [];
  const personalData = found.length > 0 ? found : refusedKinds;
  const trainee = session?.agent.role === 'trainee';
  const personalDataBlocks = personalData.length > 0 && (trainee || !personalDataConfirmed);
  // A public reply over the limit goes out as the thread previewed below (F13); a DM over its limit cannot.
  const fitsOrThreads = overLimit <= 0 || thread.length > 1;
  const canSend = text.length > 0 && fitsOrThreads && unfilled.length === 0 && !personalDataBlocks && !send.isPending;

  const slash = slashQuery.exec(draft);
  const search = slash?.[2]?.toLowerCase() ?? '';
  const matches = slash
    ? (templates.data?.templates ?? [])
        .filter((tpl) => tpl.shortcut.toLowerCase().includes(search) || tpl.name.toLowerCase().includes(search))
        .slice(0, 6)
    : [];

  const insertTemplate = (body: string, language: 'fr' | 'en' | null) => {
    if (!settings.data || !session || !slash) return;
    const rendered = renderTemplate(body, {
      customer,
      agent: { name: session.agent.name, initials: session.agent.initials },
      settings: settings.data,
      language: language ?? currentLanguage(),
      now: new Date(),
    });
    changeDraft(draft.slice(0, slash.index + (slash[1]?.length ?? 0)) + rendered.text);
    requestAnimationFrame(() => inputRef.current?.focus());
  };

  const submit = (confirm = false) => {
    if (!canSend) return;
    if (idempotency.current?.text !== text) idempotency.current = { key: newIdempotencyKey(), text };
    send.mutate({
      text,
      idempotencyKey: idempotency.current.key,
      ...(target ? { inReplyToMessageId: target.id } : {}),
      ...(confirm ? { confirm: true } : {}),
      ...(personalData.length > 0 && personalDataConfirmed ? { confirmPersonalData: true } : {}),
      // What the preview shows is what goes out: the server checks the parts are this text, split.
      ...(thread.length > 1 ? { parts: thread } : {}),
      ...(macro ? { macroId: macro.id } : {}),
      ...(images.mediaIds.length > 0 ? { mediaIds: images.mediaIds } : {}),
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    const first = matches[0];
    if (
      first &&
      (event.key === 'Tab' || (event.key === 'Enter' && !event.ctrlKey && !event.metaKey && !event.shiftKey))
    ) {
      event.preventDefault();
      insertTemplate(first.body, first.language);
      if (first.effects) setMacro(first);
      return;
    }
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
    }
    if (event.key === 'Escape') inputRef.current?.blur();
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    submit();
  };

  const targetName =
    target?.author.kind === 'contact' && target.author.handle
      ? `@${target.author.handle}`
      : (target?.author.name ?? '');
  // A trainee's replies wait for a lead's approval (F17): say so where they write and on the button.
  const dmBlocked = directReplyAvailable ? (directReplyBlocked ?? (onMoveToDm ? null : 'no_history')) : 'plan';
  // The target is fixed as the agent starts writing: a newer customer message must not move the reply.
  const changeDraft = (value: string) => {
    if (!targetPinned && target && value.trim()) onChooseTarget?.(target.id);
    setDraft(value);
  };
  const description = !target
    ? t('reply.targetDefault')
    : target.visibility === 'direct'
      ? t('reply.targetDirect', { name: targetName })
      : t('reply.targetPublic', { name: targetName });

  return (
    <Paper
      withBorder
      radius="md"
      p="sm"
      component="form"
      onSubmit={onSubmit}
      data-reply-visibility={target?.visibility}
    >
      <Stack gap="xs">
        {collision ? (
          <Alert color="orange" title={t('reply.collisionTitle')} role="alert" data-testid="reply-collision">
            <Stack gap="xs">
              <Text size="sm">
                {t('reply.collisionBody', { name: collision.agentName ?? t('reply.anotherAgent') })}{' '}
                {collision.at && <Timestamp value={collision.at} format="datetime" span size="sm" />}
              </Text>
              <Group gap="xs">
                <Button size="xs" color="orange" onClick={() => submit(true)} data-testid="reply-confirm">
                  {t('reply.sendAnyway')}
                </Button>
                <Button size="xs" variant="default" onClick={() => send.reset()}>
                  {t('common.cancel')}
                </Button>
              </Group>
            </Stack>
          </Alert>
        ) : (
          send.isError &&
          refusedKinds.length === 0 && (
            <Alert color="red" title={t('reply.errorTitle')} role="alert" data-testid="reply-error">
              {t(errorMessageKey(send.error))}
            </Alert>
          )
        )}
        <MacroBar caseId={caseId} attached={macro} onDetach={() => setMacro(null)} />
        <SuggestedTemplates
          caseId={caseId}
          customer={customer}
          onInsert={(text) => changeDraft(draft ? `${draft} ${text}` : text)}
        />
        <Textarea
          ref={inputRef}
          id={inputId}
          label={t('reply.label')}
          description={trainee ? `${description} ${t('approvals.traineeNotice')}` : description}
          placeholder={t('reply.placeholder')}
          autosize
          minRows={3}
          maxRows={12}
          value={draft}
          onChange={(event) => changeDraft(event.currentTarget.value)}
          onFocus={() => draft.trim() && changeDraft(draft)}
          onKeyDown={onKeyDown}
          disabled={send.isPending}
          // Mantine links the description by itself; the counter is added so it is read on focus too.
          aria-describedby={`${inputId}-description ${counterId}`}
          aria-keyshortcuts="Control+Enter Meta+Enter"
          data-testid="reply-input"
          classNames={{ input: 'message-text' }}
        />
        {slash && (
          <Paper
            withBorder
            p={4}
            radius="sm"
            role="listbox"
            aria-label={t('reply.templates')}
            data-testid="template-picker"
          >
            {matches.length === 0 ? (
              <Text size="xs" c="dimmed" p={4}>
                {templates.data?.templates.length ? t('reply.noTemplateMatch') : t('reply.noTemplates')}
              </Text>
            ) : (
              matches.map((tpl, index) => (
                <UnstyledButton
                  key={tpl.id}
                  role="option"
                  aria-selected={index === 0}
                  className="template-option"
                  onClick={() => {
                    insertTemplate(tpl.body, tpl.language);
                    if (tpl.effects) setMacro(tpl);
                  }}
                  data-testid="template-option"
                  w="100%"
                  p={4}
                >
                  <Text size="xs" fw={600} span>
                    /{tpl.shortcut}
                  </Text>{' '}
                  <Text size="xs" span>
                    {tpl.name}
                  </Text>
                  <Text size="xs" c="dimmed" truncate="end">
                    {tpl.body}
                  </Text>
                </UnstyledButton>
              ))
            )}
          </Paper>
        )}
        {unfilled.length > 0 && (
          <Alert color="yellow" p="xs" data-testid="reply-unfilled">
            <Text size="xs">{t('reply.unfilled', { names: unfilled.join(', ') })}</Text>
          </Alert>
        )}
        {personalData.length > 0 && (
          <PersonalDataWarning
            kinds={personalData}
            trainee={trainee}
            confirmed={personalDataConfirmed}
            onConfirmedChange={setPersonalDataConfirmed}
            dmBlocked={dmBlocked}
            onMoveToDm={onMoveToDm}
          />
        )}
        {thread.length > 0 && (
          <Alert color="blue" p="xs" title={t('reply.tooLongTitle')} data-testid="reply-thread-preview">
            <Stack gap={6}>
              <Text size="xs">{t('reply.tooLongBody', { count: thread.length })}</Text>
              <Stack component="ol" gap={4} className="plain-list">
                {thread.map((post, index) => (
                  <Paper key={index} component="li" withBorder p={6} radius="sm">
                    <Text size="xs" className="message-text">
                      {post}
                    </Text>
                  </Paper>
                ))}
              </Stack>
            </Stack>
          </Alert>
        )}
        <ReplyImages state={images} visibility={visibility} disabled={send.isPending} />
        <Group justify="space-between" gap="sm" wrap="nowrap">
          <Group gap="sm" wrap="wrap" miw={0}>
            <Text
              id={counterId}
              size="xs"
              fw={overLimit > 0 ? 700 : 400}
              c={overLimit > 0 ? (thread.length > 1 ? 'blue.8' : 'red.7') : 'dimmed'}
              data-testid="reply-counter"
            >
              <span aria-hidden>{t('reply.counter', { count: length, limit })}</span>
              <span className="visually-hidden">{t('reply.counterLabel', { count: length, limit })}</span>
            </Text>
            {overLimit > 0 && thread.length <= 1 && (
              <Text size="xs" c="red.7">
                {t('reply.overLimit', { count: overLimit })}
              </Text>
            )}
            <Text size="xs" c="dimmed" visibleFrom="sm">
              {t('reply.shortcut')}
            </Text>
          </Group>
          <Group gap="xs" wrap="nowrap" miw={0}>
            {target && (
              <ReplyTargetMenu
                target={target}
                candidates={candidates}
                onChoose={(messageId) => onChooseTarget?.(messageId)}
              />
            )}
            <Button
              type="submit"
              disabled={!canSend}
              loading={send.isPending}
              aria-keyshortcuts="Control+Enter Meta+Enter"
              data-testid="reply-send"
            >
              {trainee
                ? t('approvals.sendForApproval')
                : personalData.length > 0
                  ? t('reply.sendAnyway')
                  : thread.length > 1
                    ? t('reply.sendThread', { count: thread.length })
                    : t('reply.send')}
            </Button>
          </Group>
        </Group>
      </Stack>
    </Paper>
  );
}
