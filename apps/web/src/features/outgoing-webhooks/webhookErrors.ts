import { useTranslation } from 'react-i18next';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { isApiError } from '../../api/errors.ts';

/** The server's reasons for refusing a URL, in the admin's language. */
const URL_ERRORS = {
  'outgoing_webhook.url_invalid': 'outgoingWebhooks.errors.urlInvalid',
  'outgoing_webhook.url_not_https': 'outgoingWebhooks.errors.notHttps',
  'outgoing_webhook.url_has_credentials': 'outgoingWebhooks.errors.credentials',
  'outgoing_webhook.address_refused': 'outgoingWebhooks.errors.addressRefused',
  'outgoing_webhook.host_unresolved': 'outgoingWebhooks.errors.unresolved',
  'outgoing_webhook.too_many': 'outgoingWebhooks.errors.tooMany',
} as const;

/** Turns a failed webhook call into a sentence: the URL checks by name, anything else the usual way. */
export function useWebhookErrorText(): (error: unknown) => string {
  const { t } = useTranslation();
  return (error) => {
    if (isApiError(error) && error.code in URL_ERRORS) {
      const address = (error.details as { address?: unknown } | undefined)?.address;
      return t(URL_ERRORS[error.code as keyof typeof URL_ERRORS], {
        address: typeof address === 'string' ? address : '',
      });
    }
    return t(errorMessageKey(error));
  };
}
