"""Browser tests: Debian's Chromium driven by Playwright against the running demo."""
