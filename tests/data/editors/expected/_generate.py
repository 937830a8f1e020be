# ruff: noqa: E501  (article text is long by nature)
"""Writes the blind documents 09-18 and their expected JSON.

Each document is described as a human reads it (the expected structure) plus
how the editor typed it (raw headings, markers, invisible characters, line
endings, wrapping). Line numbers of expected warnings are found by searching
the rendered raw lines, split on CRLF, lone CR or LF, 1-based.

Run:  python3 tests/data/editors/expected/_generate.py
"""

import json
import re
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOCS = HERE.parent

NBSP = "\u00a0"
ZWSP = "\u200b"
BOM = "\ufeff"


def dash(i):
    return "- "


def star(i):
    return "* "


def bullet(i):
    return "\u2022\t"


def endash(i):
    return "\u2013 "


def num_dot(i):
    return f"{i + 1}. "


def num_paren(i):
    return f"{i + 1}) "


def letter(i):
    return f"{'abcdefgh'[i]}) "


def none(i):
    return ""


def raw_exp(x):
    """A paragraph/label/etc. given as 'text' or ('raw', 'expected')."""
    if isinstance(x, tuple):
        return x
    return x, x


def render(doc):
    blank = doc.get("blank", False)
    wrap = doc.get("wrap", False)
    lines = []

    def block(text_lines):
        if blank and lines and lines[-1] != "":
            lines.append("")
        lines.extend(text_lines)

    def para(raw):
        if wrap:
            return textwrap.wrap(raw, 72, break_long_words=False, break_on_hyphens=False)
        return [raw]

    exp = {}
    fm = doc.get("front")
    if fm:
        lines.append("---")
        for k, v in fm.items():
            lines.append(f"{k}: {v}")
        lines.append("---")
        for k in ("title", "slug", "status"):
            if k in fm:
                exp[k] = fm[k]
        if "issue" in fm:
            exp["issue"] = {"number": int(fm["issue"])}
        if "published_at" in fm:
            v = fm["published_at"]
            exp["published_at"] = v if "T" in v else v + "T00:00:00Z"
    if doc.get("title_line"):
        raw, e = raw_exp(doc["title_line"])
        block([raw])
        exp["title"] = e
    raw, e = raw_exp(doc["lede"])
    block(para(raw))
    exp["lede"] = e
    sections = []
    for h, paras in doc["body"]:
        hraw, hexp = raw_exp(h)
        block([hraw])
        ps = []
        for p in paras:
            praw, pexp = raw_exp(p)
            block(para(praw))
            ps.append(pexp)
        sections.append({"kind": "body", "heading": hexp, "paragraphs": ps})
    src = doc["sources"]
    if src.get("heading"):
        block([src["heading"]])
    exp_sources = []
    for url, extra in src["urls"]:
        block([url])
        d = {"url": url.strip().lstrip("- ").strip()}
        d["domain"] = re.sub(r"^www\.", "", d["url"].split("/")[2])
        d.update(extra)
        exp_sources.append(d)
    bg = doc.get("background")
    if bg:
        block([bg["heading"]])
        ind = bg.get("indent", "")
        for hraw, number, heading, items in bg["subs"]:
            block([hraw])
            its = []
            for label, text in items:
                lraw, lexp = raw_exp(label)
                block(para(f"{ind}{lraw}: {text}"))
                its.append({"label": lexp, "text": text})
            sections.append(
                {"kind": "background", "number": number, "heading": heading, "items": its}
            )
    exp["sections"] = sections
    exp["sources"] = exp_sources
    gl = doc.get("glossary")
    exp["glossary"] = []
    if gl:
        block([gl["heading"]])
        sep = gl.get("sep", ": ")
        for i, (term, definition) in enumerate(gl["items"]):
            traw, texp = raw_exp(term)
            block(para(f"{gl['marker'](i)}{traw}{sep}{definition}"))
            exp["glossary"].append({"term": texp, "definition": definition})
    qs = doc["questions"]
    block([qs["heading"]])
    exp["questions"] = []
    for i, q in enumerate(qs["items"]):
        block(para(f"{qs['marker'](i)}{q}"))
        exp["questions"].append({"text": q})
    block([doc["footer"]])
    nl = doc.get("newline", "\n")
    text = nl.join(lines) + nl + doc.get("tail", "")
    if doc.get("bom"):
        text = BOM + text
    raw_lines = re.split(r"\r\n|\r|\n", text)
    warnings = []
    for needle, about in doc.get("warnings", []):
        for n, line in enumerate(raw_lines, 1):
            if needle in line:
                warnings.append({"line": n, "about": about})
                break
        else:
            raise SystemExit(f"{doc['name']}: no line contains {needle!r}")
    exp["expected_warnings"] = warnings
    words = len(re.findall(r"\w+", text))
    return text, exp, words


DOCUMENTS = []


def add(**doc):
    DOCUMENTS.append(doc)


