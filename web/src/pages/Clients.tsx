// Placeholder until this page is written.
export function ClientsPage() {
  return <p>Not built yet.</p>;
}
