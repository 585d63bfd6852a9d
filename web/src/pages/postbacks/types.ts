/** A buyer's postback key as GET /api/clients/{id}/postback-keys lists it (never its secret). */
export interface PostbackKey {
  key_id: string;
  created_by: number | null;
  created_at: string;
  /** null: the current key; else it stops working then (a rotation's grace period). */
  expires_at: string | null;
}

/** The answer of "New key": the only time the secret is shown. */
export interface NewPostbackKey extends PostbackKey {
  client_id: number;
  secret: string;
}

/** A postback received with a valid signature (GET /api/calls/{id}/postbacks, /api/clients/{id}/postbacks). */
export interface Postback {
  id: number;
  key_id: string;
  client_id: number;
  client_name: string | null;
  call_id: number | null;
  action: 'confirm' | 'reverse';
  nonce: string;
  result: 'applied' | 'unchanged' | 'refused';
  error_code: string | null;
  message: string | null;
  amount: string | null;
  reason: string | null;
  old_billable: boolean | null;
  old_payout: string | null;
  new_billable: boolean | null;
  new_payout: string | null;
  signed_at: string;
  received_at: string;
  request_id: string;
  remote_address: string | null;
  identified_by: string | null;
}