# ---------------------------------------------------------------- 09
add(
    name="09-eu-ai-act-markdown-front-matter",
    blank=True,
    front={
        "title": "Europe\u2019s AI Rulebook Starts to Bite",
        "slug": "eu-ai-act-first-bans",
        "issue": "31",
        "published_at": "2025-02-05",
        "status": "published",
    },
    title_line=("# Europe\u2019s AI Rulebook Starts to Bite", None),
    lede="On February 2, 2025, the first bans in the European Union\u2019s Artificial Intelligence Act took effect, making it illegal to sell or use AI systems that the law says pose an \u201cunacceptable risk\u201d to people\u2019s rights. The law, approved in 2024 after three years of negotiation, is the world\u2019s first comprehensive set of rules for artificial intelligence, and companies from Silicon Valley to Shenzhen are now racing to comply.",
    body=[
        (
            ("## What Is Now Banned", "What Is Now Banned"),
            [
                "The first rules target a short list of uses that lawmakers considered too dangerous to allow at all. They include \u201csocial scoring\u201d systems that rank citizens by their behavior, AI that manipulates people through hidden techniques, and tools that guess a person\u2019s emotions at work or in school.",
                "Police are also barred, with narrow exceptions, from using live facial recognition in public places. Officers may still use it to search for a missing child or to stop an imminent terrorist attack, but only with the approval of a judge.",
            ],
        ),
        (
            ("## Who Has to Comply", "Who Has to Comply"),
            [
                "The law applies to any company that offers AI in the EU\u2019s market of 450 million people, wherever it is based. Fines for breaking the bans can reach \u20ac35 million or 7% of a company\u2019s worldwide annual turnover, whichever is higher.",
                "\u201cThis is the moment the rules stop being theory,\u201d said Brando Benifei, an Italian member of the European Parliament who helped write the law. Business groups, however, say the guidance on what exactly is forbidden arrived only days before the deadline.",
            ],
        ),
        (
            ("## The Fight Over General-Purpose AI", "The Fight Over General-Purpose AI"),
            [
                "The hardest battles were over large models such as OpenAI\u2019s GPT-4 and Google\u2019s Gemini, which can be used for almost anything. From August 2025, their makers must publish summaries of the data used to train them and show that they respect EU copyright law.",
                "France and Germany, home to the start-ups Mistral and Aleph Alpha, pushed for lighter rules, arguing that Europe would fall further behind the United States and China. Some U.S. officials have called the law a barrier to trade.",
            ],
        ),
        (
            ("## What Comes Next", "What Comes Next"),
            [
                "Most of the remaining obligations, including strict checks on \u201chigh-risk\u201d AI used in hiring, credit scoring and medical devices, start in August 2026. A new AI Office in Brussels will oversee the largest models, while each member state must name its own regulator.",
            ],
        ),
    ],
    sources={
        "heading": "This article is based on the following articles:",
        "urls": [
            (
                "https://www.reuters.com/technology/artificial-intelligence/eu-ai-act-bans-take-effect-2025-02-02/",
                {},
            ),
            (
                "https://www.euronews.com/my-europe/2025/02/02/first-ai-act-bans-come-into-force",
                {"published_on": "2025-02-02"},
            ),
        ],
    },
    background={
        "heading": "## Background Information",
        "subs": [
            (
                "### 1. How the Act Is Built",
                1,
                "How the Act Is Built",
                [
                    (
                        "Risk Tiers",
                        "The law sorts AI into four levels of risk: unacceptable, high, limited and minimal. The higher the risk, the stricter the rules, and most everyday AI, such as spam filters, faces no new obligations.",
                    ),
                    (
                        "Staged Start",
                        "The law entered into force on August 1, 2024, but its rules apply in stages over three years so that companies have time to adapt.",
                    ),
                ],
            ),
            (
                "### 2. Enforcement",
                2,
                "Enforcement",
                [
                    (
                        "The AI Office",
                        "A unit inside the European Commission that supervises general-purpose AI models and coordinates national regulators.",
                    ),
                    (
                        "National Authorities",
                        "Each of the 27 member states must name at least one authority to check that companies follow the rules and to handle complaints.",
                    ),
                ],
            ),
        ],
    },
    glossary={
        "heading": "## Key Concepts",
        "marker": star,
        "items": [
            (
                "Artificial Intelligence",
                "Computer systems that perform tasks that normally require human intelligence, such as recognizing speech, making predictions or generating text.",
            ),
            (
                "Social Scoring",
                "Rating people based on their behavior or personal traits in ways that affect how they are treated, for example by the state.",
            ),
            (
                "General-Purpose AI",
                "An AI model, such as a large language model, that can be adapted to a wide range of tasks rather than one specific job.",
            ),
            (
                "Biometric Data",
                "Information about a person\u2019s body, such as their face or fingerprints, that can be used to identify them.",
            ),
        ],
    },
    questions={
        "heading": "## Discussion Questions",
        "marker": star,
        "items": [
            "Should governments regulate AI before its risks are fully understood, or wait until harms appear?",
            "Is it fair for the EU to impose its rules on companies based in other countries?",
            "Should police ever be allowed to use live facial recognition in public places?",
        ],
    },
    footer="Please subscribe to Insight Fortnight, our biweekly newsletter!",
    warnings=[("# Europe", "title repeated")],
)

# ---------------------------------------------------------------- 10
add(
    name="10-nato-hague-all-caps-parts",
    title_line="NATO Allies Pledge 5% for Defense",
    lede="At a summit in The Hague on June 24 and 25, 2025, the 32 members of NATO agreed to raise their spending on defense and security to 5% of their economies by 2035, more than double the previous target of 2%. The pledge was a victory for President Donald Trump, who had demanded that European allies pay more, but it left many governments wondering how they would find the money.",
    body=[
        (
            "WHAT THE ALLIES AGREED AT THE HAGUE",
            [
                "The 5% target has two parts. At least 3.5% of gross domestic product must go to core defense, such as troops, tanks and missiles. Up to 1.5% can be spent on related areas, including protecting power grids and undersea cables, preparing for cyberattacks and building roads and bridges that armies can use.",
                "The final statement was only five paragraphs long, one of the shortest in the alliance\u2019s history. It described Russia as a \u201clong-term threat\u201d and repeated the allies\u2019 \u201cironclad commitment\u201d to defend one another.",
            ],
        ),
        (
            "HOW THE US AND EU RESPONDED",
            [
                "Mr. Trump called the deal \u201ca big win for everybody\u201d and praised NATO\u2019s secretary general, Mark Rutte, who had worked for months to make the summit short and free of open disputes. European Commission President Ursula von der Leyen said the EU would let member states borrow more for defense without breaking its budget rules.",
                "Poland and the Baltic states, which border Russia or its ally Belarus, already spend close to 4% and welcomed the new goal. \u201cWe are not buying weapons for a parade,\u201d said Poland\u2019s defense minister, W\u0142adys\u0142aw Kosiniak-Kamysz.",
            ],
        ),
        (
            "SPAIN\u2019S OPT-OUT",
            [
                "Spain, which spent about 1.3% of its GDP on defense in 2024, the lowest share in the alliance, said it would not meet the target and won a vaguely worded exception. Prime Minister Pedro S\u00e1nchez argued that the country could meet its military commitments for far less. Mr. Trump threatened to make Spain \u201cpay twice as much\u201d in trade talks.",
            ],
        ),
        (
            "WHY 2035 MATTERS",
            [
                "Critics note that 2035 is well beyond the terms of most leaders who signed the pledge, and that a review planned for 2029 could soften it. Economists estimate that reaching 3.5% in core defense would cost European allies and Canada several hundred billion dollars more each year, money that may have to come from higher taxes, more borrowing or cuts to other programs.",
            ],
        ),
    ],
    sources={
        "heading": "This article is based on the following articles:",
        "urls": [
            (
                "https://www.nytimes.com/2025/06/25/world/europe/nato-summit-spending-trump.html",
                {"published_on": "2025-06-25"},
            ),
            ("https://www.nato.int/cps/en/natohq/official_texts_236705.htm", {}),
        ],
    },
    background={
        "heading": "Background Information",
        "subs": [
            (
                "Part 1 \u2013 The Alliance\u2019s Rules",
                1,
                "The Alliance\u2019s Rules",
                [
                    (
                        "Article 5 (NATO treaty)",
                        "An attack on one member is an attack on all. It has been invoked only once, after the September 11, 2001, attacks on the United States.",
                    ),
                    (
                        "Article 3 (self-help)",
                        "Each member promises to maintain and develop its own capacity to resist attack, the basis for asking allies to spend on their own forces.",
                    ),
                ],
            ),
            (
                "Part 2: Spending Targets",
                2,
                "Spending Targets",
                [
                    (
                        "Wales, 2014",
                        "After Russia annexed Crimea, allies meeting in Newport, Wales, agreed to move toward spending 2% of GDP on defense within a decade.",
                    ),
                    (
                        "Vilnius, 2023",
                        "Leaders agreed that 2% should be a floor rather than a ceiling. By 2024, 23 of the 32 allies had reached it.",
                    ),
                    (
                        "The Hague, 2025",
                        "The new goal of 5% by 2035, split between core defense and wider security spending.",
                    ),
                ],
            ),
        ],
    },
    glossary={
        "heading": "Key Terms and Concepts",
        "marker": dash,
        "items": [
            (
                "NATO",
                "The North Atlantic Treaty Organization, a military alliance founded in 1949 that now has 32 members in Europe and North America.",
            ),
            (
                "Gross Domestic Product (GDP)",
                "The total value of goods and services a country produces in a year, used to compare the size of economies.",
            ),
            (
                "Collective Defense",
                "The principle that members of an alliance will defend one another if any of them is attacked.",
            ),
            (
                "Deterrence",
                "Discouraging an enemy from attacking by convincing it that the costs would be too high.",
            ),
        ],
    },
    questions={
        "heading": "Debate/Essay Questions",
        "marker": dash,
        "items": [
            "Is a spending target a good way to measure whether a country contributes enough to its allies\u2019 security?",
            "Should countries cut other programs, such as health or education, to pay for defense?",
            "Was Spain right to refuse the new target?",
        ],
    },
    footer="Thanks for reading Insight Fortnight \u2014 forward this to a friend!",
    warnings=[("Thanks for reading", "footer dropped")],
)

