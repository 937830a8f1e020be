/**
 * Compiled by check.sh with `tsc --strict --noEmit`: the generated types are strict enough
 * to read the API with no non-null assertion and no cast. (check.sh also rejects both.)
 */
import { createClient, isNotModified } from "../src/index";
import type { BundleArticle, Problem, Section } from "../src/index";

const api = createClient({ baseUrl: "http://127.0.0.1:5000" });

/** One line per section: its first paragraph, or its numbered items. */
export function outline(sections: Section[]): string[] {
  return sections.map((s) => {
    if (s.kind === "body") {
      return `${s.heading}: ${s.paragraphs[0]}`;
    }
    // Narrowed to a background subsection: number and items are there, paragraphs are not.
    return `${s.number}. ${s.heading}: ${s.items.map((item) => item.label).join(", ")}`;
  });
}

export function describeProblem(problem: Problem): string {
  const fields = Object.entries(problem.errors ?? {}).map(
    ([name, messages]) => `${name}: ${messages.join(" ")}`,
  );
  return [`${problem.status} ${problem.title}`, problem.detail ?? "", ...fields].join("\n");
}

/** An article page: the article with its sections and Key Terms, revalidated by ETag. */
export async function readArticle(slug: string, etag?: string): Promise<string[]> {
  const { data, error, response } = await api.GET("/v1/articles/{ref}", {
    params: {
      path: { ref: slug },
      query: { include: ["sections", "glossary"], format: "html" },
      header: etag === undefined ? {} : { "If-None-Match": etag },
    },
  });
  if (isNotModified(response)) {
    return []; // keep the copy you have
  }
  if (error) {
    return [describeProblem(error)];
  }
  const article = data.data;
  const terms = (article.glossary ?? []).map((t) => `${t.term} (${t.web_url ?? t.url})`);
  return [article.title, article.url, ...outline(article.sections ?? []), ...terms];
}

/** The latest edition, whole, for offline reading. */
export async function latestBundle(): Promise<BundleArticle[]> {
  const { data, error } = await api.GET("/v1/issues/latest/bundle");
  if (error) {
    throw new Error(describeProblem(error));
  }
  if (data === undefined) {
    return []; // a 304: this call sent no If-None-Match, so it cannot happen
  }
  const bundle = data.data;
  const first = bundle.articles[0];
  if (first !== undefined) {
    // In a bundle the embedded lists are always there: no `?? []` needed.
    console.log(bundle.content_hash, first.sections.length, first.questions[0]?.text);
  }
  return bundle.articles;
}

/** A bad request answers a problem whose `errors` name the parameter. */
export async function tooManyArticles(): Promise<string> {
  const { error, response } = await api.GET("/v1/articles", {
    params: { query: { limit: 500, fields: ["id", "slug", "title"], sort: ["-published_at"] } },
  });
  if (error) {
    return `${response.status}: ${(error.errors?.["limit"] ?? []).join(" ")}`;
  }
  return "unexpectedly fine";
}
