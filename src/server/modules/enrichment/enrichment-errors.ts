import { AppError } from '../../platform/http/errors';

/** What Hunter and the enrichment surfaces say when no data provider is set: how to set one. */
export const dataProviderMissingMessage =
  'Enrichment needs a data-provider key. An owner or admin can add a People Data Labs key in Settings → AI → Data provider.';

export const dataProviderNotConfigured = () => new AppError('data_provider_not_configured', 409, dataProviderMissingMessage);

/**
 * A data provider's answer that is not a match or a clean miss. `status` is the provider's HTTP
 * status (0 when it could not be reached); the message says what a person can do about it.
 */
export class DataProviderError extends AppError {
  constructor(
    readonly providerStatus: number,
    message: string,
  ) {
    super('data_provider_error', 502, message, { providerStatus });
  }
}
