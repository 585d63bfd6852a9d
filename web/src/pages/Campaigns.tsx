// Placeholder until this page is written.
export function CampaignsPage() {
  return <p>Not built yet.</p>;
}
