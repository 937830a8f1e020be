/**
 * Insight Fortnight content API: a thin typed client.
 *
 * The types in ./schema.d.ts are generated from ../../openapi.yaml by openapi-typescript
 * (`npm run generate`); calls go through openapi-fetch, so every path, parameter and
 * response body is checked by the compiler.
 *
 * A 304 Not Modified is neither `data` nor a useful `error`: openapi-fetch 0.17 answers it
 * with `error: ""` and no `data`. Check `response.status` first when you send
 * `If-None-Match` (see isNotModified and the README).
 */
import createFetchClient from "openapi-fetch";
import type { Client, ClientOptions } from "openapi-fetch";

import type { components, operations, paths } from "./schema";

export type { components, operations, paths };

type Schemas = components["schemas"];
export type Issue = Schemas["Issue"];
export type IssueDetail = Schemas["IssueDetail"];
export type Article = Schemas["Article"];
export type Section = Schemas["Section"];
export type BodySection = Schemas["BodySection"];
export type BackgroundSection = Schemas["BackgroundSection"];
export type SectionItem = Schemas["SectionItem"];
export type GlossaryTerm = Schemas["GlossaryTerm"];
export type GlossaryTermDetail = Schemas["GlossaryTermDetail"];
export type ArticleTerm = Schemas["ArticleTerm"];
export type Question = Schemas["Question"];
export type Source = Schemas["Source"];
export type Bundle = Schemas["Bundle"];
export type BundleArticle = Schemas["BundleArticle"];
export type ApiIndex = Schemas["ApiIndex"];
export type ListMeta = Schemas["ListMeta"];
export type ListLinks = Schemas["ListLinks"];
/** RFC 9457 problem details: every error the API sends. */
export type Problem = Schemas["Problem"];

export type ContentApi = Client<paths>;

/** Where `make serve` listens. */
export const DEFAULT_BASE_URL = "http://127.0.0.1:5000";

/**
 * A client for the API at `baseUrl` (no trailing slash, e.g. `https://api.example.org`).
 *
 * List parameters (`fields`, `include`, `sort`) are sent in the contract's comma form
 * (`include=sections,glossary`); other options are passed to openapi-fetch unchanged.
 */
export function createClient(options: ClientOptions = {}): ContentApi {
  return createFetchClient<paths>({
    baseUrl: DEFAULT_BASE_URL,
    querySerializer: { array: { style: "form", explode: false } },
    ...options,
  });
}

/** True for a 304: your cached copy (its ETag was sent in If-None-Match) is current. */
export function isNotModified(response: Response): boolean {
  return response.status === 304;
}

export function isBodySection(section: Section): section is BodySection {
  return section.kind === "body";
}

export function isBackgroundSection(section: Section): section is BackgroundSection {
  return section.kind === "background";
}