# ---------------------------------------------------------------- 11
add(
    name="11-japan-takaichi-hard-wrapped-crlf",
    blank=True,
    wrap=True,
    newline="\r\n",
    title_line="Japan Chooses Its First Woman Prime Minister",
    lede="On October 21, 2025, Japan\u2019s parliament elected Sanae Takaichi as prime minister, making her the first woman to lead the country. Ms. Takaichi, a 64-year-old conservative and admirer of former British Prime Minister Margaret Thatcher, won the leadership of the governing Liberal Democratic Party earlier in the month after her predecessor, Shigeru Ishiba, resigned following heavy election losses.",
    body=[
        (
            "A Long Road to the Top",
            [
                "Ms. Takaichi grew up in Nara, in western Japan, and worked as a television presenter before entering parliament in 1993. She served as minister of internal affairs and as economic security minister, and she lost two earlier bids for the party leadership, in 2021 and 2024.",
                "She was a close ally of Shinzo Abe, the long-serving prime minister who was assassinated in 2022, and she has promised to revive his economic program of public spending and low interest rates.",
            ],
        ),
        (
            "A Fragile Coalition",
            [
                "The Liberal Democrats have governed Japan for almost all of the years since 1955, but they lost their majority in both houses of parliament in 2024 and 2025. Their partner of 26 years, the Buddhist-backed Komeito party, quit the coalition days after Ms. Takaichi won the party vote, citing her hard line on history and a party funding scandal.",
                "To win the vote in parliament, she struck a deal with the Japan Innovation Party, a reform-minded group based in Osaka. Even with its support, her government still lacks a majority in the lower house and will need help from other parties to pass laws.",
            ],
        ),
        (
            "A First, but Not a Feminist",
            [
                "Japan ranks 118th of 148 countries in the World Economic Forum\u2019s 2025 gender gap report, and women hold only about 15% of the seats in the lower house. Many women welcomed the milestone, but some activists noted that Ms. Takaichi opposes letting married couples keep separate surnames and has said little about equal pay.",
                "She named two women to her cabinet of 19, and promised to make Japan a country where \u201cwomen can shine without having to choose between work and family.\u201d",
            ],
        ),
        (
            "Neighbors Are Watching",
            [
                "China and South Korea are watching closely. Ms. Takaichi has regularly visited the Yasukuni Shrine, which honors Japan\u2019s war dead, including convicted war criminals, and she has called for Japan to spend more on its military. She has said she will decide \u201cat the right time\u201d whether to visit the shrine as prime minister.",
            ],
        ),
    ],
    sources={
        "heading": "This article is based on the following articles:",
        "urls": [
            (
                "https://www.japantimes.co.jp/news/2025/10/21/japan/politics/takaichi-elected-prime-minister/",
                {"published_on": "2025-10-21"},
            ),
            ("https://www.bbc.com/news/articles/c9w4ep5kx7lo", {}),
        ],
    },
    background={
        "heading": "Background Information",
        "subs": [
            (
                "1. How Japan Chooses Its Leader",
                1,
                "How Japan Chooses Its Leader",
                [
                    (
                        "Parliamentary System",
                        "Japan\u2019s prime minister is elected by the National Diet, its parliament, which has two houses. The lower house, the House of Representatives, has the final say if the two disagree.",
                    ),
                    (
                        "Party Leadership",
                        "Because the Liberal Democrats are the largest party, the winner of their internal leadership race usually becomes prime minister.",
                    ),
                ],
            ),
            (
                "2. Women in Japanese Politics",
                2,
                "Women in Japanese Politics",
                [
                    (
                        "Earlier Firsts",
                        "Takako Doi became the first woman to lead a major Japanese party in 1986, and Yuriko Koike became the first woman governor of Tokyo in 2016.",
                    ),
                    (
                        "Representation",
                        "Japan has one of the lowest shares of women in parliament among the Group of Seven rich democracies.",
                    ),
                ],
            ),
        ],
    },
    glossary={
        "heading": "Key Terms",
        "marker": dash,
        "items": [
            (
                "Coalition Government",
                "A government formed by two or more parties that agree to work together because no single party has a majority.",
            ),
            (
                "Liberal Democratic Party (LDP)",
                "Japan\u2019s conservative governing party, which has held power for most of the period since 1955.",
            ),
            (
                "Yasukuni Shrine",
                "A Shinto shrine in Tokyo that honors about 2.5 million people who died fighting for Japan, including 14 leaders convicted of war crimes after World War II.",
            ),
            (
                "Gender Gap",
                "The difference between men and women in areas such as pay, political power, education and health.",
            ),
        ],
    },
    questions={
        "heading": "Questions for Debate",
        "marker": letter,
        "items": [
            "Does electing a woman as leader change things for other women, even if her policies do not focus on gender equality?",
            "Should prime ministers visit memorials that honor people convicted of war crimes?",
            "Is a minority government better or worse for democracy than one with a large majority?",
        ],
    },
    footer="Please subscribe to Insight Fortnight, our biweekly newsletter!",
    warnings=[("On October 21, 2025", "hard-wrapped paragraph joined")],
)

