import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import type { HeaderCarrier } from '../telemetry/telemetry';

export function newHeaders(): MsgHdrs {
  return natsHeaders();
}

export function carrierOf(h: MsgHdrs | undefined): HeaderCarrier {
  const target = h ?? natsHeaders();
  return {
    get: (key) => target.get(key),
    set: (key, value) => target.set(key, value),
  };
}

export function headersToRecord(h: MsgHdrs | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!h) return out;
  for (const key of h.keys()) out[key] = h.values(key);
  return out;
}
