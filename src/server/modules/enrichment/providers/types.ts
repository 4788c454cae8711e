/** AI-2: what a person look-up is asked with (strongest identifier first) and what a match gives. */
export interface PersonQuery {
  email?: string;
  phone?: string;
  /** Only together with `company`: a name alone matches too many people. */
  name?: string;
  company?: string;
}

/** A matched person, reduced to what a contact record can hold. Missing facts are null. */
export interface PersonMatch {
  /** The provider's confidence that this is the person asked about, 1 (low) to 10. */
  likelihood: number | null;
  fullName: string | null;
  jobTitle: string | null;
  companyName: string | null;
  companyWebsite: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
  linkedinUrl: string | null;
}

export interface DataProviderConnection {
  baseUrl: string;
  apiKey: string;
}

/** One adapter per data provider (STYLE 13). Null is "no match", not an error. */
export interface PersonEnricher {
  label: string;
  enrichPerson(connection: DataProviderConnection, query: PersonQuery, signal?: AbortSignal): Promise<PersonMatch | null>;
}
