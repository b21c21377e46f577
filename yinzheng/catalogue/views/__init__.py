"""The catalogue's pages, by sub-domain.

The public pages of the lists, items, guides and decisions (`public`, no login). The
staff pages that keep the lists (`lists`, with `publications` and `cleanup` on a list's
page, `items` for an item and its guide), all reached through `staff`, which says who may
open them. The admission, exit and filing applications (`applications`). URLs are in
catalogue/urls.py, templates under templates/catalogue/.
"""
