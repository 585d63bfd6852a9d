// Placeholder until this page is written.
export function CallsPage() {
  return <p>Not built yet.</p>;
}
