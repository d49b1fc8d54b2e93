import { randomInt } from "node:crypto";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/**
 * A random id of 25 lower-case letters and digits (about 129 bits from the system's CSPRNG): the shape of every id in
 * a seqlab URL, and unguessable, since some (invitations) are capabilities.
 */
export function secureId(length = 25): string {
  let id = "";
  for (let i = 0; i < length; i++) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}
