// Placeholder until this page is written.
export function CallerIdsPage() {
  return <p>Not built yet.</p>;
}
