// Placeholder until this page is written.
export function OverviewPage() {
  return <p>Not built yet.</p>;
}