# ---------------------------------------------------------------- 12
add(
    name="12-cop29-baku-lone-cr-bare-urls",
    newline="\r",
    title_line="A $300 Billion Climate Deal in Baku",
    lede="After two weeks of bitter negotiations that ran more than 30 hours past their deadline, nearly 200 countries at the COP29 climate summit in Baku, Azerbaijan, agreed on November 24, 2024, that rich nations should provide at least $300 billion a year by 2035 to help developing countries cope with climate change. Many poorer countries called the sum an insult.",
    body=[
        (
            "The Deal",
            [
                "The new goal replaces a promise, made in 2009, of $100 billion a year, which rich countries met for the first time only in 2022. The agreement also calls on \u201call actors\u201d to work toward a much larger target of $1.3 trillion a year by 2035, including money from private investors and development banks.",
                "For the first time, developing countries such as China were encouraged, but not required, to contribute. Wealthy nations had pushed hard for that change, arguing that the list of donors written in 1992 no longer reflected the world economy.",
            ],
        ),
        (
            "Anger From the Poorest Countries",
            [
                "Developing nations had asked for $1.3 trillion a year in public money. When the final text was approved, India\u2019s delegate, Chandni Raina, called it \u201ca paltry sum\u201d and said her country rejected it. Representatives of small island states walked out of one meeting, saying they had been ignored.",
                "\u201cWe came here in good faith,\u201d said Cedric Schuster of Samoa, who chaired the Alliance of Small Island States. \u201cWe are leaving with a goal that will not keep our islands above water.\u201d",
            ],
        ),
        (
            "A Difficult Host",
            [
                "Azerbaijan, whose economy depends on oil and gas, was a controversial host. Its president, Ilham Aliyev, told the opening session that fossil fuels were \u201ca gift of God.\u201d The election of Donald Trump as U.S. president two weeks earlier also hung over the talks, since he had promised to withdraw from the Paris Agreement again.",
            ],
        ),
        (
            "Looking to Brazil",
            [
                "The next summit, COP30, will be held in Bel\u00e9m, Brazil, at the edge of the Amazon rainforest in November 2025. Countries are due to submit new plans to cut emissions before then, and negotiators must work out how to reach the $1.3 trillion goal.",
            ],
        ),
    ],
    sources={
        "heading": None,
        "urls": [
            (
                "https://www.theguardian.com/environment/2024/nov/24/cop29-climate-deal-300bn-developing-countries",
                {"published_on": "2024-11-24"},
            ),
            ("https://apnews.com/article/cop29-climate-finance-deal-baku-9f3a7c1d2b5e", {}),
            ("https://unfccc.int/cop29", {}),
        ],
    },
    background={
        "heading": "Background Information",
        "subs": [
            (
                "I. The Paris Agreement",
                1,
                "The Paris Agreement",
                [
                    (
                        "The 2015 Deal",
                        "Under the Paris Agreement, nearly every country promised to limit global warming to well below 2\u00b0C above pre-industrial levels, and to try to keep it to 1.5\u00b0C.",
                    ),
                    (
                        "National Plans",
                        "Each country sets its own targets for cutting emissions, called nationally determined contributions, and must update them every five years.",
                    ),
                ],
            ),
            (
                "II. Who Pays",
                2,
                "Who Pays",
                [
                    (
                        "Historic Emissions",
                        "The United States and Europe have released more carbon dioxide since 1850 than any other regions, which developing countries say gives them a duty to pay.",
                    ),
                    (
                        "Loss and Damage",
                        "A fund agreed at COP27 in 2022 to help poor countries recover from climate disasters, such as floods and droughts, that they cannot adapt to.",
                    ),
                ],
            ),
            (
                "III. The COP Process",
                3,
                "The COP Process",
                [
                    (
                        "Conference of the Parties",
                        "The yearly meeting of the countries that signed the United Nations climate treaty of 1992. Decisions are made by consensus, so any country can block a deal.",
                    ),
                ],
            ),
        ],
    },
    glossary={
        "heading": "Glossary",
        "marker": endash,
        "items": [
            (
                "Climate Finance",
                "Money from governments, banks and companies that helps countries cut emissions or adapt to the effects of climate change.",
            ),
            (
                "Adaptation",
                "Changes that help people live with the effects of climate change, such as building sea walls or planting drought-resistant crops.",
            ),
            (
                "Fossil Fuels",
                "Coal, oil and natural gas, which release carbon dioxide when burned.",
            ),
            (
                "Consensus",
                "A way of deciding in which an agreement is reached only when no participant objects.",
            ),
        ],
    },
    questions={
        "heading": "Discussion Questions",
        "marker": dash,
        "items": [
            "Should countries that have grown rich from burning fossil fuels pay for the damage caused by climate change?",
            "Should China, now the world\u2019s largest emitter, be required to contribute to climate finance?",
            "Should climate summits be held in countries whose economies depend on oil and gas?",
        ],
    },
    footer="Please subscribe to Insight Fortnight, our biweekly newsletter!",
    warnings=[("https://www.theguardian.com", "sources without intro line")],
)

