// Placeholder until this page is written.
export function CampaignDetailPage() {
  return <p>Not built yet.</p>;
}
