/**
 * Example values that several routes' documentation shares, so that the document tells
 * one consistent story (the same site, comment and times). The tests parse every
 * example with its schema.
 */
export const SITE_KEY = 'site_Xq3vB8kP2mLw';
export const COMMENT_ID = '3f6c2a9e-8b1d-4c57-9e0a-2d7f41b6c8e3';
export const TOKEN_ID = 'tok_Ab3dEf6hIj9k';
/** A token as `parley tokens create` prints it. */
export const TOKEN = `${TOKEN_ID}.${'x'.repeat(43)}`;
export const AVATAR = 'b1946ac92492d2347c6235b4d2611184';
export const CREATED = '2025-11-28T09:15:02.118Z';
export const DECIDED = '2025-11-28T09:15:02.164Z';
