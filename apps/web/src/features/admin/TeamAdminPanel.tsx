// IN PROGRESS (session 3): replaced by its owner before landing.
export function TeamAdminPanel() {
  return null;
}
