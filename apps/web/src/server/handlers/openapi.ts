import { json } from "../http";
import { openApiDocument } from "../openapi";
import { defineHandler } from "../route";

/** GET /api/v1/openapi.json: the client API's OpenAPI 3.1 document (public: it describes, it reveals no data). */
export const getOpenApiDocument = defineHandler({
  access: "public",
  async handle({ services }) {
    return json(openApiDocument(services.url.baseUrl), 200, { "cache-control": "public, max-age=300" });
  },
});
