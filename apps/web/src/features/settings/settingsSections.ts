/** The settings area: one place for how the desk works, each section an existing screen with its own URL. */
export const settingsSections = [
  { key: 'channels', path: '/channels' },
  { key: 'sla', path: '/sla' },
  { key: 'absence', path: '/absence' },
  { key: 'greetings', path: '/greetings' },
  { key: 'surveys', path: '/surveys' },
  { key: 'rules', path: '/rules' },
  { key: 'templates', path: '/templates' },
  { key: 'staffing', path: '/staffing' },
] as const;

export type SettingsSectionKey = (typeof settingsSections)[number]['key'];

/** Whether a URL path is one of the settings screens (so the header marks "Settings" as current). */
export function isSettingsPath(pathname: string): boolean {
  return pathname === '/settings' || settingsSections.some((section) => pathname.startsWith(section.path));
}
