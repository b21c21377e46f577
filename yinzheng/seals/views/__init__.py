"""The seal pages, one sub-domain to a module: `registry` (the seals, their issue and
retirement, loss reports and collection tasks), `custody` (take-outs, the committee's
page, handovers) and `usage` (sealing requests), on the helpers in `common`.
`seals/urls.py` routes to them.
"""
