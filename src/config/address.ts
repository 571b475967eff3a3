import { isIP, isIPv4, isIPv6 } from 'node:net';

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
  return joinHostPort(hp.host.toLowerCase(), hp.port);
}

/** localhost, 127.0.0.0/8 and ::1. */
export function isLoopbackHost(host: string): boolean {
  return host.toLowerCase() === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1';
}

/** A node's `httpAddress`, read: what others dial, and where the node listens. */
export interface HttpAddress {
  /** `host:port` to dial (the dashboard's node list, scripts): as written, a bare port as `127.0.0.1:port`. */
  readonly advertised: string;
  /**
   * The host the node binds: an IP address exactly as written (`0.0.0.0` or `::` for every
   * interface), 127.0.0.1 for a bare port or a host name. A name does not choose an interface (it
   * may resolve to several, or to a public one), so serving other hosts takes an explicit IP.
   */
  readonly bindHost: string;
  readonly port: number;
  /** The address was a host name other than localhost (bound on loopback all the same). */
  readonly named: boolean;
}

/**
 * Parses an `httpAddress`: `host:port` as {@link parseHostPort} reads it, or a bare port (`"8001"`)
 * for loopback. `":8001"` is refused rather than guessed at (elsewhere it means every interface).
 *
 * @returns the address, or a sentence saying what is wrong with the text.
 */
export function parseHttpAddress(text: string): HttpAddress | string {
  if (/^[0-9]+$/.test(text)) {
    const port = text.length <= 5 ? Number(text) : Number.NaN;
    if (!(port >= 1 && port <= 65535)) return `port must be 1-65535, got ${JSON.stringify(text)}`;
    return { advertised: `127.0.0.1:${port}`, bindHost: '127.0.0.1', port, named: false };
  }
  if (/^:[0-9]+$/.test(text)) {
    return `${JSON.stringify(text)} names no host: give ${text.slice(1)} to listen on loopback only, or 0.0.0.0${text} for every interface`;
  }
  const hp = parseHostPort(text);
  if (typeof hp === 'string') return hp;
  const ip = isIP(hp.host) !== 0;
  return { advertised: text, bindHost: ip ? hp.host : '127.0.0.1', port: hp.port, named: !ip && hp.host.toLowerCase() !== 'localhost' };
}

/** `host:port` of a host and port, with brackets for IPv6. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
