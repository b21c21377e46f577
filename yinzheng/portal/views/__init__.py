"""The portal's pages: the home page, and the public pages of the domains."""
