/**
 * The name of the request header that carries the client IP (site setting, default x-forwarded-for).
 * One rule for saving it (resolver schema, settings form) and for using it (share handler): a name
 * accepted on save but ignored on use would silently switch IP allow-lists to another header.
 */

/** Longest header name the setting accepts. */
export const MAX_CLIENT_IP_HEADER_LENGTH = 64;

const CLIENT_IP_HEADER_NAME = new RegExp(`^[A-Za-z0-9-]{1,${MAX_CLIENT_IP_HEADER_LENGTH}}$`);

/** True for a header name the client-IP setting accepts: letters, digits and '-', 1–64 characters. */
export const isClientIpHeaderName = (name: string): boolean => CLIENT_IP_HEADER_NAME.test(name);
