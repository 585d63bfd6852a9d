// Placeholder until this page is written.
export function SettingsPage() {
  return <p>Not built yet.</p>;
}