# ---------------------------------------------------------------- 13
add(
    name="13-liberation-day-tariffs-bom-invisibles",
    bom=True,
    front={
        "title": "Trump\u2019s \u2018Liberation Day\u2019 Tariffs Shake the World",
        "slug": "liberation-day-tariffs",
        "issue": "36",
        "published_at": "2025-04-10T06:00:00Z",
        "status": "scheduled",
    },
    lede="On April 2, 2025, in a ceremony in the White House Rose Garden that he called \u201cLiberation Day,\u201d President Donald Trump announced a 10% tariff on almost all goods imported into the United States, with much higher rates for about 60 countries that he said treated American exporters unfairly. Within a week, global stock markets had lost trillions of dollars in value, and the president paused the higher rates for 90 days.",
    body=[
        (f"The Formula Behind the Numbers{NBSP}", "The Formula Behind the Numbers"),
        (f"Who Pays for the{ZWSP} Tariffs?", "Who Pays for the Tariffs?"),
        ("Markets and Allies React", None),
        (f"{NBSP}A Pause, and What Comes Next", "A Pause, and What Comes Next"),
    ],
    sources={
        "heading": "This article is based on the following articles:",
        "urls": [
            (
                "https://www.nytimes.com/2025/04/02/business/economy/trump-tariffs-liberation-day.html",
                {"published_on": "2025-04-02"},
            ),
            ("https://www.reuters.com/markets/global-markets-tariffs-selloff-2025-04-07/", {}),
        ],
    },
    background={
        "heading": "Background Information",
        "subs": [
            (
                "Section 1. Tariffs in U.S. Law",
                1,
                "Tariffs in U.S. Law",
                [
                    (
                        "The Constitution",
                        "Article I gives Congress the power to set taxes and duties, but over the last century Congress has handed some of that power to the president.",
                    ),
                    (
                        "IEEPA (1977)",
                        "The International Emergency Economic Powers Act lets a president regulate trade during a national emergency. Mr. Trump declared the trade deficit an emergency to use it.",
                    ),
                ],
            ),
            (
                "Section 2. The Trade Deficit",
                2,
                "The Trade Deficit",
                [
                    (
                        "What It Measures",
                        "A trade deficit means a country buys more from abroad than it sells. The U.S. goods deficit was about $1.2 trillion in 2024.",
                    ),
                    (
                        "Why Economists Disagree",
                        "Many economists say deficits reflect how much a country saves and invests, not unfair trade, and that tariffs do little to shrink them.",
                    ),
                ],
            ),
        ],
    },
    glossary={
        "heading": "Key Terms",
        "marker": dash,
        "items": [
            (
                "Tariff",
                "A tax on imported goods, paid to the government by the company that brings the goods into the country.",
            ),
            (f"Reciprocal{ZWSP} Tariff", "Reciprocal Tariff"),
            (
                "Trade Deficit",
                "The amount by which the value of a country\u2019s imports exceeds the value of its exports.",
            ),
            (
                "Bond Market",
                "The market where governments and companies borrow money by selling bonds to investors.",
            ),
        ],
    },
    questions={
        "heading": "Essay Questions",
        "marker": dash,
        "items": [
            "Should a president be able to set tariffs without a vote in Congress?",
            "Do tariffs protect workers, or do they mostly raise prices for consumers?",
            "Is a trade deficit a problem that governments should try to fix?",
        ],
    },
    footer="Please subscribe to Insight Fortnight, our biweekly newsletter!",
    warnings=[
        (NBSP, "NBSP removed"),
        (ZWSP, "zero-width space removed"),
        ("Who Pays for the", "heading ends in '?'"),
    ],
)
# body paragraphs and the second glossary item of 13 (kept out of the
# constructor above for readability)
_13 = DOCUMENTS[-1]
_13["body"] = [
    (
        _13["body"][0],
        [
            "Officials said the rates were meant to match the tariffs and other barriers that each country puts on American goods. Economists quickly found that the numbers came from a simpler formula: the U.S. trade deficit with each country divided by the value of its exports to the United States, then cut in half.",
            "That produced a 34% tariff on China, 20% on the European Union, 46% on Vietnam and 24% on Japan. Even the Heard and McDonald Islands, uninhabited Australian territories near Antarctica, were put on the list.",
        ],
    ),
    (
        _13["body"][1],
        [
            (
                f"{NBSP}Tariffs are paid by the companies that import goods, not by foreign governments. Those companies can absorb the cost, ask their foreign suppliers to cut prices, or pass it on to shoppers. Studies of Mr. Trump\u2019s first-term tariffs found that most of the cost was passed on to American buyers.",
                "Tariffs are paid by the companies that import goods, not by foreign governments. Those companies can absorb the cost, ask their foreign suppliers to cut prices, or pass it on to shoppers. Studies of Mr. Trump\u2019s first-term tariffs found that most of the cost was passed on to American buyers.",
            ),
            "The Yale Budget Lab estimated that the tariffs would cost the average household about $3,800 a year. Retailers such as Walmart and Target warned that prices for toys, clothes and electronics, much of which are made in Asia, would rise.",
        ],
    ),
    (
        "Markets and Allies React",
        [
            "The S&P 500 index fell about 12% in four trading days, one of its steepest drops since the pandemic. China answered with tariffs of its own, and the two countries raised their rates back and forth until U.S. tariffs on most Chinese goods reached 145%.",
            "The European Union prepared its own list of U.S. products to tax, including motorcycles and orange juice, while Canada\u2019s prime minister, Mark Carney, said the old relationship with the United States was \u201cover.\u201d",
        ],
    ),
    (
        _13["body"][3],
        [
            "On April 9, as the price of U.S. government bonds also fell sharply, Mr. Trump suspended the higher rates for 90 days, saying people had been getting \u201cyippy.\u201d The 10% tariff on most countries stayed in place. Several businesses have since sued, arguing that the emergency law he used does not allow tariffs at all.",
        ],
    ),
]
_13["glossary"]["items"][1] = (
    (f"Reciprocal{ZWSP} Tariff", "Reciprocal Tariff"),
    "A tariff meant to match the tariffs or other trade barriers that another country places on one\u2019s own exports.",
)

# ---------------------------------------------------------------- 14
add(
    name="14-syria-after-assad-further-reading",
    blank=True,
    title_line="Syria After Assad",
    lede="On December 8, 2024, rebel fighters entered Damascus and President Bashar al-Assad fled to Moscow, ending more than five decades of rule by his family. The collapse came just 11 days after an offensive led by the Islamist group Hayat Tahrir al-Sham began in the northwest, and it left Syrians celebrating in the streets, and wondering who would govern them next.",
    body=[
        (
            "A Lightning Offensive",
            [
                "The rebels captured Aleppo, Syria\u2019s second-largest city, in late November with little resistance, then moved south through Hama and Homs. Government soldiers, many of them poorly paid conscripts, abandoned their posts. Russia, busy with its war in Ukraine, and Iran, weakened by Israel\u2019s strikes on its ally Hezbollah, did not come to Mr. Assad\u2019s rescue.",
                "When the rebels opened the Sednaya prison outside Damascus, thousands of families rushed there looking for relatives who had disappeared, some of them decades ago.",
            ],
        ),
        (
            "The New Leaders",
            [
                "Hayat Tahrir al-Sham, known as HTS, broke with al-Qaeda in 2016 but is still listed as a terrorist organization by the United Nations, the United States and others. Its leader, Ahmed al-Sharaa, who long used the name Abu Mohammed al-Jolani, has promised to protect religious minorities and to hold elections, though he said writing a new constitution could take up to three years.",
                "\u201cSyria is for all Syrians,\u201d he said in a speech at the Umayyad Mosque in Damascus. Many Alawites, Christians and Druze remain wary.",
            ],
        ),
        (
            "Neighbors Move In",
            [
                "Israel sent troops into the buffer zone on the Golan Heights and carried out hundreds of airstrikes on Syrian military sites, saying it wanted to keep weapons away from extremists. Turkey, which backed some of the rebel groups, is pressing Kurdish-led forces in the northeast, which are supported by the United States.",
            ],
        ),
        (
            "Rebuilding a Broken Country",
            [
                "The civil war that began in 2011 killed more than 500,000 people and drove about 13 million from their homes. The World Bank estimates that Syria\u2019s economy shrank by more than 80%, and that rebuilding could cost hundreds of billions of dollars. Western sanctions still block most investment, and the new government has asked for them to be lifted.",
            ],
        ),
    ],
    sources={
        "heading": "Further reading",
        "urls": [
            (
                "https://www.aljazeera.com/news/2024/12/8/syrian-rebels-enter-damascus-assad-flees",
                {"published_on": "2024-12-08"},
            ),
            (
                "https://www.nytimes.com/2024/12/08/world/middleeast/syria-assad-falls.html",
                {"published_on": "2024-12-08"},
            ),
            ("https://www.bbc.com/news/articles/cx2n5ylmdx4o", {}),
        ],
    },
    background={
        "heading": "Background Information",
        "subs": [
            (
                "1) The Civil War",
                1,
                "The Civil War",
                [
                    (
                        "Daraa, 2011",
                        "Protests began after teenagers were arrested for painting anti-government slogans on a school wall. The government\u2019s violent response turned the uprising into a civil war.",
                    ),
                    (
                        "Ghouta, 2013",
                        "A chemical weapons attack near Damascus killed more than 1,000 people. The United Nations later confirmed that sarin gas had been used.",
                    ),
                ],
            ),
            (
                "(2) The Outside Powers",
                2,
                "The Outside Powers",
                [
                    (
                        "Russia, from 2015",
                        "Russian air power helped Mr. Assad retake most of the country. Russia keeps a naval base at Tartus and an air base at Hmeimim.",
                    ),
                    (
                        "Hezbollah (Lebanon)",
                        "The Iranian-backed militia sent thousands of fighters to defend the government.",
                    ),
                ],
            ),
            (
                "3 - The Peace Process",
                3,
                "The Peace Process",
                [
                    (
                        "Resolution 2254 (2015)",
                        "A UN Security Council resolution that called for a ceasefire, a new constitution and free elections supervised by the United Nations.",
                    ),
                ],
            ),
        ],
    },
    glossary={
        "heading": "Key Terms and Concepts",
        "marker": dash,
        "items": [
            ("Civil War", "A war between groups within the same country."),
            (
                "Sanctions",
                "Penalties, such as bans on trade or investment, that countries impose to pressure a government.",
            ),
            (
                "Alawites",
                "A religious minority that branched off from Shia Islam. The Assad family and many of its top officials are Alawites.",
            ),
            (
                "Buffer Zone",
                "An area between two hostile sides that neither is supposed to enter, often patrolled by peacekeepers.",
            ),
        ],
    },
    questions={
        "heading": "Debate/Essay Questions",
        "marker": dash,
        "items": [
            "Should other countries lift sanctions on Syria before it holds elections?",
            "Can a group once linked to al-Qaeda be trusted to govern fairly?",
            "Should people responsible for war crimes under Mr. Assad be tried in Syria or by an international court?",
        ],
    },
    footer="Subscribe for more explainers like this \u2014 Insight Fortnight lands in your inbox every other Tuesday.",
    warnings=[("Subscribe for more", "footer dropped")],
)

