/** Splits Prisma's `?schema=` off a URL: pg would send it to the server as an unknown startup parameter. */
export function parseDatabaseUrl(databaseUrl: string): { connectionString: string; schema: string | undefined } {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get("schema") ?? undefined;
  url.searchParams.delete("schema");
  return { connectionString: url.toString(), schema };
}
