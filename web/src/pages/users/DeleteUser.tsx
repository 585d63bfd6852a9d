import { useState } from 'react';
import { api } from '../../api';
import { ConfirmDialog } from '../common/Confirm';
import type { User } from './UserForms';

/**
 * Deleting only works for a user with no history (the API answers 409 otherwise), so the
 * dialog offers disabling, which always keeps the history, next to it.
 */
export function DeleteUserDialog(props: {
  user: User;
  open: boolean;
  onClose: () => void;
  onDone: (m: string) => void;
}) {
  const { user } = props;
  const [mode, setMode] = useState<'disable' | 'delete'>(user.status === 'active' ? 'disable' : 'delete');
  return (
    <ConfirmDialog
      title={`Remove access for ${user.name}`}
      open={props.open}
      onClose={props.onClose}
      confirmLabel={mode === 'disable' ? 'Disable account' : 'Delete for good'}
      danger
      action={() =>
        mode === 'disable'
          ? api.patch(`/api/users/${user.id}`, { status: 'disabled' })
          : api.del(`/api/users/${user.id}`, user.version)
      }
      onDone={() => props.onDone(mode === 'disable' ? `${user.email} disabled.` : `${user.email} deleted.`)}
    >
      <fieldset>
        <legend>
          What should happen to <strong>{user.email}</strong>?
        </legend>
        {user.status === 'active' && (
          <label style={{ display: 'block' }}>
            <input
              type="radio"
              name="remove-mode"
              checked={mode === 'disable'}
              onChange={() => setMode('disable')}
            />{' '}
            Disable: they are signed out everywhere and cannot sign in; their campaigns, DIDs and ledger stay.
          </label>
        )}
        <label style={{ display: 'block' }}>
          <input
            type="radio"
            name="remove-mode"
            checked={mode === 'delete'}
            onChange={() => setMode('delete')}
          />{' '}
          Delete: only possible for an account with no campaigns, DIDs or ledger entries. Cannot be undone.
        </label>
      </fieldset>
    </ConfirmDialog>
  );
}
