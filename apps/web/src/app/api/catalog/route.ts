import { describeCatalog } from "../../../server/catalog";
import { json } from "../../../server/http";

export const dynamic = "force-dynamic";

/** Models, datasets and training settings with their JSON Schemas and defaults. */
export async function GET(): Promise<Response> {
  return json(describeCatalog());
}
