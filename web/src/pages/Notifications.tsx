// Placeholder until this page is written.
export function NotificationsPage() {
  return <p>Not built yet.</p>;
}