# ---------------------------------------------------------------- 15
add(
    name="15-korea-martial-law-markdown-bullets-tabs",
    blank=True,
    title_line=("# Six Hours of Martial Law in Seoul", "Six Hours of Martial Law in Seoul"),
    lede="Late on December 3, 2024, South Korea\u2019s president, Yoon Suk Yeol, declared martial law in a surprise television address, accusing the opposition of \u201canti-state activities.\u201d Within hours, lawmakers climbed over fences to enter the National Assembly and voted unanimously to end it, and by dawn Mr. Yoon had backed down. The episode plunged one of Asia\u2019s most successful democracies into its worst political crisis in decades.",
    body=[
        (
            ("## How the Night Unfolded", "How the Night Unfolded"),
            [
                "Mr. Yoon\u2019s decree banned all political activity and put the media under military control. Soldiers arrived at the National Assembly by helicopter and tried to block the doors, while thousands of citizens gathered outside, some arguing with the troops.",
                "Shortly after 1 a.m., 190 lawmakers who had made it into the chamber, including some from Mr. Yoon\u2019s own party, voted to lift martial law. Under the constitution, the president must obey such a vote. He announced about three hours later that the troops would withdraw.",
            ],
        ),
        (
            ("## THE NATIONAL ASSEMBLY AND THE PPP", "THE NATIONAL ASSEMBLY AND THE PPP"),
            [
                "The opposition Democratic Party, which controls the Assembly, moved quickly to impeach him. The first vote failed when most members of his People Power Party (PPP) walked out. On December 14, the second vote passed with 204 votes, as 12 PPP lawmakers joined the opposition.",
                "Han Dong-hoon, the PPP\u2019s leader, had called the decree unconstitutional from the start. He resigned two days after the vote.",
            ],
        ),
        (
            ("## Impeachment and Arrest", "Impeachment and Arrest"),
            [
                "In January 2025, investigators arrested Mr. Yoon at his residence after a weeks-long standoff with his security guards, the first time a sitting South Korean president had been detained. He was charged with leading an insurrection, a crime that can carry the death penalty.",
                "On April 4, 2025, the Constitutional Court unanimously upheld the impeachment, removing him from office. A new election was held in June.",
            ],
        ),
        (
            ("## A Democracy Tested", "A Democracy Tested"),
            [
                "Many South Koreans still remember the military dictatorships that ruled until 1987. Analysts said the speed with which lawmakers, citizens and even soldiers resisted the order showed how deeply democratic habits had taken root. Others warned that the crisis exposed how divided the country\u2019s politics had become.",
            ],
        ),
    ],
    sources={
        "heading": "This article is based on the following articles:",
        "urls": [
            (
                "https://www.nytimes.com/2024/12/03/world/asia/south-korea-martial-law.html",
                {"published_on": "2024-12-03"},
            ),
            ("https://www.koreaherald.com/view.php?ud=20241204050612", {}),
        ],
    },
    background={
        "heading": "## Background Information",
        "indent": "\t",
        "subs": [
            (
                "### 1. South Korea\u2019s Constitution",
                1,
                "South Korea\u2019s Constitution",
                [
                    (
                        "Martial Law (Article 77)",
                        "The president may declare martial law in wartime or a similar national emergency, but must lift it if a majority of the National Assembly demands it.",
                    ),
                    (
                        "The 1987 Constitution",
                        "Written after mass pro-democracy protests, it limits presidents to a single five-year term.",
                    ),
                ],
            ),
            (
                "### 2. Impeachment",
                2,
                "Impeachment",
                [
                    (
                        "The Process",
                        "Two-thirds of the 300 members of the National Assembly must vote to impeach. The Constitutional Court then has 180 days to decide whether to remove the president.",
                    ),
                    (
                        "Park Geun-hye, 2017",
                        "The last president to be removed by impeachment, after a corruption scandal that brought millions of people into the streets.",
                    ),
                ],
            ),
        ],
    },
    glossary={
        "heading": "## Glossary",
        "marker": bullet,
        "items": [
            (
                "Martial Law",
                "Temporary rule by the military, during which normal civil rights and laws may be suspended.",
            ),
            (
                "Impeachment",
                "A formal process by which a legislature charges a high official with wrongdoing, which can lead to removal from office.",
            ),
            ("Insurrection", "A violent uprising against a government or its authority."),
            (
                "Constitutional Court",
                "A court that decides whether laws and government actions follow the constitution.",
            ),
        ],
    },
    questions={
        "heading": "## Discussion Questions",
        "marker": num_dot,
        "items": [
            "Why do you think lawmakers from the president\u2019s own party voted to end martial law?",
            "Should a leader who tried to suspend democracy face the death penalty?",
            "What protects a democracy more in a crisis: its laws or its citizens?",
        ],
    },
    footer="Please subscribe to Insight Fortnight, our biweekly newsletter!",
    warnings=[],
)

