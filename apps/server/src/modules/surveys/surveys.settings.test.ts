import { describe, expect, it } from 'vitest';
import { surveyGreetingName } from './surveys.settings.ts';

describe('surveyGreetingName', () => {
  it('greets by the first name only', () => {
    expect(surveyGreetingName('Lucas Martin', 'lucas_m')).toBe('Lucas');
    expect(surveyGreetingName('  Éloïse   de la Tour ', 'eloise')).toBe('Éloïse');
  });

  it('falls back to the handle when there is no usable name', () => {
    expect(surveyGreetingName('', 'nina_k')).toBe('nina_k');
    expect(surveyGreetingName(null, 'nina_k')).toBe('nina_k');
    expect(surveyGreetingName('🚀 Rocket', 'rocket_fan')).toBe('rocket_fan');
  });
});
