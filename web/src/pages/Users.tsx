import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Page } from '../api';
import { useMe } from '../auth';
import {
  Badge,
  DataTable,
  Dialog,
  Empty,
  ErrorBanner,
  Field,
  Notice,
  PageHeader,
  Pagination,
  Section,
  StatusBadge,
  dateTime,
  money,
  type Column,
} from '../ui';
import { DeleteUserDialog } from './users/DeleteUser';
import { PasswordForm, ROLES, UserForm, type User } from './users/UserForms';

const LIMIT = 50;
type Open = { kind: 'new' } | { kind: 'edit' | 'password' | 'delete'; user: User } | null;

/** Accounts (the API lets only admins manage them): list, create, edit, reset password, delete. */
export function UsersPage() {
  const me = useMe();
  if (me.role !== 'admin') {
    return (
      <>
        <PageHeader title="Users" />
        <Empty title="Only administrators manage accounts">
          Ask an administrator to create, change or disable a user.
        </Empty>
      </>
    );
  }
  return <UsersAdmin meId={me.id} />;
}

function UsersAdmin({ meId }: { meId: number }) {
  const qc = useQueryClient();
  const [filter, setFilter] = useState({ q: '', role: '', status: '' });
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState<Open>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const query = { limit: LIMIT, offset, ...filter, q: filter.q.trim() };
  const list = useQuery({
    queryKey: ['/api/users', query],
    queryFn: () => api.get<Page<User>>('/api/users', query),
    placeholderData: keepPreviousData,
  });
  const enable = useMutation({
    mutationFn: (u: User) => api.patch<User>(`/api/users/${u.id}`, { status: 'active' }),
    onSuccess: (u) => {
      setNotice(`${u.email} can sign in again.`);
      return qc.invalidateQueries({ queryKey: ['/api/users'] });
    },
  });
  const setF = (k: keyof typeof filter, v: string) => {
    setFilter((f) => ({ ...f, [k]: v }));
    setOffset(0);
  };
  const close = () => setOpen(null);

  const columns: Column<User>[] = [
    {
      header: 'User',
      cell: (u) => (
        <div>
          <strong>{u.name}</strong> {u.id === meId && <Badge tone="info">you</Badge>}
          <div className="muted">{u.email}</div>
        </div>
      ),
    },
    { header: 'Role', cell: (u) => ROLES.find((r) => r.value === u.role)?.label ?? u.role },
    { header: 'Status', cell: (u) => <StatusBadge status={u.status} /> },
    {
      header: 'Rate / min',
      className: 'num',
      cell: (u) =>
        u.role !== 'seller' ? '—' : u.billing_rate_per_minute ? money(u.billing_rate_per_minute) : 'Default',
    },
    { header: 'Balance', className: 'num', cell: (u) => (u.role === 'seller' ? money(u.balance) : '—') },
    { header: 'Created', cell: (u) => dateTime(u.created_at) },
    {
      header: 'Actions',
      cell: (u) => {
        const who = <span className="sr-only"> {u.email}</span>;
        return (
          <div className="actions">
            <button type="button" className="secondary" onClick={() => setOpen({ kind: 'edit', user: u })}>
              Edit{who}
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => setOpen({ kind: 'password', user: u })}
            >
              Reset password{who}
            </button>
            {u.status === 'disabled' && (
              <button
                type="button"
                className="secondary"
                disabled={enable.isPending}
                onClick={() => {
                  setNotice(null);
                  enable.mutate(u);
                }}
              >
                Enable{who}
              </button>
            )}
            {u.id !== meId && (
              <button type="button" className="danger" onClick={() => setOpen({ kind: 'delete', user: u })}>
                {u.status === 'active' ? 'Disable or delete' : 'Delete'}
                {who}
              </button>
            )}
          </div>
        );
      },
    },
  ];

  const filtered = Object.values(filter).some((v) => v !== '');
  return (
    <>
      <PageHeader
        title="Users"
        description="Who can sign in, with which role; sellers’ billing rates."
        actions={
          <button type="button" onClick={() => setOpen({ kind: 'new' })}>
            Add user
          </button>
        }
      />
      {notice && <Notice kind="success">{notice}</Notice>}
      <ErrorBanner error={enable.error} />
      <Section title="All users">
        <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
          <Field label="Search">
            {(id) => (
              <input
                id={id}
                type="search"
                maxLength={100}
                placeholder="Name or email"
                value={filter.q}
                onChange={(e) => setF('q', e.target.value)}
              />
            )}
          </Field>
          <Field label="Role">
            {(id) => (
              <select id={id} value={filter.role} onChange={(e) => setF('role', e.target.value)}>
                <option value="">Any</option>
                {ROLES.map((r) => (
                  <option key={r.value} value={r.value}>
                    {r.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Status">
            {(id) => (
              <select id={id} value={filter.status} onChange={(e) => setF('status', e.target.value)}>
                <option value="">Any</option>
                <option value="active">Active</option>
                <option value="disabled">Disabled</option>
              </select>
            )}
          </Field>
        </form>
        <ErrorBanner error={list.error} />
        {!list.error && (
          <DataTable
            caption="Users"
            columns={columns}
            rows={list.data?.items}
            rowKey={(u) => u.id}
            empty={
              filtered ? (
                <Empty title="No user matches these filters">Change or clear the filters.</Empty>
              ) : (
                <Empty title="No users">Add one with “Add user”.</Empty>
              )
            }
          />
        )}
        {list.data && (
          <Pagination total={list.data.total} limit={LIMIT} offset={offset} onChange={setOffset} />
        )}
      </Section>

      <Dialog title="Add user" open={open?.kind === 'new'} onClose={close}>
        <UserForm
          user={null}
          isSelf={false}
          onCancel={close}
          onDone={(u) => {
            setNotice(`${u.email} created as ${u.role}.`);
            close();
          }}
        />
      </Dialog>
      {open && 'user' in open && (
        <>
          <Dialog title={`Edit ${open.user.name}`} open={open.kind === 'edit'} onClose={close}>
            <UserForm
              user={open.user}
              isSelf={open.user.id === meId}
              onCancel={close}
              onDone={(u) => {
                setNotice(`${u.email} saved.`);
                close();
              }}
            />
          </Dialog>
          <Dialog
            title={`Reset password of ${open.user.name}`}
            open={open.kind === 'password'}
            onClose={close}
          >
            <PasswordForm
              user={open.user}
              isSelf={open.user.id === meId}
              onCancel={close}
              onDone={() => {
                setNotice(`New password set for ${open.user.email}.`);
                close();
              }}
            />
          </Dialog>
          <DeleteUserDialog
            user={open.user}
            open={open.kind === 'delete'}
            onClose={close}
            onDone={(message) => {
              setNotice(message);
              void qc.invalidateQueries({ queryKey: ['/api/users'] });
              void qc.invalidateQueries({ queryKey: ['/api/balances'] });
            }}
          />
        </>
      )}
    </>
  );
}
