/**
 * Erlang C: the queue of a desk with `agents` agents, `traffic` in erlangs (arrivals per unit of time × the
 * handling time in the same unit), customers waiting as long as it takes. Computed with the usual stable
 * recurrence on the Erlang B formula, so large desks do not overflow factorials.
 */

/** Probability that a customer has to wait (Erlang C), 1 when the desk cannot keep up. */
export function probabilityOfWaiting(agents: number, traffic: number): number {
  if (traffic <= 0) return 0;
  if (agents <= traffic) return 1;
  // Erlang B by recurrence: B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)).
  let b = 1;
  for (let n = 1; n <= agents; n++) b = (traffic * b) / (n + traffic * b);
  return (agents * b) / (agents - traffic * (1 - b));
}

/** Share of customers answered within `targetMs` (the service level), with a mean handling time `handleMs`. */
export function serviceLevel(agents: number, traffic: number, targetMs: number, handleMs: number): number {
  if (traffic <= 0) return 1;
  if (agents <= traffic) return 0;
  return 1 - probabilityOfWaiting(agents, traffic) * Math.exp((-(agents - traffic) * targetMs) / handleMs);
}

/**
 * The fewest agents that answer `share` of `arrivalsPerHour` customers within `targetMs`, each taking
 * `handleMs` of an agent's time. 0 when nobody arrives.
 */
export function agentsNeeded(arrivalsPerHour: number, handleMs: number, targetMs: number, share: number): number {
  if (arrivalsPerHour <= 0 || handleMs <= 0) return 0;
  const traffic = (arrivalsPerHour * handleMs) / 3_600_000;
  let agents = Math.max(1, Math.floor(traffic) + 1);
  while (serviceLevel(agents, traffic, targetMs, handleMs) < share) agents += 1;
  return agents;
}
