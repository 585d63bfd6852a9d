/** The shapes routing state takes: a DID's context, a live call, its attempts and trace. */
import type { BusinessHours } from '../shared/hours.js';
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
  links: CandidateLink[];
}

export interface Windows {
  hour: Date;
  day: Date;
  month: Date;
}

/** The live row a successful takeLink writes along with the slot. */
export type LiveWrite =
  | {
      kind: 'insert';
      row: Partial<LiveCall> & Pick<LiveCall, 'uniqueid' | 'status' | 'did' | 'started_at' | 'expires_at'>;
    }
  | { kind: 'update'; uniqueid: string; patch: Partial<LiveCall> };

export interface CapUse {
  cap: string;
  limit: number | null;
  used: number;
}

export interface LiveCall {
  uniqueid: string;
  status: 'dialing' | 'rejected';
  did: string;
  caller_id: string | null;
  did_id: number | null;
  campaign_id: number | null;
  seller_id: number | null;
  timezone: string;
  dial_timeout: number;
  max_attempts: number;
  rate_per_minute: string | null;
  campaign_reserved: boolean;
  campaign_hour: Date | null;
  campaign_day: Date | null;
  campaign_month: Date | null;
  plan: number[];
  link_id: number | null;
  client_id: number | null;
  client_reserved: boolean;
  link_hour: Date | null;
  link_day: Date | null;
  link_month: Date | null;
  link_min_billable: number | null;
  link_payout: string | null;
  attempt_started_at: Date | null;
  attempts: AttemptRecord[];
  trace: TraceEntry[];
  reject_reason: string | null;
  pbx: string | null;
  started_at: Date;
  expires_at: Date;
}

export interface AttemptRecord {
  link_id: number;
  client_id: number;
  dial_status: string;
  ring_seconds: number;
  started_at: string;
  ended_at: string;
}

export interface TraceEntry {
  at: string;
  step: 'route' | 'failover' | 'end';
  outcome: 'reserved' | 'skipped' | 'failed' | 'rejected' | 'answered' | 'ended';
  link_id?: number;
  client_id?: number;
  client?: string;
  reason?: string;
  caps?: CapUse[];
  detail?: string;
}
