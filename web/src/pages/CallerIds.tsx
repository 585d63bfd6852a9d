import { isStaff, useMe } from '../auth';
import { PageHeader } from '../ui';
import { CampaignStatsSection } from './callerids/CampaignStats';
import { ImportSection } from './callerids/Import';
import { NumbersSection } from './callerids/Numbers';
import { PoolsSection } from './callerids/Pools';

// Caller IDs the dialer presents on outbound calls: numbers with their health, the pools they
// belong to, per-campaign figures, and CSV import/export (the last two for admins and staff,
// as the API allows).

export function CallerIdsPage() {
  const me = useMe();
  const staff = isStaff(me);
  return (
    <>
      <PageHeader
        title="Caller IDs"
        description="Numbers the dialer rotates through, how much each is used and how often its calls are answered."
        actions={
          staff && (
            <a className="button secondary" href="/api/callerid/export.csv" download>
              Export CSV
            </a>
          )
        }
      />
      <NumbersSection />
      <PoolsSection />
      {staff && <CampaignStatsSection />}
      {staff && <ImportSection />}
    </>
  );
}
