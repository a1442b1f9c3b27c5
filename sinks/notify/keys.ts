/**
 * Where the delivery loop keeps its state in the state store. `prefix` isolates deployments
 * sharing one store (the topic prefix).
 */
export function notifyKeys(prefix: string) {
  const ns = `${prefix}simak:notify:`;
  return {
    /** JSON list of the deliveries not yet accepted by their channel. */
    pending: `${ns}pending`,
    /** The set of alert ids a channel accepted. */
    delivered: (channel: string) => `${ns}delivered:${channel}`,
  };
}
