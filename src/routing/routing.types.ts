/** The shapes routing works with: a DID's context, cap usage and the decision trace. */
import type { BusinessHours } from '../shared/hours.js';
import type { CallerFilter, CampaignRepeatAction, LinkCallerRules } from './callers.js';
import type { CandidateLink, Strategy } from './routing.rules.js';

export interface RoutingContext {
  did_id: number;
  did_status: string;
  campaign_id: number | null;
  campaign_status: 'active' | 'paused' | 'archived' | null;
  routing_strategy: Strategy;
  dial_timeout_seconds: number;
  max_attempts: number;
  timezone: string;
  business_hours: BusinessHours | null;
  seller_id: number | null;
  seller_status: string | null;
  balance: string | null;
  billing_rate_per_minute: string | null;
  caller_filter: CallerFilter | null;
  duplicate_window_seconds: number | null;
  duplicate_action: CampaignRepeatAction;
  links: (CandidateLink & LinkCallerRules)[];
}

export interface CapUse {
  cap: string;
  limit: number | null;
  used: number;
}

export interface TraceEntry {
  at: string;
  step: 'route' | 'failover' | 'end';
  outcome: 'reserved' | 'skipped' | 'failed' | 'rejected' | 'answered' | 'ended' | 'noted';
  link_id?: number;
  client_id?: number;
  client?: string;
  reason?: string;
  caps?: CapUse[];
  detail?: string;
}
