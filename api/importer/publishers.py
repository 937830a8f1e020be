"""Who published a source: known news sites by domain, and the domain of a host.

Pure functions, no I/O.
"""

from __future__ import annotations

PUBLISHERS = {
    "nytimes.com": "The New York Times",
    "bbc.co.uk": "BBC News",
    "bbc.com": "BBC News",
    "theguardian.com": "The Guardian",
    "guardian.co.uk": "The Guardian",
    "washingtonpost.com": "The Washington Post",
    "reuters.com": "Reuters",
    "apnews.com": "Associated Press",
    "cnn.com": "CNN",
    "aljazeera.com": "Al Jazeera",
    "ft.com": "Financial Times",
    "economist.com": "The Economist",
    "wsj.com": "The Wall Street Journal",
    "bloomberg.com": "Bloomberg",
    "npr.org": "NPR",
    "politico.com": "Politico",
    "politico.eu": "Politico Europe",
    "axios.com": "Axios",
    "theatlantic.com": "The Atlantic",
    "foreignpolicy.com": "Foreign Policy",
    "foreignaffairs.com": "Foreign Affairs",
    "latimes.com": "Los Angeles Times",
    "usatoday.com": "USA Today",
    "nbcnews.com": "NBC News",
    "cbsnews.com": "CBS News",
    "abcnews.go.com": "ABC News",
    "foxnews.com": "Fox News",
    "cnbc.com": "CNBC",
    "time.com": "Time",
    "newsweek.com": "Newsweek",
    "theconversation.com": "The Conversation",
    "dw.com": "Deutsche Welle",
    "france24.com": "France 24",
    "lemonde.fr": "Le Monde",
    "spiegel.de": "Der Spiegel",
    "independent.co.uk": "The Independent",
    "telegraph.co.uk": "The Telegraph",
    "scmp.com": "South China Morning Post",
    "japantimes.co.jp": "The Japan Times",
    "koreaherald.com": "The Korea Herald",
    "yna.co.kr": "Yonhap News Agency",
    "nknews.org": "NK News",
    "afp.com": "AFP",
    "vox.com": "Vox",
    "theglobeandmail.com": "The Globe and Mail",
    "abc.net.au": "ABC News (Australia)",
    "hindustantimes.com": "Hindustan Times",
    "thehindu.com": "The Hindu",
    "nature.com": "Nature",
    "science.org": "Science",
    "scientificamerican.com": "Scientific American",
}


def url_domain(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def publisher_for(domain: str) -> str | None:
    """The outlet's name for a known domain or any subdomain of one (edition.cnn.com -> CNN)."""
    parts = domain.split(".")
    for i in range(len(parts) - 1):
        name = PUBLISHERS.get(".".join(parts[i:]))
        if name:
            return name
    return None
