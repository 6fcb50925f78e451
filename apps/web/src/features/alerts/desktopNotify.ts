/** The browser's desktop notifications and a short chime, each guarded for browsers without them. */

export type DesktopPermission = NotificationPermission | 'unsupported';

export function desktopPermission(): DesktopPermission {
  return typeof window !== 'undefined' && 'Notification' in window ? Notification.permission : 'unsupported';
}

/** Asks the browser (it must follow a click); resolves with the answer. */
export async function requestDesktopPermission(): Promise<DesktopPermission> {
  if (desktopPermission() === 'unsupported') return 'unsupported';
  return Notification.requestPermission();
}

/**
 * Shows one desktop notification; clicking it brings the console forward and calls `onClick`.
 * Returns false when the browser does not allow it, so the caller can alert inside the page instead.
 */
export function showDesktopNotification(title: string, body: string, tag: string, onClick: () => void): boolean {
  if (desktopPermission() !== 'granted') return false;
  try {
    const notification = new Notification(title, { body, tag });
    notification.onclick = () => {
      window.focus();
      onClick();
      notification.close();
    };
    return true;
  } catch {
    // Some mobile browsers only allow notifications from a service worker.
    return false;
  }
}

let audio: AudioContext | null = null;

/** Two short tones, generated so there is no sound file to load. Silently nothing if audio is blocked. */
export function playChime(): void {
  try {
    audio ??= new AudioContext();
    const context = audio;
    for (const [offset, frequency] of [
      [0, 880],
      [0.18, 1320],
    ] as const) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.15, context.currentTime + offset);
      gain.gain.exponentialRampToValueAtTime(0.001, context.currentTime + offset + 0.16);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(context.currentTime + offset);
      oscillator.stop(context.currentTime + offset + 0.17);
    }
  } catch {
    // No audio device or autoplay refused: the visual alert is enough.
  }
}
