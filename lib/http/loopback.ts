/**
 * The host names of this machine's loopback interface, as `new URL(x).hostname` spells them (IPv6
 * in brackets). The one list for RFC 8252 loopback redirect URIs (registration, /authorize, the
 * consent page) and for the local-stack settings that may only point at this machine.
 */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

export const isLoopbackHost = (hostname: string): boolean => LOOPBACK_HOSTS.has(hostname);
