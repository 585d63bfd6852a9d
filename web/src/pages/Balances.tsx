// Placeholder until this page is written.
export function BalancesPage() {
  return <p>Not built yet.</p>;
}
