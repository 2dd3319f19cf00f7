// Wire shapes the UI reads (docs: /work/shared/reference/rest.md §1–3).

export interface OnboardingStatus {
  completed: boolean;
  hasAdmin: boolean;
  hasLlm: boolean;
  hasEmbedding: boolean;
}

export interface Me {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  pseudonym: string;
  language: string;
  role: string;
  avatarUrl: string | null;
}

export interface ProviderType {
  type: string;
  displayName: string;
  capabilities: string[];
  noApiKey?: boolean;
  apiKeyUrl?: string;
}

export interface Provider {
  id: string;
  name: string;
  type: string;
  capabilities: string[];
  isValid: boolean;
  lastError?: string | null;
}

export interface ProviderTestResult {
  valid: boolean;
  capabilities?: string[];
  error?: string;
}

export interface Model {
  id: string;
  name: string;
  providerId: string;
  providerName?: string;
  capability: string;
}

export interface Kin {
  id: string;
  slug?: string;
  name: string;
  role?: string;
  avatarUrl?: string | null;
}

export interface InvitationCheck {
  valid: boolean;
  label?: string | null;
  reason?: 'NOT_FOUND' | 'ALREADY_USED' | 'EXPIRED';
}
