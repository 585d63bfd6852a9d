// Placeholder until this page is written.
export function DidsPage() {
  return <p>Not built yet.</p>;
}
