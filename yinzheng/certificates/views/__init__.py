"""The certificate pages, one sub-domain to a module: the requests' lists and decision
screen (`requests`), intake (`intake`), the files of a request (`files`), the
jurisdiction's settings (`settings`), the resident's status page (`public`), the
post-verification of commitments (`commitments`) and credit (`credit`), the Party
organisation's and the departments' queues (`party`, `referrals`), on the helpers
in `common`. `certificates/urls.py` routes to them.
"""
