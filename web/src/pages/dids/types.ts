// Rows of the DID endpoints (GET /api/dids, GET /api/did-requests), as the API returns them.

export interface Did {
  id: number;
  number: string;
  status: 'available' | 'assigned' | 'retired';
  seller_id: number | null;
  campaign_id: number | null;
  did_request_id: number | null;
  country: string | null;
  area_code: string | null;
  notes: string | null;
  assigned_at: string | null;
  retired_at: string | null;
  /** Sent back with a change (If-Match): a save over someone else's newer one is refused. */
  version: number;
  created_at: string;
  updated_at: string;
}

export interface DidRequest {
  id: number;
  seller_id: number;
  quantity: number;
  preferred_area_code: string | null;
  note: string | null;
  status: 'pending' | 'approved' | 'rejected' | 'cancelled';
  reject_reason: string | null;
  processed_by: number | null;
  processed_at: string | null;
  assigned_numbers: string[];
  created_at: string;
  updated_at: string;
}

export interface CampaignName {
  id: number;
  name: string;
  seller_id: number;
  status: string;
}

/** The API's area-code pattern (2–5 digits), for `pattern` attributes. */
export const AREA_CODE_PATTERN = '[0-9]{2,5}';
