import { Type } from 'typebox';
import { MoneyOut, Nullable, StringEnum, Timestamp } from '../http/schemas.js';
import { USER_ROLES } from '../shared/types.js';
import { Version } from '../http/versions.js';

export const RoleSchema = StringEnum(USER_ROLES);
export const Email = Type.String({ format: 'email', maxLength: 254 });
export const Password = Type.String({ minLength: 8, maxLength: 200 });

export const UserSchema = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  balance: MoneyOut,
  billing_rate_per_minute: Nullable(Type.String()),
  version: Version,
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const ActorSchema = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
  role: RoleSchema,
});
