"""Forms of the certificates app's staff pages: the request pages (`requests`), the
notification-commitment and credit pages (`commitments`)."""