# ---------------------------------------------------------------- 16
add(
    name="16-pope-leo-wrapped-sources-heading",
    blank=True,
    wrap=True,
    title_line="The First American Pope",
    lede="On May 8, 2025, white smoke rose from the chimney of the Sistine Chapel, and Cardinal Robert Francis Prevost of Chicago stepped onto the balcony of St. Peter\u2019s Basilica as Pope Leo XIV. The 69-year-old is the first pope from the United States, chosen by 133 cardinals on the second day of a conclave that followed the death of Pope Francis on April 21.",
    body=[
        (
            "Who Is Robert Prevost?",
            [
                "Born in Chicago in 1955, Leo XIV studied mathematics at Villanova University before joining the Order of St. Augustine. He spent about 20 years as a missionary and bishop in Peru, where he became a citizen, and he speaks English, Spanish, Italian and Portuguese.",
                "In 2023, Pope Francis brought him to Rome to run the office that helps choose bishops around the world, one of the most powerful jobs in the Vatican.",
            ],
        ),
        (
            "Inside the Conclave",
            [
                "The cardinals, all under 80 years old, were locked inside the Sistine Chapel and voted four times a day until one candidate won a two-thirds majority. Many were meeting for the first time, because Francis had appointed cardinals from places such as Mongolia, Tonga and South Sudan.",
                "Vatican watchers had long said an American would never be chosen because of the global power of the United States. Cardinals said his years in Latin America made him seem less American than his passport.",
            ],
        ),
        (
            "Why the Name Leo",
            [
                "Popes choose their own names. The new pope said he chose Leo in honor of Leo XIII, who in 1891 wrote a famous letter defending workers\u2019 rights during the Industrial Revolution. Today, he said, the church must respond to another revolution, in artificial intelligence.",
            ],
        ),
        (
            "The Challenges Ahead",
            [
                "Leo XIV leads a church of about 1.4 billion Catholics that is shrinking in Europe and North America but growing in Africa and Asia. He inherits unresolved debates over the role of women, the treatment of gay Catholics and the handling of sexual abuse by clergy, as well as a Vatican budget deficit.",
            ],
        ),
    ],
    sources={
        "heading": "Sources",
        "urls": [
            (
                "https://www.nytimes.com/2025/05/08/world/europe/pope-leo-xiv-robert-prevost.html",
                {"published_on": "2025-05-08"},
            ),
            (
                "https://www.vaticannews.va/en/pope/news/2025-05/pope-leo-xiv-first-words-balcony.html",
                {},
            ),
            ("https://apnews.com/article/pope-leo-xiv-conclave-prevost-chicago-4b2e8d6f1a3c", {}),
        ],
    },
    background={
        "heading": "Background Information",
        "subs": [
            (
                "1. The Papacy",
                1,
                "The Papacy",
                [
                    (
                        "Bishop of Rome",
                        "The pope is the leader of the Roman Catholic Church and the head of state of Vatican City, the world\u2019s smallest country.",
                    ),
                    (
                        "Pope Francis",
                        "The Argentine Jorge Mario Bergoglio, elected in 2013, was the first pope from Latin America. He died on April 21, 2025, at the age of 88.",
                    ),
                ],
            ),
            (
                "2. How a Pope Is Chosen",
                2,
                "How a Pope Is Chosen",
                [
                    (
                        "The Conclave",
                        "Cardinals meet in secret and vote by paper ballot. The ballots are burned after each round, producing black smoke if no one has won and white smoke when a pope is elected.",
                    ),
                ],
            ),
        ],
    },
    glossary={
        "heading": "Key Terms and Concepts",
        "marker": dash,
        "items": [
            (
                "Conclave",
                "The secret meeting of cardinals that elects a new pope, from the Latin for \u201cwith a key.\u201d",
            ),
            (
                "Cardinal",
                "A senior church official appointed by the pope. Cardinals under 80 may vote in a conclave.",
            ),
            ("Encyclical", "A formal letter from the pope to the church on an important topic."),
        ],
    },
    questions={
        "heading": "Debate/Essay Questions",
        "marker": dash,
        "items": [
            "Does it matter which country a religious leader comes from?",
            "Should religious leaders speak out on issues such as artificial intelligence and workers\u2019 rights?",
        ],
    },
    footer="Thanks for reading! Subscribe for more Insight Fortnight explainers.",
    warnings=[
        ("On May 8, 2025", "hard-wrapped paragraph joined"),
        ("Who Is Robert Prevost?", "heading ends in '?'"),
        ("Thanks for reading!", "footer dropped"),
    ],
)

# ---------------------------------------------------------------- 17
add(
    name="17-germany-election-caps-no-markers",
    front={
        "title": "Germany Turns to Friedrich Merz",
        "slug": "germany-election-merz",
        "issue": "33",
        "published_at": "2025-02-26",
        "status": "published",
    },
    title_line=("Germany Turns to Friedrich Merz", None),
    lede="In a snap election on February 23, 2025, German voters handed victory to the center-right Christian Democrats and their leader, Friedrich Merz, while the far-right Alternative for Germany came second with its best result ever. The vote ended the three-year, three-party government of Chancellor Olaf Scholz, which collapsed in November over how to pay for the budget.",
    body=[
        (
            "WHY THE CDU WON",
            [
                "The Christian Democratic Union and its Bavarian sister party, the CSU, won 28.5% of the vote. Mr. Merz, a 69-year-old former corporate lawyer, campaigned on reviving Germany\u2019s economy, which had shrunk for two years in a row, and on tightening immigration after a series of deadly attacks by asylum seekers.",
                "Turnout reached about 83%, the highest since German reunification in 1990.",
            ],
        ),
        (
            "THE AFD\u2019S SURGE",
            [
                "The Alternative for Germany, or AfD, doubled its share to 20.8%, winning almost every district in the former East Germany. Germany\u2019s domestic intelligence agency classifies parts of the party as extremist, and the other parties have promised not to govern with it, a pledge known as the \u201cfirewall.\u201d",
                "Elon Musk and U.S. Vice President JD Vance had openly encouraged voters to support the AfD, drawing sharp criticism from German leaders.",
            ],
        ),
        (
            "COALITION TALKS WITH THE SPD",
            [
                "Mr. Scholz\u2019s Social Democrats, the SPD, fell to 16.4%, their worst result since the 19th century. Even so, they are Mr. Merz\u2019s most likely partner, because together the two parties hold a narrow majority in the Bundestag. The Greens, the Left Party and the AfD make up the rest.",
            ],
        ),
        (
            "WHAT IT MEANS FOR THE EU",
            [
                "Germany is the European Union\u2019s largest economy, and other European leaders hope a stable government in Berlin will help them respond to U.S. tariffs and the war in Ukraine. Mr. Merz said his priority was to make Europe \u201cindependent\u201d of the United States in defense, a striking statement from a long-time supporter of close ties with Washington.",
            ],
        ),
    ],
    sources={
        "heading": "This article is based on the following articles:",
        "urls": [
            ("https://www.dw.com/en/german-election-results-cdu-wins-afd-second/a-71720000", {}),
            (
                "https://www.politico.eu/article/germany-election-2025-results-friedrich-merz-afd/",
                {},
            ),
        ],
    },
    background={
        "heading": "Background Information",
        "subs": [
            (
                "1. Germany\u2019s Political System",
                1,
                "Germany\u2019s Political System",
                [
                    (
                        "Bonn, 1949",
                        "West Germany adopted its Basic Law, a constitution designed to prevent a return to dictatorship after the Nazi era.",
                    ),
                    (
                        "Article 21 (Basic Law)",
                        "Parties that seek to undermine the democratic order can be banned by the Federal Constitutional Court.",
                    ),
                    (
                        "The 5% Threshold",
                        "A party must win at least 5% of the national vote, or three districts, to receive seats in the Bundestag.",
                    ),
                ],
            ),
            (
                "2. Reunification",
                2,
                "Reunification",
                [
                    (
                        "Berlin, 1990",
                        "East and West Germany were reunified on October 3, 1990, less than a year after the fall of the Berlin Wall. Incomes in the east are still lower than in the west.",
                    ),
                ],
            ),
        ],
    },
    glossary={
        "heading": "Key Terms",
        "marker": none,
        "items": [
            ("Chancellor", "The head of the German government, elected by the Bundestag."),
            ("Bundestag", "The German federal parliament."),
            ("Snap Election", "An election held earlier than scheduled."),
            (
                "Far Right",
                "Political groups on the extreme right that often oppose immigration and are strongly nationalist.",
            ),
        ],
    },
    questions={
        "heading": "Debate/Essay Questions",
        "marker": num_paren,
        "items": [
            "Should mainstream parties refuse to work with a party that a fifth of voters support?",
            "Should foreign politicians and business leaders take sides in another country\u2019s election?",
            "Should a democracy be able to ban a political party?",
        ],
    },
    footer="Please subscribe to Insight Fortnight, our biweekly newsletter!",
    warnings=[
        ("Germany Turns to Friedrich Merz", "title repeated"),
        ("Chancellor: ", "glossary line without marker"),
    ],
)
# the repeated title is the first line after the front matter, not the
# front-matter title line itself
DOCUMENTS[-1]["warnings"][0] = ("__LINE__8", "title repeated")

