// Placeholder until this page is written.
export function UsersPage() {
  return <p>Not built yet.</p>;
}
