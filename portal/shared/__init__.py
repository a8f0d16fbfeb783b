"""Plumbing every capability uses: the outbox, keyset pages and filter parsing, safe
redirects, text cleaning, htmx fragments, page marks, links. It imports no capability."""
