"""Forms of the catalogue's staff pages: keeping the lists, items, guides, channels and
clean-ups (`lists`), the admission, exit and filing applications (`applications`)."""
