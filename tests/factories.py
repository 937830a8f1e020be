"""Documents made on the fly, so each test builds the small database it needs."""

from __future__ import annotations

from api.importer.document import Document, IssueRef, Item, Question, Section, Source, Term


def make_document(
    n: int = 1,
    *,
    slug: str | None = None,
    title: str | None = None,
    issue: int | None = 1,
    published_at: str | None = None,
    status: str = "published",
    terms: list[tuple[str, str]] | None = None,
    lede: str | None = None,
    paragraphs: list[str] | None = None,
) -> Document:
    title = title or f"Generated article {n:04d}"
    return Document(
        title=title,
        slug=slug or f"generated-article-{n:04d}",
        lede=lede or f"The lede of article {n} mentions sanctions and the Cold War.",
        published_at=published_at or f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:00:00Z",
        status=status,  # type: ignore[arg-type]
        issue=IssueRef(number=issue) if issue else None,
        sections=[
            Section(
                kind="body",
                heading="What happened",
                anchor="what-happened",
                paragraphs=paragraphs or [f"Paragraph one of article {n}.", "Sanctions followed."],
            ),
            Section(
                kind="background",
                heading="Historical Context",
                anchor="background-1-historical-context",
                number=1,
                items=[Item("Cold War", "A long standoff."), Item("Treaty", "Signed in 1961.")],
            ),
        ],
        sources=[
            Source(
                url=f"https://www.example.com/2024/06/{1 + n % 28:02d}/story-{n}.html",
                domain="example.com",
                publisher=None,
                published_on=f"2024-06-{1 + n % 28:02d}",
            )
        ],
        glossary=[
            Term(t, d)
            for t, d in (terms or [("Sanctions", "Penalties."), ("Cold War", "A standoff.")])
        ],
        questions=[Question(f"Question {n}: are sanctions effective?", ["debate", "essay"])],
        word_count=40,
        reading_minutes=1,
        reading_level=8.0,
    )
