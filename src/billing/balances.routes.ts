import { Type } from 'typebox';
import { actorOf } from '../http/auth.plugin.js';
import {
  errorResponses,
  Id,
  MoneyIn,
  MoneyOut,
  Nullable,
  PageOf,
  PageQuery,
  Strict,
  Timestamp,
} from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { Services } from '../services.js';
import { MONEY_LIMITS } from '../shared/money-limits.js';

const Ledger = Type.Object({
  id: Type.Integer(),
  seller_id: Type.Integer(),
  kind: Type.String(),
  amount: MoneyOut,
  balance_after: MoneyOut,
  note: Nullable(Type.String()),
  reference: Nullable(Type.String()),
  created_by: Nullable(Type.Integer()),
  call_id: Nullable(Type.Integer({ description: 'The call a call charge bills (see /api/calls/{id})' })),
  created_at: Timestamp,
});
const SellerBalance = Type.Object({
  seller_id: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
  status: Type.String(),
  balance: MoneyOut,
});
const SellerParams = Type.Object({ sellerId: Id });
const Change = Strict({
  amount: MoneyIn({ max: MONEY_LIMITS.balanceChange, signed: true }),
  note: Type.Optional(Type.String({ maxLength: 500 })),
  reference: Type.Optional(Type.String({ maxLength: 200 })),
});
const ChangeResult = Type.Object({ balance: MoneyOut, entry: Ledger });
const tags = ['balances'];
const readers = { access: ['admin', 'staff'] as const };
const admin = { access: ['admin'] as const };

export function balancesRoutes(app: App, { balances }: Services): void {
  app.get(
    '/api/balances',
    {
      config: readers,
      schema: {
        tags,
        summary: "Sellers' balances",
        querystring: Type.Object({ ...PageQuery, q: Type.Optional(Type.String({ maxLength: 100 })) }),
        response: { 200: PageOf(SellerBalance) },
      },
    },
    async (req) => balances.listSellers({ limit: req.query.limit, offset: req.query.offset }, req.query.q),
  );

  app.get(
    '/api/balances/:sellerId',
    {
      config: readers,
      schema: {
        tags,
        summary: "A seller's balance",
        params: SellerParams,
        response: { 200: SellerBalance, ...errorResponses },
      },
    },
    async (req) => balances.seller(req.params.sellerId),
  );

  app.get(
    '/api/balances/:sellerId/ledger',
    {
      config: readers,
      schema: {
        tags,
        summary: "A seller's ledger, newest first",
        params: SellerParams,
        querystring: Type.Object(PageQuery),
        response: { 200: PageOf(Ledger), ...errorResponses },
      },
    },
    async (req) => balances.ledger(req.params.sellerId, req.query),
  );

  app.post(
    '/api/balances/:sellerId/topup',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Add prepaid funds',
        params: SellerParams,
        body: Change,
        response: { 200: ChangeResult, ...errorResponses },
      },
    },
    async (req) => balances.topUp(actorOf(req), req.params.sellerId, req.body),
  );

  app.post(
    '/api/balances/:sellerId/adjust',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Correct a balance by a signed amount (a note is required)',
        params: SellerParams,
        body: Change,
        response: { 200: ChangeResult, ...errorResponses },
      },
    },
    async (req) => balances.adjust(actorOf(req), req.params.sellerId, req.body),
  );

  app.get(
    '/api/me/ledger',
    {
      config: { access: ['seller'] },
      schema: {
        tags,
        summary: 'My balance, the rate I pay per billable minute, and my ledger',
        querystring: Type.Object(PageQuery),
        response: {
          200: Type.Object({
            ...PageOf(Ledger).properties,
            balance: MoneyOut,
            rate_per_minute: Type.String({
              description: 'My own rate, or the default rate when I have none',
            }),
            rate_is_default: Type.Boolean({
              description: 'No rate of my own: the billing.rate_per_minute setting',
            }),
          }),
        },
      },
    },
    async (req) => balances.statement(actorOf(req).id, req.query),
  );
}
