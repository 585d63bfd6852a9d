import { isStaff, useMe } from '../auth';
import { PageHeader } from '../ui';
import { DidInventory } from './dids/Inventory';
import { DidRequests } from './dids/Requests';

/** DIDs: the inventory (a seller sees their own numbers) and the requests for numbers. */
export function DidsPage() {
  const staff = isStaff(useMe());
  return (
    <>
      <PageHeader
        title="DIDs"
        description={
          staff
            ? 'The phone numbers calls arrive on: add them, assign them to sellers and answer sellers’ requests.'
            : 'Your phone numbers. Put them on a campaign from the campaign’s page, or ask for more below.'
        }
      />
      <DidInventory staff={staff} />
      <DidRequests staff={staff} />
    </>
  );
}
