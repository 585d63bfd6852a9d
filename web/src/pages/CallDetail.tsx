// Placeholder until this page is written.
export function CallDetailPage() {
  return <p>Not built yet.</p>;
}
