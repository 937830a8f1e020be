"""Screenshot of the reader over the shipped seed, for the README: docs/reader.png.

Run `bash scripts/ensure-chromium.sh` first, then
`.venv/bin/python scripts/reader_screenshot.py [OUT.png] [--width W] [--height H] [--term T]`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.live_server import live_server, seeded_app  # noqa: E402
from tests.test_reader_browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "docs" / "reader.png"))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--term", help="open this Key term's definition first")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        app = seeded_app(Path(tmp) / "content.db")
        with live_server(app) as server:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": args.width, "height": args.height})
            page.goto(f"{server.origin}/reader/")
            page.wait_for_selector("html[data-ready=true]", state="attached")
            if args.term:
                rail = page.get_by_role("complementary", name="Key terms")
                rail.get_by_role("button", name=args.term, exact=True).click()
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=args.out)
            browser.close()
    print(args.out)


if __name__ == "__main__":
    main()
