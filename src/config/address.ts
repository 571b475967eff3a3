import { isIPv4, isIPv6 } from 'node:net';

/** A parsed `host:port` pair. IPv6 hosts are kept without their brackets. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const PORT = /^[0-9]{1,5}$/;

/**
 * Parses `host:port`, where host is a DNS name, an IPv4 address or a bracketed IPv6 address
 * (`[::1]:7001`). Port 0 is refused: peers and clients must be able to dial the address.
 *
 * @returns the parsed pair, or a sentence saying what is wrong with the text.
 */
export function parseHostPort(text: string): HostPort | string {
  let host: string;
  let portText: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || text[close + 1] !== ':') return `expected "[ipv6]:port", got ${JSON.stringify(text)}`;
    host = text.slice(1, close);
    portText = text.slice(close + 2);
    if (!isIPv6(host)) return `${JSON.stringify(host)} is not an IPv6 address`;
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) return `expected "host:port", got ${JSON.stringify(text)}`;
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    if (host.includes(':')) return `IPv6 hosts need brackets ("[${host}]:${portText}")`;
    if (host === '') return `missing host in ${JSON.stringify(text)}`;
    const looksNumeric = /^[0-9.]+$/.test(host);
    if (looksNumeric ? !isIPv4(host) : !HOSTNAME.test(host)) return `${JSON.stringify(host)} is not a valid host name or IPv4 address`;
  }
  const port = PORT.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) return `port must be 1-65535, got ${JSON.stringify(portText)}`;
  return { host, port };
}

/** True for 0.0.0.0 and ::, which a server can bind but nobody can dial. */
export function isUnspecifiedHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || /^[0:]+$/.test(host) && isIPv6(host);
}

/** The form used to detect two nodes claiming the same socket: lower-case host, brackets for IPv6. */
export function normalizeHostPort(hp: HostPort): string {
  const host = hp.host.toLowerCase();
  return host.includes(':') ? `[${host}]:${hp.port}` : `${host}:${hp.port}`;
}