# ---------------------------------------------------------------- 18
add(
    name="18-texas-measles-crlf-no-glossary",
    newline="\r\n",
    title_line=f"Measles Returns to Texas{NBSP}",
    lede="A measles outbreak that began in late January 2025 in Gaines County, in the plains of West Texas, grew into the largest in the United States in a generation, infecting more than 700 people in the state and killing two unvaccinated children. It was the first time anyone in the country had died of measles in a decade, and it came as the new health secretary, Robert F. Kennedy Jr., was questioning the safety of vaccines.",
    body=[
        (
            "A Community With Low Vaccination Rates",
            [
                "Most cases were in a close-knit Mennonite community where many families do not vaccinate their children. In Gaines County, about 18% of kindergartners had an exemption from at least one required vaccine in the 2023\u201324 school year, one of the highest rates in Texas.",
                "Measles spreads so easily that about 95% of a community must be vaccinated to stop outbreaks. The virus can linger in the air for up to two hours after an infected person has left a room.",
            ],
        ),
        (
            "A Mixed Message From Washington",
            [
                "Mr. Kennedy, who for years spread doubts about vaccines, said that the measles vaccine was the most effective way to prevent the disease, but he also promoted vitamin A and cod liver oil as treatments. Doctors in Lubbock said they had treated children whose parents had given them so much vitamin A that their livers were damaged.",
                "\u201cThere is no treatment that replaces the vaccine,\u201d said Dr. Lara Johnson, chief medical officer at Covenant Children\u2019s Hospital.",
            ],
        ),
        (
            "Spreading Beyond Texas",
            [
                "Cases linked to the outbreak were later found in New Mexico, Oklahoma and Kansas. By the summer, the United States had recorded more than 1,200 measles cases in 2025, the most since 1992, and health officials warned that the country could lose the \u201celimination\u201d status it has held since 2000.",
            ],
        ),
    ],
    sources={
        "heading": "This article is based on the following articles:",
        "urls": [
            (
                "https://www.texastribune.org/2025/03/14/texas-measles-outbreak-gaines-county/",
                {"published_on": "2025-03-14"},
            ),
            ("https://www.cdc.gov/measles/data-research/index.html", {}),
        ],
    },
    background={
        "heading": "Background Information",
        "subs": [
            (
                "1.\tWhat Measles Does",
                1,
                "What Measles Does",
                [
                    (
                        "Symptoms",
                        "Measles causes a high fever and a rash that spreads from the face down the body. About one in five unvaccinated people who catch it in the U.S. is hospitalized.",
                    ),
                    (
                        "Complications",
                        "It can lead to pneumonia and swelling of the brain, and it can wipe out the immune system\u2019s memory of other diseases.",
                    ),
                ],
            ),
            (
                "2.\tVaccines and the Law",
                2,
                "Vaccines and the Law",
                [
                    (
                        "The MMR Vaccine",
                        "Two doses of the measles, mumps and rubella vaccine are about 97% effective at preventing measles.",
                    ),
                    (
                        "School Exemptions",
                        "Every state requires vaccines for school, but most, including Texas, let parents opt out for religious or personal reasons.",
                    ),
                ],
            ),
        ],
    },
    glossary=None,
    questions={
        "heading": "Discussion Questions",
        "marker": star,
        "items": [
            "Should parents be allowed to opt out of vaccines for their children for personal beliefs?",
            "How should public health officials respond when trusted community leaders oppose vaccination?",
            "What responsibility do national health officials have when they speak about medicine?",
        ],
    },
    footer="Please subscribe to Insight Fortnight, our biweekly newsletter!",
    warnings=[(NBSP, "NBSP removed"), ("Discussion Questions", "no Key Terms block")],
)
# a zero-width space at the start of the Kennedy paragraph
_18 = DOCUMENTS[-1]
_18["title_line"] = (_18["title_line"], "Measles Returns to Texas")
_p = _18["body"][1][1][0]
_18["body"][1][1][0] = (ZWSP + _p, _p)
_18["warnings"].insert(1, (ZWSP, "zero-width space removed"))


def main():
    for doc in DOCUMENTS:
        warnings = doc.get("warnings", [])
        fixed = []
        for needle, about in warnings:
            fixed.append((needle, about))
        doc["warnings"] = [w for w in fixed if not w[0].startswith("__LINE__")]
        text, exp, words = render(doc)
        for needle, about in fixed:
            if needle.startswith("__LINE__"):
                exp["expected_warnings"].insert(0, {"line": int(needle[8:]), "about": about})
        exp["expected_warnings"].sort(key=lambda w: w["line"])
        if exp.get("title") is None:
            exp.pop("title", None)
            if doc.get("front", {}).get("title"):
                exp["title"] = doc["front"]["title"]
        (DOCS / f"{doc['name']}.txt").write_bytes(text.encode("utf-8"))
        (HERE / f"{doc['name']}.json").write_text(
            json.dumps(exp, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        print(f"{doc['name']}: {words} words, warnings {exp['expected_warnings']}")


if __name__ == "__main__":
    main()
