"""Acceptance tests: eight editors' documents, each with its own drift, read as a human would.

Every expectation below was written from the documents in ``tests/data/editors/`` alone,
before reading the parser. A document is read from bytes so CRLF line endings survive.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from api.importer.document import Document
from api.importer.parse import parse_document

DATA = Path(__file__).parent / "data" / "editors"
ANY = object()  # published_on we do not pin down either way


@dataclass
class Expected:
    title: str | None  # None: no title in the text, the parser must warn and still give one
    lede: str
    body: list[tuple[str, int, str]]  # heading, paragraph count, first paragraph
    background: list[
        tuple[int, str, int, str, str]
    ]  # number, heading, item count, first label, text
    sources: list[tuple[str, str, Any]]  # url, domain, published_on
    glossary: list[tuple[str, str]]
    questions: list[str]
    warned: list[str] = field(
        default_factory=list
    )  # a line containing this text must be warned about
    meta: dict[str, Any] = field(default_factory=dict)  # slug, status, published_at, issue number


@cache
def text_of(name: str) -> str:
    return (DATA / name).read_bytes().decode("utf-8")


@cache
def doc_of(name: str) -> Document:
    return parse_document(text_of(name))


def line_of(name: str, needle: str) -> int:
    """1-based number of the only line that contains needle."""
    hits = [i for i, line in enumerate(text_of(name).split("\n"), 1) if needle in line]
    assert len(hits) == 1, f"test bug: {needle!r} found on lines {hits}"
    return hits[0]


CHIPS = "01-chips-act-title-crlf.txt"
HEAT = "02-india-heatwave-blank-lines.txt"
UK = "03-uk-election-front-matter.txt"
PANAMA = "04-panama-canal-no-sources-tabs.txt"
BOEING = "05-boeing-em-dash-unnumbered.txt"
SEINE = "06-seine-olympics-many-sources.txt"
FED = "07-fed-rate-cut-short-paragraphs.txt"
KENYA = "08-kenya-protests-crlf-kitchen-sink.txt"

EXPECTED: dict[str, Expected] = {
    # CRLF; a title line; headings (body and background) with trailing colons; "Background
    # Information:"; "Key Terms"; an en dash between term and definition; "Discussion Questions";
    # the standard footer followed by a blank line.
    CHIPS: Expected(
        title="America’s $52 Billion Bet on Homegrown Chips",
        lede=(
            "Two years after President Joe Biden signed the CHIPS and Science Act, the U.S. "
            "Commerce Department has promised most of the $39 billion set aside for factory "
            "grants, and construction cranes now stand over sites in Arizona, Ohio, Texas and New "
            "York. Whether the money can reverse a three-decade slide in American chipmaking is "
            "still an open question."
        ),
        body=[
            (
                "Where the Money Went",
                2,
                "The largest award, up to $8.5 billion, went to Intel for plants in Arizona, "
                "Ohio, New Mexico and Oregon. Taiwan Semiconductor Manufacturing Company (TSMC) "
                "received up to $6.6 billion for its Phoenix complex, and Samsung was promised up "
                "to $6.4 billion for a campus in Taylor, Texas. Commerce Secretary Gina Raimondo "
                "said the grants would help the U.S. produce about 20% of the world’s "
                "leading-edge chips by 2030, up from almost nothing today.",
            ),
            (
                "Delays and Doubts",
                3,
                "The ramp-up has not been smooth. TSMC pushed back production at its second "
                "Arizona factory to 2028, citing a shortage of skilled technicians and disputes "
                "with local construction unions. Intel, which reported a $1.6 billion loss in the "
                "second quarter of 2024, slowed work on its Ohio site, saying the first chips "
                "there would not come before 2030.",
            ),
            (
                "The Security Argument",
                3,
                "Supporters of the law say the price is worth paying. About 90% of the most "
                "advanced processors are made in Taiwan, an island that China claims as its "
                "territory. A blockade or invasion, they argue, would halt production of "
                "everything from smartphones to fighter jets.",
            ),
            (
                "What Comes Next",
                1,
                "The law’s grant money is nearly spent, and the industry is already lobbying for "
                "a second round. The next administration will decide whether to keep paying, and "
                "Congress will have to weigh factories against other priorities as the federal "
                "deficit approaches 6.7% of GDP.",
            ),
        ],
        background=[
            (
                1,
                "How Chips Are Made",
                2,
                "Design and Fabrication",
                "Companies such as Nvidia and Apple design chips but do not make them. "
                "Fabrication, the making of the physical chip, happens in factories called fabs, "
                "which etch circuits onto silicon wafers in hundreds of steps.",
            ),
            (
                2,
                "America’s Share of Chipmaking",
                2,
                "Decline Since 1990",
                "In 1990 the United States made about 37% of the world’s chips. By 2020 that "
                "share had fallen to about 12%, as production moved to Taiwan, South Korea and "
                "China, where governments offered generous subsidies.",
            ),
            (
                3,
                "The CHIPS and Science Act",
                2,
                "Signed in 2022",
                "The law, signed on August 9, 2022, provides $52.7 billion for chip "
                "manufacturing, research and workforce training, including $39 billion in direct "
                "grants to companies.",
            ),
        ],
        sources=[
            (
                "https://www.nytimes.com/2024/08/12/business/chips-act-factories-delays.html",
                "nytimes.com",
                "2024-08-12",
            ),
            (
                "https://www.semiconductors.org/chips-act-incentives-explained/",
                "semiconductors.org",
                None,
            ),
        ],
        glossary=[
            (
                "Semiconductor",
                "A material, usually silicon, that conducts electricity under some conditions and "
                "not others, which makes it the basis of computer chips.",
            ),
            ("Fab", "Short for fabrication plant, a factory where chips are made."),
            (
                "Industrial Policy",
                "Government action that aims to shape which industries grow in a country, through "
                "subsidies, tax breaks, tariffs or other tools.",
            ),
            (
                "Supply Chain",
                "The network of companies and countries that supply the materials, machines and "
                "work needed to make a product.",
            ),
        ],
        questions=[
            "Should governments use taxpayer money to bring chip factories home, even if the "
            "chips end up costing more?",
            "Does making chips in the U.S. make the country safer, or does it simply move the "
            "risk somewhere else?",
            "What should happen when the CHIPS Act money runs out?",
        ],
        warned=["- Industrial Policy –"],
    ),
    # No title; a blank line between every paragraph and every list line; trailing spaces on a
    # paragraph, a heading and an item; subsections numbered "1)"; "Glossary"; "Essay Questions";
    # a question without its "- "; two blank lines before the footer.
    HEAT: Expected(
        title=None,
        lede=(
            "In late May and early June 2024, a punishing heatwave swept across northern India, "
            "with temperatures in parts of Delhi, Rajasthan and Uttar Pradesh climbing above 45°C "
            "(113°F) for weeks. Hospitals filled with heatstroke patients, and officials reported "
            "more than 100 heat-related deaths, including dozens of polling staff working during "
            "the final phase of the national election."
        ),
        body=[
            (
                "A Summer Without Relief",
                3,
                "The heat arrived early and stayed late. The India Meteorological Department "
                "(IMD) said parts of the northwest recorded their longest heatwave on record, "
                "with some districts logging more than 20 consecutive days of heatwave "
                "conditions. In Phalodi, Rajasthan, the thermometer reached 50°C on May 25.",
            ),
            (
                "Workers on the Front Line",
                2,
                "Outdoor workers bore the brunt. Construction laborers, street vendors and "
                "delivery riders, many of whom earn daily wages, said they could not afford to "
                "stop working during the hottest hours. In Uttar Pradesh, 33 election staff died "
                "on a single day, June 1, while on duty at polling stations.",
            ),
            (
                "Power and Water Under Strain",
                2,
                "Electricity demand hit a record 250 gigawatts on May 30 as millions switched on "
                "coolers and air conditioners. In Delhi, water tankers were mobbed in several "
                "neighborhoods, and the city government asked neighboring Haryana to release more "
                "water into the Yamuna River.",
            ),
            (
                "Planning for the Next Heatwave",
                2,
                "Ahmedabad became the first South Asian city to adopt a heat action plan in 2013, "
                "after a 2010 heatwave killed more than 1,300 people there. The plan uses early "
                "warnings, cool roofs and extended hours at health clinics, and studies credit it "
                "with preventing more than 1,000 deaths a year.",
            ),
        ],
        background=[
            (
                1,
                "Heatwaves and Health",
                2,
                "Heatstroke",
                "When the body cannot cool itself, its core temperature can rise above 40°C, "
                "damaging the brain, heart and kidneys. Without quick treatment, heatstroke can "
                "be fatal.",
            ),
            (
                2,
                "India’s Climate",
                2,
                "Pre-Monsoon Heat",
                "In northern India, May and June are the hottest months, before the monsoon rains "
                "arrive and lower temperatures. In 2024 the monsoon reached Delhi late, on June "
                "28.",
            ),
            (
                3,
                "The 2024 Election",
                1,
                "Seven Phases",
                "India’s general election ran in seven phases from April 19 to June 1, 2024, with "
                "about 642 million people casting ballots. The final phases fell during the worst "
                "of the heat.",
            ),
        ],
        sources=[
            (
                "https://www.reuters.com/world/india/india-heatwave-deaths-election-workers-2024-06-01/",
                "reuters.com",
                "2024-06-01",
            ),
            (
                "https://www.worldweatherattribution.org/extreme-heat-in-south-asia/",
                "worldweatherattribution.org",
                None,
            ),
        ],
        glossary=[
            (
                "Heatwave",
                "A period of unusually hot weather, defined by the IMD as a maximum temperature "
                "of at least 40°C in the plains that is 4.5°C or more above normal.",
            ),
            (
                "Heat Action Plan",
                "A local plan that sets out how a city will warn residents about extreme heat and "
                "protect vulnerable people.",
            ),
            (
                "Informal Sector",
                "Work that is not regulated or protected by the government, such as daily wage "
                "labor and street vending.",
            ),
            (
                "Climate Attribution",
                "The science of estimating how much climate change affected the likelihood or "
                "strength of an extreme weather event.",
            ),
        ],
        questions=[
            "Who should be responsible for protecting outdoor workers during extreme heat: "
            "employers, governments or the workers themselves?",
            "Should countries hold major events, such as elections, during their hottest months "
            "if they know the risks?",
            "How can poorer cities pay for the cooling and health measures that heatwaves demand?",
        ],
        warned=["Should countries hold major events"],
    ),
    # YAML front matter (title, slug, issue, published_at, status: draft) and no title line; no
    # Background Information; a source with "- " in front and a Guardian-style date (2024/jul/05);
    # "Key Terms" with " - " between term and definition (terms contain hyphens); "Debate Questions"
    # numbered "1." instead of marked "- ".
    UK: Expected(
        title="Labour Wins a Landslide in Britain",
        lede=(
            "Britain’s Labour Party won a landslide victory in the general election on July 4, "
            "2024, ending 14 years of Conservative government. Keir Starmer, a former chief "
            "prosecutor who has led Labour since 2020, became prime minister the next day, "
            "promising a “government of service” and a “decade of national renewal.”"
        ),
        body=[
            (
                "A Historic Result",
                3,
                "Labour won 411 of the 650 seats in the House of Commons, a majority of 174, "
                "while the Conservatives fell to 121 seats, their worst result in the party’s "
                "nearly 200-year history. Eleven Cabinet ministers lost their seats, including "
                "Grant Shapps, the defense secretary, and Penny Mordaunt, the leader of the "
                "House.",
            ),
            (
                "The Rise of Smaller Parties",
                2,
                "The Liberal Democrats won 72 seats, their best result in a century. Reform UK, "
                "the anti-immigration party led by Nigel Farage, won about 14% of the vote but "
                "only five seats, a gap that renewed debate over the first-past-the-post system. "
                "The Green Party won four seats, and in Scotland the Scottish National Party "
                "collapsed from 48 seats to nine.",
            ),
            (
                "Starmer’s Promises",
                2,
                "In his first speech as prime minister, Mr. Starmer said his government would put "
                "“country first, party second.” His platform promised to create a publicly owned "
                "clean energy company, Great British Energy, cut hospital waiting lists, recruit "
                "6,500 new teachers and build 1.5 million homes over five years.",
            ),
            (
                "Britain and the World",
                1,
                "Abroad, the change of government is unlikely to bring sharp turns. Mr. Starmer "
                "has pledged continued support for Ukraine and close ties with the U.S., and he "
                "has ruled out rejoining the European Union, although he wants a closer trading "
                "relationship with the bloc.",
            ),
        ],
        background=[],
        sources=[
            ("https://www.bbc.co.uk/news/articles/c4ngrdr3m3yo", "bbc.co.uk", None),
            (
                "https://www.theguardian.com/politics/2024/jul/05/labour-landslide-keir-starmer-prime-minister",
                "theguardian.com",
                "2024-07-05",
            ),
            (
                "https://apnews.com/article/britain-election-results-labour-starmer-8a1f9c2e3b4d",
                "apnews.com",
                None,
            ),
        ],
        glossary=[
            (
                "First-Past-the-Post",
                "A voting system in which the candidate with the most votes in each district "
                "wins, even without a majority.",
            ),
            ("Hung Parliament", "A parliament in which no single party holds a majority of seats."),
            (
                "Tactical Voting",
                "Voting for a candidate who is not one’s first choice in order to keep another "
                "candidate from winning.",
            ),
            (
                "Prime Minister",
                "The head of the British government, usually the leader of the largest party in "
                "the House of Commons.",
            ),
        ],
        questions=[
            "Is it fair that a party can win nearly two-thirds of the seats with about a third of "
            "the votes?",
            "Should Britain replace first-past-the-post with a proportional voting system?",
            "Can a government with a large majority but low public enthusiasm deliver lasting "
            "change?",
        ],
        warned=[
            "- First-Past-the-Post - ",
            "- Hung Parliament - ",
            "- Tactical Voting - ",
            "- Prime Minister - ",
            "1. Is it fair",
            "2. Should Britain",
            "3. Can a government",
        ],
        meta={
            "slug": "uk-election-labour-landslide",
            "status": "draft",
            "published_at": "2024-07-05T00:00:00Z",
            "issue": 3,
        },
    ),
    # A title line; no sources block; items indented with a tab; a tab between "2." and its
    # heading; "Key Terms and Concepts:" with a colon; the first term numbered "1." instead of
    # marked; a different footer ("Subscribe to Insight Fortnight for ...").
    PANAMA: Expected(
        title="A Drought Squeezes the Panama Canal",
        lede=(
            "A severe drought in Panama forced the authority that runs the Panama Canal to cut "
            "the number of ships allowed through each day from about 36 to as few as 22 in early "
            "2024, creating long queues at both ends of one of the world’s most important trade "
            "routes. Shipping companies paid millions of dollars to jump the line, and some "
            "rerouted vessels around South America or through the Suez Canal."
        ),
        body=[
            (
                "Why Water Matters",
                2,
                "Unlike the Suez Canal, which is at sea level, the Panama Canal lifts ships 26 "
                "meters over the isthmus using a series of locks. Every ship that passes uses "
                "about 200 million liters of fresh water, which flows out to the sea. That water "
                "comes from Gatun Lake, a man-made reservoir fed by rain.",
            ),
            (
                "The Cost of Waiting",
                2,
                "About 5% of world seaborne trade passes through the canal, including much of the "
                "grain, soybeans and liquefied natural gas shipped from the U.S. Gulf Coast to "
                "Asia. As waits grew to more than two weeks, one company paid a record $4 million "
                "in an auction for a last-minute slot.",
            ),
            (
                "Searching for More Water",
                3,
                "The canal authority has proposed damming the Indio River to create a new "
                "reservoir, at a cost of about $1.6 billion. The project would supply water for "
                "up to 1,200 more transits a year, but it would flood land where some 2,000 "
                "people live, and residents have protested.",
            ),
        ],
        background=[
            (
                1,
                "The Canal’s History",
                2,
                "Construction",
                "The United States completed the canal in 1914 after a failed French attempt in "
                "the 1880s. Thousands of workers died of yellow fever, malaria and accidents "
                "during construction.",
            ),
            (
                2,
                "How the Locks Work",
                2,
                "Locks",
                "A lock is a chamber with gates at each end. Water fills the chamber to raise a "
                "ship to the next level, or drains out to lower it.",
            ),
        ],
        sources=[],
        glossary=[
            (
                "El Niño",
                "A natural climate pattern in which surface waters in the central and eastern "
                "Pacific Ocean become warmer than usual, changing rainfall around the world.",
            ),
            (
                "Chokepoint",
                "A narrow passage, such as a canal or strait, through which a large share of "
                "trade must pass.",
            ),
            ("Transit", "One passage of a ship through the canal from one ocean to the other."),
            ("Reservoir", "A natural or artificial lake used to store water."),
        ],
        questions=[
            "Should Panama flood the homes of some residents to build a reservoir that keeps the "
            "canal working?",
            "How should countries prepare trade routes for a changing climate?",
        ],
        warned=["1. El Niño:"],
    ),
    # No title; an unnumbered third background subsection; "Key Terms and Concepts:" with em dashes
    # between term and definition; a term without its "- "; a question without its "- ".
    BOEING: Expected(
        title=None,
        lede=(
            "On January 5, 2024, a panel called a door plug blew off an Alaska Airlines Boeing "
            "737 MAX 9 shortly after takeoff from Portland, Oregon, leaving a gaping hole in the "
            "side of the cabin at 16,000 feet. No one was seriously hurt, but the accident set "
            "off a crisis at Boeing that has raised questions about whether the company can still "
            "build safe airplanes."
        ),
        body=[
            (
                "Missing Bolts",
                2,
                "Investigators from the National Transportation Safety Board (NTSB) found that "
                "four bolts meant to hold the door plug in place had not been reinstalled after "
                "repair work at Boeing’s factory in Renton, Washington. Boeing told investigators "
                "it could not find any records of who removed the bolts.",
            ),
            (
                "Regulators Step In",
                2,
                "The Federal Aviation Administration (FAA) grounded 171 MAX 9 jets for "
                "inspections and barred Boeing from increasing production of the 737 MAX beyond "
                "38 planes a month. An FAA audit found dozens of problems in Boeing’s "
                "manufacturing process, including mechanics using liquid soap as a lubricant "
                "while fitting a door seal.",
            ),
            (
                "A Culture Under Scrutiny",
                3,
                "The door plug was not Boeing’s first crisis. Two crashes of the 737 MAX 8, in "
                "Indonesia in 2018 and Ethiopia in 2019, killed 346 people and were blamed on "
                "flawed flight-control software. Boeing paid $2.5 billion in 2021 to settle a "
                "criminal charge that it had misled regulators.",
            ),
            (
                "Leadership Changes",
                2,
                "Chief executive Dave Calhoun announced in March that he would step down at the "
                "end of the year. In August, Boeing named Kelly Ortberg, a veteran aerospace "
                "executive with an engineering background, to replace him. In July, Boeing agreed "
                "to plead guilty to a fraud charge connected to the 2018 and 2019 crashes.",
            ),
        ],
        background=[
            (
                1,
                "The 737 MAX",
                2,
                "Origins",
                "Boeing launched the 737 MAX in 2011 as a more fuel-efficient version of its "
                "best-selling 737, to compete with the Airbus A320neo.",
            ),
            (
                2,
                "Aviation Safety Oversight",
                2,
                "The FAA",
                "The Federal Aviation Administration certifies that new aircraft designs are safe "
                "and oversees how they are built and maintained.",
            ),
            (
                3,
                "Competition in Aircraft Manufacturing",
                1,
                "A Duopoly",
                "Boeing and Airbus build almost all large passenger jets in the world. Airbus "
                "overtook Boeing as the largest planemaker by deliveries in 2019 and has stayed "
                "ahead since.",
            ),
        ],
        sources=[
            (
                "https://www.nytimes.com/2024/01/06/business/alaska-airlines-boeing-737-max-9.html",
                "nytimes.com",
                "2024-01-06",
            ),
            ("https://www.ntsb.gov/investigations/Pages/DCA24MA063.aspx", "ntsb.gov", None),
        ],
        glossary=[
            (
                "Door Plug",
                "A panel that fills an unused emergency exit opening in the fuselage of some "
                "aircraft.",
            ),
            (
                "Whistleblower",
                "A person who reports wrongdoing inside an organization to authorities or the "
                "public.",
            ),
            (
                "Grounding",
                "An order that keeps aircraft from flying until safety concerns are resolved.",
            ),
            (
                "Certification",
                "The process by which a regulator confirms that an aircraft design meets safety "
                "standards.",
            ),
        ],
        questions=[
            "Should regulators ever let companies inspect their own products?",
            "Can a company change its culture by replacing its leaders?",
            "Who should be held responsible when a manufacturing mistake puts lives at risk: "
            "workers, managers or the company as a whole?",
        ],
        warned=[
            "Competition in Aircraft Manufacturing",
            "- Door Plug —",
            "- Whistleblower —",
            "Grounding —",
            "- Certification —",
            "Who should be held responsible",
        ],
    ),
    # A title line then a blank line; blank lines between body paragraphs but none in the back
    # matter; four sources (NYT and Le Monde dates in the path, Reuters date at the end of the
    # slug, AP without a date); "Background Information:"; an item label with a period
    # ("E. coli"); "Discussion Questions:"; trailing spaces after the footer.
    SEINE: Expected(
        title="Paris Bets $1.5 Billion on a Swimmable Seine",
        lede=(
            "When triathletes dove into the Seine on July 31, 2024, it was the first time in more "
            "than a century that athletes had raced in the river through the heart of Paris. The "
            "moment capped a €1.4 billion ($1.5 billion) cleanup that city officials hope will "
            "let Parisians swim in the river by 2025, but heavy rain and test results that swung "
            "from safe to dangerous turned the Olympic events into a daily drama."
        ),
        body=[
            (
                "A Century-Old Ban",
                2,
                "Swimming in the Seine has been banned since 1923 because of pollution from "
                "sewage and boats. In 1988, Jacques Chirac, then the mayor of Paris, promised to "
                "swim in the river within a few years. He never did.",
            ),
            (
                "Rain and Bacteria",
                4,
                "The problem is that Paris, like many old cities, has a combined sewer system "
                "that carries both rainwater and sewage. After heavy storms, the pipes overflow "
                "and release untreated wastewater into the river, sending levels of E. coli "
                "bacteria soaring.",
            ),
            (
                "A Legacy for Parisians",
                2,
                "City officials say the cleanup was never really about the Olympics. Three public "
                "swimming spots along the Seine are set to open in the summer of 2025, and the "
                "cleaner water should also help fish and other wildlife, whose numbers have risen "
                "sharply in recent decades.",
            ),
        ],
        background=[
            (
                1,
                "The River Seine",
                2,
                "Geography",
                "The Seine flows about 777 kilometers from Burgundy through Paris to the English "
                "Channel at Le Havre.",
            ),
            (
                2,
                "Water Quality Standards",
                2,
                "E. coli",
                "Escherichia coli is a bacterium found in human and animal intestines. Its "
                "presence in water signals contamination by sewage and a risk of stomach illness.",
            ),
        ],
        sources=[
            (
                "https://www.nytimes.com/2024/07/31/world/europe/seine-river-olympics-triathlon.html",
                "nytimes.com",
                "2024-07-31",
            ),
            (
                "https://www.reuters.com/sports/olympics/triathlon-seine-water-quality-tests-2024-07-30/",
                "reuters.com",
                "2024-07-30",
            ),
            (
                "https://apnews.com/article/olympics-2024-seine-river-swimming-pollution-e7c6b5d4a3f2",
                "apnews.com",
                None,
            ),
            (
                "https://www.lemonde.fr/en/environment/article/2024/07/17/anne-hidalgo-swims-in-the-seine_6688652_114.html",
                "lemonde.fr",
                "2024-07-17",
            ),
        ],
        glossary=[
            (
                "Combined Sewer",
                "A sewer system that carries rainwater and household wastewater in the same pipes.",
            ),
            (
                "Storage Basin",
                "A large tank or reservoir that holds stormwater until treatment plants can "
                "handle it.",
            ),
            ("Triathlon", "A race that combines swimming, cycling and running."),
            (
                "Legacy",
                "The lasting benefits a city hopes to gain from hosting a major event like the "
                "Olympics.",
            ),
        ],
        questions=[
            "Was it worth spending €1.4 billion to make the Seine swimmable?",
            "Should outdoor Olympic events go ahead when water quality results are uncertain?",
        ],
    ),
    # No title; standard block names; short one-line paragraphs (one ending in a question
    # mark, one in a closing curly quote); headings with "2%" and "U.S."; "Dr." and "Wyo."
    # mid-sentence; an item text with its own colon; a compact-dated (monetary20240918a) URL.
    FED: Expected(
        title=None,
        lede=(
            "On September 18, 2024, the Federal Reserve cut its benchmark interest rate by half a "
            "percentage point, to a range of 4.75% to 5%, its first cut in more than four years. "
            "The move signaled that the U.S. central bank believes it has largely won its fight "
            "against inflation and is now turning to protecting jobs."
        ),
        body=[
            (
                "The Decision",
                5,
                "The cut was larger than the quarter-point move many economists had expected. "
                "Eleven of the 12 voting members of the Federal Open Market Committee (FOMC) "
                "supported it, while Fed Governor Michelle Bowman dissented in favor of a smaller "
                "cut.",
            ),
            (
                "Inflation Falls Toward 2%",
                4,
                "The Fed raised rates 11 times in 2022 and 2023, from near zero to a 23-year "
                "high, to fight the worst inflation in four decades. Consumer prices rose 9.1% in "
                "the 12 months to June 2022.",
            ),
            (
                "The U.S. Job Market Cools",
                3,
                "At the same time, hiring slowed. The unemployment rate rose from 3.4% in April "
                "2023 to 4.3% in July 2024, tripping a warning sign known as the Sahm rule, named "
                "after the former Fed economist Dr. Claudia Sahm, which has signaled the start of "
                "every recession since 1970.",
            ),
            (
                "What It Means for Borrowers",
                2,
                "Lower rates should gradually make it cheaper to borrow for homes, cars and "
                "businesses. Average 30-year mortgage rates had already fallen to about 6.1% by "
                "mid-September, from nearly 7.8% in October 2023, as markets anticipated the cut.",
            ),
            (
                "A Political Backdrop",
                1,
                "The decision came seven weeks before the presidential election. Former President "
                "Donald Trump had said the Fed should not cut rates before the vote, while some "
                "Democrats had urged it to act sooner. Mr. Powell insisted politics played no "
                "role. “This is my fourth presidential election at the Fed,” he said. “We don’t "
                "take political considerations into account.”",
            ),
        ],
        background=[
            (
                1,
                "The Federal Reserve",
                2,
                "Structure",
                "The Fed is the central bank of the U.S. It is run by a seven-member Board of "
                "Governors in Washington and 12 regional banks. Rate decisions are made by the "
                "FOMC, which meets eight times a year.",
            ),
            (
                2,
                "How Interest Rates Work",
                2,
                "The Federal Funds Rate",
                "This is the rate banks charge each other for overnight loans. Changes to it "
                "ripple through to mortgages, credit cards and business loans.",
            ),
        ],
        sources=[
            (
                "https://www.nytimes.com/2024/09/18/business/economy/fed-rate-cut-powell.html",
                "nytimes.com",
                "2024-09-18",
            ),
            (
                "https://www.federalreserve.gov/newsevents/pressreleases/monetary20240918a.htm",
                "federalreserve.gov",
                ANY,
            ),
        ],
        glossary=[
            ("Inflation", "A general rise in prices that reduces what each dollar can buy."),
            (
                "Basis Point",
                "One hundredth of a percentage point; a cut of 0.5 percentage points is 50 basis "
                "points.",
            ),
            (
                "Soft Landing",
                "A slowdown in economic growth that brings inflation down without causing a "
                "recession.",
            ),
            (
                "Sahm Rule",
                "A recession indicator triggered when the three-month average unemployment rate "
                "rises 0.5 percentage points above its low of the previous 12 months.",
            ),
        ],
        questions=[
            "Should the Fed have waited for more data before cutting rates, or was a half-point "
            "cut the right call?",
            "Powell says the Fed ignores politics. Should central banks be independent from "
            "elected leaders, and why?",
        ],
    ),
    # No title; CRLF and a blank line between everything; body headings with trailing colons;
    # trailing spaces on a paragraph, a heading, a URL and the footer; a single-digit date path
    # (2024/6/26); subsections numbered "1)"; items indented with a tab; questions numbered "1.";
    # blank lines after the footer.
    KENYA: Expected(
        title=None,
        lede=(
            "In June 2024, tens of thousands of young Kenyans took to the streets to oppose a "
            "finance bill that would have raised taxes on everyday goods, from bread to mobile "
            "money transfers. The protests, organized largely on social media, ended with part of "
            "Parliament set on fire on June 25 and forced President William Ruto to withdraw the "
            "bill the next day."
        ),
        body=[
            (
                "A Bill That Sparked Anger",
                2,
                "The Finance Bill 2024 aimed to raise about 346 billion Kenyan shillings ($2.7 "
                "billion) in new taxes to help the government pay down its debt. Early drafts "
                "included a 16% value-added tax on bread, a 25% excise duty on cooking oil and a "
                "new annual tax on vehicles worth 2.5% of their value.",
            ),
            (
                "Gen Z Takes the Lead",
                2,
                "The protests were led by young people, many of them born after 1997, who used "
                "TikTok, X and WhatsApp to share explanations of the bill, publish lawmakers’ "
                "phone numbers and organize marches without formal leaders. Crowdfunding covered "
                "medical bills and legal fees for those arrested.",
            ),
            (
                "Violence and Withdrawal",
                2,
                "On June 25, as Parliament passed the bill, protesters broke through police lines "
                "and set part of the building on fire. Police opened fire, and the Kenya National "
                "Commission on Human Rights said at least 39 people were killed in the protests "
                "over the following weeks.",
            ),
            (
                "The Debt Problem Remains",
                2,
                "Withdrawing the bill did not solve Kenya’s financial troubles. The country "
                "spends more than half of its tax revenue on interest payments, and its public "
                "debt is about 70% of GDP. The International Monetary Fund (IMF), which has lent "
                "Kenya billions of dollars, had pushed the government to raise more revenue.",
            ),
        ],
        background=[
            (
                1,
                "Kenya at a Glance",
                2,
                "Population and Economy",
                "Kenya has about 55 million people and is East Africa’s largest economy. Its "
                "capital, Nairobi, is a regional hub for finance and technology.",
            ),
            (
                2,
                "Debt in Africa",
                2,
                "Borrowing Boom",
                "Many African countries borrowed heavily in the 2010s, including from China and "
                "international bond markets, to build roads, railways and power plants.",
            ),
        ],
        sources=[
            ("https://www.bbc.com/news/articles/c0vvdx3xdl1o", "bbc.com", None),
            (
                "https://www.aljazeera.com/news/2024/6/26/kenyas-ruto-withdraws-finance-bill-after-deadly-protests",
                "aljazeera.com",
                "2024-06-26",
            ),
        ],
        glossary=[
            (
                "Finance Bill",
                "A law that sets out how a government will raise money through taxes in the "
                "coming year.",
            ),
            ("Excise Duty", "A tax on specific goods, such as fuel, alcohol or cooking oil."),
            ("Austerity", "Government policies that cut spending or raise taxes to reduce debt."),
        ],
        questions=[
            "Should governments raise taxes on basic goods to repay debt?",
            "Can protest movements without leaders achieve lasting change?",
            "What responsibility do lenders like the IMF have when their advice leads to unrest?",
        ],
        warned=[
            "1. Should governments",
            "2. Can protest movements",
            "3. What responsibility",
        ],
    ),
}

NAMES = sorted(EXPECTED)


def test_every_document_is_here() -> None:
    # Documents 09 on have their expectations in expected/*.json (test_parse_editors_blind2.py).
    blind = {p.stem + ".txt" for p in (DATA / "expected").glob("*.json")}
    assert sorted(p.name for p in DATA.glob("*.txt") if p.name not in blind) == NAMES
    assert len(blind) >= 8
    assert b"\r\n" in (DATA / CHIPS).read_bytes() and b"\r\n" in (DATA / KENYA).read_bytes()


@pytest.mark.parametrize("name", NAMES)
def test_title(name: str) -> None:
    doc, want = doc_of(name), EXPECTED[name]
    if want.title is None:
        assert doc.title.strip(), "a document without a title line still needs a title"
        assert any("title" in w.message.lower() for w in doc.warnings), (
            f"no warning says the title was guessed; warnings: {doc.warnings}"
        )
    else:
        assert doc.title == want.title


@pytest.mark.parametrize("name", NAMES)
def test_lede(name: str) -> None:
    assert doc_of(name).lede == EXPECTED[name].lede


@pytest.mark.parametrize("name", NAMES)
def test_body_sections(name: str) -> None:
    body = [s for s in doc_of(name).sections if s.kind == "body"]
    assert [(s.heading, len(s.paragraphs)) for s in body] == [
        (h, n) for h, n, _ in EXPECTED[name].body
    ]
    for section, (_, _, first) in zip(body, EXPECTED[name].body, strict=True):
        assert section.paragraphs[0] == first


@pytest.mark.parametrize("name", NAMES)
def test_background(name: str) -> None:
    background = [s for s in doc_of(name).sections if s.kind == "background"]
    got = [
        (
            s.number,
            s.heading,
            len(s.items),
            s.items[0].label if s.items else None,
            s.items[0].text if s.items else None,
        )
        for s in background
    ]
    assert got == EXPECTED[name].background


@pytest.mark.parametrize("name", NAMES)
def test_sections_in_order(name: str) -> None:
    kinds = [s.kind for s in doc_of(name).sections]
    assert kinds == sorted(kinds, key=lambda k: k != "body"), (
        "body sections come before background ones"
    )
    anchors = [s.anchor for s in doc_of(name).sections]
    assert all(anchors) and len(set(anchors)) == len(anchors)


@pytest.mark.parametrize("name", NAMES)
def test_sources(name: str) -> None:
    got = [(s.url, s.domain, s.published_on) for s in doc_of(name).sources]
    want = EXPECTED[name].sources
    assert [g[:2] for g in got] == [w[:2] for w in want]
    for (url, _, on), (_, _, want_on) in zip(got, want, strict=True):
        if want_on is not ANY:
            assert on == want_on, url


@pytest.mark.parametrize("name", NAMES)
def test_glossary(name: str) -> None:
    assert [(t.term, t.definition) for t in doc_of(name).glossary] == EXPECTED[name].glossary


@pytest.mark.parametrize("name", NAMES)
def test_questions(name: str) -> None:
    assert [q.text for q in doc_of(name).questions] == EXPECTED[name].questions


@pytest.mark.parametrize("name", NAMES)
def test_no_footer_in_content(name: str) -> None:
    content = doc_of(name).to_dict()
    content.pop("warnings")
    flat = json.dumps(content, ensure_ascii=False).lower()
    assert "subscribe" not in flat
    assert "insight fortnight" not in flat


@pytest.mark.parametrize("name", NAMES)
def test_text_is_clean(name: str) -> None:
    """No line ending, tab, marker or stray space leaks into what readers see."""
    doc = doc_of(name)
    strings = [doc.title, doc.lede]
    for s in doc.sections:
        strings += [s.heading, *s.paragraphs]
        strings += [x for item in s.items for x in (item.label, item.text)]
    strings += [x for t in doc.glossary for x in (t.term, t.definition)]
    strings += [q.text for q in doc.questions]
    strings += [s.url for s in doc.sources]
    for value in strings:
        assert value == value.strip(), repr(value)
        assert "\r" not in value and "\t" not in value and "\n" not in value, repr(value)
        assert "  " not in value, repr(value)
    for s in doc.sections:
        assert not s.heading.endswith(":"), s.heading
        assert not s.heading[:1].isdigit(), s.heading
    for t in doc.glossary:
        assert not t.term.startswith(("-", "–", "—")) and not t.term[:1].isdigit(), t.term
        assert not t.definition.startswith(("-", "–", "—", ":")), t.definition
    for q in doc.questions:
        assert not q.text.startswith(("-", "–", "—")) and not q.text[:1].isdigit(), q.text


@pytest.mark.parametrize(
    ("name", "needle"),
    [(name, needle) for name in NAMES for needle in EXPECTED[name].warned],
)
def test_guess_is_warned(name: str, needle: str) -> None:
    line = line_of(name, needle)
    doc = doc_of(name)
    assert any(w.line == line and w.message.strip() for w in doc.warnings), (
        f"no warning for line {line} ({needle!r}); warnings: {doc.warnings}"
    )


@pytest.mark.parametrize("name", NAMES)
def test_warnings_name_real_lines(name: str) -> None:
    lines = len(text_of(name).split("\n"))
    for w in doc_of(name).warnings:
        assert 0 <= w.line <= lines, w


def test_front_matter() -> None:
    doc = doc_of(UK)
    meta = EXPECTED[UK].meta
    assert doc.slug == meta["slug"]
    assert doc.status == meta["status"]
    assert doc.published_at == meta["published_at"]
    assert doc.issue is not None and doc.issue.number == meta["issue"]


def test_short_paragraphs_stay_paragraphs() -> None:
    """One-line paragraphs that end in '.', '?' or a closing quote are not headings."""
    body = {s.heading: s.paragraphs for s in doc_of(FED).sections if s.kind == "body"}
    assert body["The Decision"][1] == "It was the first dissent by a Fed governor since 2005."
    assert body["The Decision"][3] == "Traders had a name for it: a “jumbo cut.”"
    assert body["Inflation Falls Toward 2%"][2] == "That changed the math."
    assert body["The U.S. Job Market Cools"][1] == "Would the Fed wait too long?"


def test_item_text_keeps_its_own_colon() -> None:
    background = [s for s in doc_of(FED).sections if s.kind == "background"]
    assert (background[0].items[1].label, background[0].items[1].text) == (
        "Dual Mandate",
        "Congress gave the Fed two goals: maximum employment and stable prices. It defines stable "
        "prices as inflation of 2% a year.",
    )


def test_last_items_of_tabbed_and_blank_lined_backgrounds() -> None:
    panama = [s for s in doc_of(PANAMA).sections if s.kind == "background"]
    assert (panama[1].items[-1].label, panama[1].items[-1].text) == (
        "Neopanamax Locks",
        "A wider set of locks opened in 2016 to handle larger ships. They reuse about 60% of "
        "their water in side basins.",
    )
    kenya = [s for s in doc_of(KENYA).sections if s.kind == "background"]
    assert (kenya[1].items[-1].label, kenya[1].items[-1].text) == (
        "Rising Costs",
        "Higher global interest rates since 2022 have made that debt much more expensive to repay.",
    )
    heat = [s for s in doc_of(HEAT).sections if s.kind == "background"]
    assert heat[0].items[1].text == (
        "A measure that combines heat and humidity. Above a wet-bulb temperature of about 35°C, "
        "even healthy people at rest cannot cool themselves by sweating for long."
    )


def test_published_at_fallback_sees_every_dated_source() -> None:
    """Kenya's first source URL has no date, but its second is dated 2024/6/26."""
    doc = doc_of(KENYA)
    assert any(s.published_on for s in doc.sources)
    assert not any("source urls" in w.message.lower() for w in doc.warnings if w.line == 0), (
        "a warning claims the source URLs carry no date, yet one does"
    )
